from django.core.management.base import BaseCommand, CommandError

from demo.seed import seed
from demo.staff import ensure_demo_staff


class Command(BaseCommand):
    help = (
        "Build the demo store (idempotently): site tree, home page, categories, N products "
        "with variants, stock and images, and the staff groups."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--products", type=int, default=120, help="How many products (default 120)."
        )
        parser.add_argument(
            "--no-renditions",
            dest="renditions",
            action="store_false",
            help=(
                "Skip making image renditions ahead; pages then make them on first view, or "
                "warm_demo_pictures does (make run runs it beside the server)."
            ),
        )
        parser.add_argument(
            "--demo-staff",
            action="store_true",
            help="Also create demo staff accounts with a known password (never in production).",
        )

    def handle(self, *args, products, renditions, demo_staff, **options):
        if products < 0:
            raise CommandError("--products must be zero or more.")
        result = seed(products=products, renditions=renditions, report=self.stdout.write)
        if demo_staff:
            for line in ensure_demo_staff():
                self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo store ready: {result['total']} products ({result['created']} new)."
            )
        )
