from django.core.management.base import BaseCommand

from demo.seed import Progress, warm_pictures


class Command(BaseCommand):
    help = (
        "Make the demo pictures' missing renditions (AVIF, WebP and JPEG at 1x and 2x), the "
        "home page's first, then the listings', then the product pages'. `make run` runs it "
        "beside the server, after `seed_demo --no-renditions`."
    )

    def handle(self, *args, **options):
        made = warm_pictures(Progress(report=self.stdout.write))
        self.stdout.write(self.style.SUCCESS(f"Demo pictures ready: {made} renditions made."))
