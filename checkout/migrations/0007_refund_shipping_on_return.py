from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("checkout", "0006_refund_lines"),
    ]

    operations = [
        migrations.AddField(
            model_name="shippingsettings",
            name="refund_shipping_on_return",
            field=models.CharField(
                choices=[("never", "Never"), ("whole", "When every piece of the order comes back")],
                default="whole",
                max_length=10,
                verbose_name="refund the shipping on a return",
            ),
        ),
    ]
