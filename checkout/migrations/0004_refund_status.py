from django.db import migrations, models


class Migration(migrations.Migration):
    """A refund's own status: only a succeeded one is money back. Those recorded before were
    all counted, so they are succeeded."""

    dependencies = [
        ("checkout", "0003_order_mailbox_and_client_address"),
    ]

    operations = [
        migrations.AddField(
            model_name="refund",
            name="failure_reason",
            field=models.CharField(blank=True, max_length=100, verbose_name="why it failed"),
        ),
        migrations.AddField(
            model_name="refund",
            name="settled_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="refund",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "Pending"),
                    ("succeeded", "Succeeded"),
                    ("failed", "Failed"),
                    ("canceled", "Cancelled"),
                ],
                default="succeeded",
                max_length=10,
                verbose_name="status",
            ),
        ),
    ]
