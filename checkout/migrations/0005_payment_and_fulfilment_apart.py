from django.db import migrations, models

# The one status of before, as (payment, fulfilment). A refund used to replace "shipped": an order
# with a shipping date was shipped, whatever its status said.
PAYMENT = {
    "pending_payment": "pending",
    "paid": "paid",
    "shipped": "paid",
    "delivered": "paid",
    "partially_refunded": "partly_refunded",
    "refunded": "refunded",
    "cancelled": "cancelled",
    "expired": "expired",
}
FULFILMENT = {"shipped": "shipped", "delivered": "delivered"}


def split_statuses(apps, schema_editor):
    Order = apps.get_model("checkout", "Order")
    OrderStatusChange = apps.get_model("checkout", "OrderStatusChange")
    for order in Order.objects.only("pk", "status", "shipped_at").iterator():
        fulfilment = FULFILMENT.get(order.status) or (
            "shipped" if order.shipped_at else "unfulfilled"
        )
        Order.objects.filter(pk=order.pk).update(
            payment_status=PAYMENT[order.status], fulfilment_status=fulfilment
        )
    for change in OrderStatusChange.objects.iterator():
        if change.to_status in FULFILMENT:
            # paid → shipped, partly refunded → shipped, shipped → delivered
            change.kind = "fulfilment"
            change.from_status = FULFILMENT.get(change.from_status, "unfulfilled")
            change.to_status = FULFILMENT[change.to_status]
        else:
            change.kind = "payment"
            change.from_status = PAYMENT[change.from_status]
            change.to_status = PAYMENT[change.to_status]
        change.save(update_fields=["kind", "from_status", "to_status"])


def join_statuses(apps, schema_editor):
    Order = apps.get_model("checkout", "Order")
    OrderStatusChange = apps.get_model("checkout", "OrderStatusChange")
    old_name = {"pending": "pending_payment", "partly_refunded": "partially_refunded"}
    for change in OrderStatusChange.objects.iterator():
        if change.kind == "fulfilment":
            change.from_status = (
                "paid" if change.from_status == "unfulfilled" else change.from_status
            )
        else:
            change.from_status = old_name.get(change.from_status, change.from_status)
            change.to_status = old_name.get(change.to_status, change.to_status)
        change.save(update_fields=["from_status", "to_status"])
    for order in Order.objects.only("pk", "payment_status", "fulfilment_status").iterator():
        status = old_name.get(order.payment_status, order.payment_status)
        if status == "paid" and order.fulfilment_status in FULFILMENT:
            status = order.fulfilment_status
        Order.objects.filter(pk=order.pk).update(status=status)


class Migration(migrations.Migration):
    """An order's payment (pending, paid, partly refunded, refunded, cancelled, expired) and its
    fulfilment (not shipped yet, shipped, delivered, returned) are tracked apart, each with its
    own history; existing orders and their histories are split."""

    dependencies = [
        ("checkout", "0004_refund_status"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="order", name="checkout_order_pending_due"),
        migrations.AddField(
            model_name="order",
            name="payment_status",
            field=models.CharField(
                choices=[
                    ("pending", "Awaiting payment"),
                    ("paid", "Paid"),
                    ("partly_refunded", "Partly refunded"),
                    ("refunded", "Refunded"),
                    ("cancelled", "Cancelled"),
                    ("expired", "Expired"),
                ],
                default="pending",
                max_length=20,
                verbose_name="payment",
            ),
        ),
        migrations.AddField(
            model_name="order",
            name="fulfilment_status",
            field=models.CharField(
                choices=[
                    ("unfulfilled", "Not shipped yet"),
                    ("shipped", "Shipped"),
                    ("delivered", "Delivered"),
                    ("returned", "Returned"),
                ],
                default="unfulfilled",
                max_length=20,
                verbose_name="shipping",
            ),
        ),
        migrations.AddField(
            model_name="orderstatuschange",
            name="kind",
            field=models.CharField(
                choices=[("payment", "Payment"), ("fulfilment", "Shipping")],
                default="payment",
                max_length=10,
            ),
        ),
        migrations.AlterField(
            model_name="orderstatuschange",
            name="from_status",
            field=models.CharField(max_length=20),
        ),
        migrations.AlterField(
            model_name="orderstatuschange",
            name="to_status",
            field=models.CharField(max_length=20),
        ),
        migrations.RunPython(split_statuses, join_statuses),
        migrations.RemoveField(model_name="order", name="status"),
        migrations.AddIndex(
            model_name="order",
            index=models.Index(
                fields=["payment_status", "expires_at"], name="checkout_order_pending_due"
            ),
        ),
        migrations.AddIndex(
            model_name="order",
            index=models.Index(
                fields=["fulfilment_status", "payment_status"], name="checkout_order_to_ship"
            ),
        ),
    ]
