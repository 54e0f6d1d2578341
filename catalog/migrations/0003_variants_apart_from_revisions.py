import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """Variants leave the product page's revisions (a plain foreign key, not a ParentalKey),
    and stock moves made by people are recorded."""

    dependencies = [
        ("catalog", "0002_variant_stock_by_product"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="productvariant",
            name="product",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="variants",
                to="catalog.productpage",
            ),
        ),
        migrations.CreateModel(
            name="StockMove",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("change", models.IntegerField(verbose_name="change")),
                ("stock_after", models.PositiveIntegerField(verbose_name="stock after")),
                (
                    "reason",
                    models.CharField(
                        choices=[("edited", "Edited"), ("imported", "Imported")],
                        max_length=10,
                        verbose_name="reason",
                    ),
                ),
                ("key", models.CharField(editable=False, max_length=64)),
                ("note", models.CharField(blank=True, max_length=255, verbose_name="note")),
                (
                    "at",
                    models.DateTimeField(
                        db_index=True, default=django.utils.timezone.now, verbose_name="at"
                    ),
                ),
                (
                    "by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="by",
                    ),
                ),
                (
                    "variant",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="moves",
                        to="catalog.productvariant",
                        verbose_name="variant",
                    ),
                ),
            ],
            options={
                "verbose_name": "stock move",
                "ordering": ["-at", "-pk"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("key", "variant"), name="catalog_stock_move_once"
                    )
                ],
            },
        ),
    ]
