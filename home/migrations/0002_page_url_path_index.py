from django.db import migrations


class Migration(migrations.Migration):
    """HomePage.route finds a page and its ancestors by url_path in one query; Wagtail does not
    index that column, so without this every page view would scan the page table."""

    dependencies = [
        ("home", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS home_page_url_path_idx ON wagtailcore_page (url_path);",
            "DROP INDEX IF EXISTS home_page_url_path_idx;",
        ),
    ]
