from django.db import migrations


class Migration(migrations.Migration):
    """The store's settings now belong to `storefront`, whose first migration renamed their
    table; here they only leave this app's state."""

    dependencies = [
        ("home", "0002_page_url_path_index"),
        ("storefront", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="StoreSettings")],
            database_operations=[],
        ),
    ]
