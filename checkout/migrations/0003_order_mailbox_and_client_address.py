from django.db import migrations, models


def fill_mailboxes(apps, schema_editor):
    """The mailbox of every existing order (as accounts.models.mailbox_of makes it)."""
    Order = apps.get_model("checkout", "Order")
    for order in Order.objects.only("pk", "email").iterator():
        local, _, domain = order.email.strip().lower().rpartition("@")
        mailbox = f"{local.split('+', 1)[0]}@{domain}" if local else order.email.strip().lower()
        Order.objects.filter(pk=order.pk).update(mailbox=mailbox)


class Migration(migrations.Migration):
    """Limits per customer: the mailbox an order's address reaches, and the client address of
    an order awaiting payment."""

    dependencies = [
        ("checkout", "0002_staff_groups"),
    ]

    operations = [
        migrations.AddField(
            model_name="order",
            name="client_ip",
            field=models.GenericIPAddressField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="order",
            name="mailbox",
            field=models.CharField(db_index=True, default="", editable=False, max_length=254),
        ),
        migrations.RunPython(fill_mailboxes, migrations.RunPython.noop),
    ]
