from django.db import migrations


def staff_groups(apps, schema_editor):
    from accounts.groups import ensure_staff_groups

    ensure_staff_groups(apps)


class Migration(migrations.Migration):
    """Editors change the store's settings (a new database grants it here; an existing one kept
    the permission when the content type moved)."""

    dependencies = [
        ("storefront", "0001_initial"),
        ("home", "0003_storesettings_to_storefront"),
        ("accounts", "0003_profile_and_address_book"),
    ]

    operations = [migrations.RunPython(staff_groups, migrations.RunPython.noop)]
