import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import returns.models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("catalog", "0003_variants_apart_from_revisions"),
        ("checkout", "0007_refund_shipping_on_return"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Return",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "number",
                    models.CharField(
                        default=returns.models.new_return_number,
                        editable=False,
                        max_length=16,
                        unique=True,
                        verbose_name="number",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("requested", "Requested"),
                            ("partly_received", "Partly received"),
                            ("received", "Received"),
                            ("cancelled", "Cancelled"),
                        ],
                        default="requested",
                        max_length=20,
                        verbose_name="status",
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        db_index=True, default=django.utils.timezone.now, verbose_name="requested"
                    ),
                ),
                (
                    "received_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="received"),
                ),
                (
                    "order",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="returns",
                        to="checkout.order",
                    ),
                ),
            ],
            options={
                "verbose_name": "return",
                "ordering": ["-created_at", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="ReturnStatusChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "from_status",
                    models.CharField(
                        choices=[
                            ("requested", "Requested"),
                            ("partly_received", "Partly received"),
                            ("received", "Received"),
                            ("cancelled", "Cancelled"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "to_status",
                    models.CharField(
                        choices=[
                            ("requested", "Requested"),
                            ("partly_received", "Partly received"),
                            ("received", "Received"),
                            ("cancelled", "Cancelled"),
                        ],
                        max_length=20,
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=255)),
                ("at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "ret",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="status_changes",
                        to="returns.return",
                    ),
                ),
            ],
            options={
                "ordering": ["at", "pk"],
            },
        ),
        migrations.CreateModel(
            name="ReturnLine",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("quantity", models.PositiveIntegerField(verbose_name="quantity")),
                (
                    "reason",
                    models.CharField(
                        choices=[
                            ("too_small", "Too small"),
                            ("too_big", "Too big"),
                            ("not_as_pictured", "Not as pictured"),
                            ("faulty", "Faulty"),
                            ("changed_mind", "Changed my mind"),
                            ("other", "Other"),
                        ],
                        max_length=20,
                        verbose_name="reason",
                    ),
                ),
                (
                    "outcome",
                    models.CharField(
                        choices=[("refund", "Refund"), ("exchange", "Exchange")],
                        max_length=10,
                        verbose_name="outcome",
                    ),
                ),
                ("exchange_held", models.BooleanField(default=False, editable=False)),
                (
                    "received_quantity",
                    models.PositiveIntegerField(default=0, verbose_name="received"),
                ),
                (
                    "exchange_order",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="checkout.order",
                    ),
                ),
                (
                    "exchange_variant",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="catalog.productvariant",
                        verbose_name="exchange for",
                    ),
                ),
                (
                    "order_line",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="return_lines",
                        to="checkout.orderline",
                    ),
                ),
                (
                    "ret",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="lines",
                        to="returns.return",
                    ),
                ),
            ],
            options={
                "ordering": ["pk"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("received_quantity__lte", models.F("quantity"))),
                        name="returns_line_received_at_most_returned",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("quantity__gte", 1)),
                        name="returns_line_quantity_positive",
                    ),
                ],
            },
        ),
    ]
