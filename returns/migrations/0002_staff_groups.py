from django.db import migrations


def staff_groups(apps, schema_editor):
    from accounts.groups import ensure_staff_groups

    ensure_staff_groups(apps)


class Migration(migrations.Migration):
    """Merchandisers see and receive returns."""

    dependencies = [
        ("returns", "0001_initial"),
        ("accounts", "0003_profile_and_address_book"),
    ]

    operations = [migrations.RunPython(staff_groups, migrations.RunPython.noop)]
