"""Baskets, orders and what happens to them: payments, refunds, status changes, discount codes,
Stripe events already handled, and the shipping rates merchandisers set."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from accounts.models import COUNTRIES, mailbox_of

from .exceptions import IllegalTransition

MONEY = {"max_digits": 10, "decimal_places": 2}


class Basket(models.Model):
    """A shopper's basket: a signed-in shopper's one, or an anonymous session's."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="basket",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("basket")

    def __str__(self) -> str:
        return f"Basket {self.pk}"


class BasketLine(models.Model):
    basket = models.ForeignKey(Basket, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(
        "catalog.ProductVariant", on_delete=models.CASCADE, related_name="+"
    )
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["basket", "variant"], name="checkout_one_line_per_variant"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="checkout_line_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.variant}"


class PaymentStatus(models.TextChoices):
    """Where the shopper's money is."""

    PENDING = "pending", _("Awaiting payment")
    PAID = "paid", _("Paid")
    PARTLY_REFUNDED = "partly_refunded", _("Partly refunded")
    REFUNDED = "refunded", _("Refunded")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


class FulfilmentStatus(models.TextChoices):
    """Where the pieces are."""

    UNFULFILLED = "unfulfilled", _("Not shipped yet")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    RETURNED = "returned", _("Returned")


P, F = PaymentStatus, FulfilmentStatus
# Where each status may go. Anything else is refused by Order.move_payment/move_fulfilment.
PAYMENT_MOVES: dict[str, set[str]] = {
    P.PENDING: {P.PAID, P.CANCELLED, P.EXPIRED},
    P.PAID: {P.PARTLY_REFUNDED, P.REFUNDED},
    P.PARTLY_REFUNDED: {P.PARTLY_REFUNDED, P.REFUNDED},  # another part comes back
    P.REFUNDED: set(),
    P.CANCELLED: set(),
    P.EXPIRED: set(),
}
FULFILMENT_MOVES: dict[str, set[str]] = {
    F.UNFULFILLED: {F.SHIPPED},
    F.SHIPPED: {F.DELIVERED, F.RETURNED},
    F.DELIVERED: {F.RETURNED},
    F.RETURNED: set(),
}
# The shopper has paid and not all of it has gone back: the order is theirs to receive.
MONEY_HELD = {P.PAID, P.PARTLY_REFUNDED}


def new_order_number() -> str:
    """Eight characters that are easy to read out and type (no 0/O, 1/I/L), and that say
    nothing about how many orders the store takes."""
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    return "DS-" + "".join(secrets.choice(alphabet) for _ in range(8))


class OrderQuerySet(models.QuerySet):
    def awaiting_payment(self) -> OrderQuerySet:
        """Unpaid orders still within their reservation: they hold stock (and a discount's use)
        until they are paid, cancelled or past their time."""
        return self.filter(payment_status=P.PENDING).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=timezone.now())
        )

    def using_codes(self) -> OrderQuerySet:
        """Orders that use up their discount code: paid ones, and unpaid ones still within
        their reservation (not cancelled, expired or left unpaid past their time)."""
        return self.exclude(payment_status__in=[P.CANCELLED, P.EXPIRED]).exclude(
            payment_status=P.PENDING, expires_at__lte=timezone.now()
        )

    def to_ship(self) -> OrderQuerySet:
        """Paid orders not shipped yet, whatever part of them was refunded."""
        return self.filter(payment_status__in=MONEY_HELD, fulfilment_status=F.UNFULFILLED)


class Order(models.Model):
    number = models.CharField(
        _("number"), max_length=16, unique=True, default=new_order_number, editable=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
    )
    email = models.EmailField(_("email"))
    # The mailbox the address reaches (accounts.models.mailbox_of), for limits per customer.
    mailbox = models.CharField(max_length=254, editable=False, db_index=True, default="")
    # Kept while the order awaits payment, for the limit of unpaid orders per client address.
    client_ip = models.GenericIPAddressField(null=True, blank=True, editable=False)
    payment_status = models.CharField(
        _("payment"), max_length=20, choices=PaymentStatus, default=P.PENDING
    )
    fulfilment_status = models.CharField(
        _("shipping"), max_length=20, choices=FulfilmentStatus, default=F.UNFULFILLED
    )
    currency = models.CharField(_("currency"), max_length=3)
    subtotal = models.DecimalField(_("subtotal"), **MONEY)
    discount_total = models.DecimalField(_("discount"), default=Decimal("0.00"), **MONEY)
    shipping_total = models.DecimalField(_("shipping"), **MONEY)
    total = models.DecimalField(_("total"), **MONEY)
    refunded_total = models.DecimalField(_("refunded"), default=Decimal("0.00"), **MONEY)
    shipping_method = models.CharField(_("shipping method"), max_length=20)
    shipping_label = models.CharField(_("shipping"), max_length=80)
    discount_code = models.ForeignKey(
        "DiscountCode", null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    discount_code_text = models.CharField(_("discount code"), max_length=40, blank=True)
    # The address, as it was when the order was placed.
    ship_name = models.CharField(_("full name"), max_length=120)
    ship_line1 = models.CharField(_("address"), max_length=200)
    ship_line2 = models.CharField(_("apartment, suite, etc."), max_length=200, blank=True)
    ship_city = models.CharField(_("city"), max_length=100)
    ship_region = models.CharField(_("state, county or region"), max_length=100, blank=True)
    ship_postcode = models.CharField(_("postcode or ZIP"), max_length=20)
    ship_country = models.CharField(_("country"), max_length=2, choices=COUNTRIES)
    ship_phone = models.CharField(_("phone"), max_length=32, blank=True)
    basket = models.ForeignKey(
        Basket, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    stripe_session_id = models.CharField(
        max_length=255, unique=True, null=True, blank=True, editable=False
    )
    stripe_payment_intent = models.CharField(max_length=255, blank=True, editable=False)
    expires_at = models.DateTimeField(_("payment due by"), null=True, blank=True)
    stock_released = models.BooleanField(default=False, editable=False)
    tracking_number = models.CharField(_("tracking number"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("placed"), default=timezone.now, db_index=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("shipped"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("order")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["payment_status", "expires_at"], name="checkout_order_pending_due"
            ),
            models.Index(
                fields=["fulfilment_status", "payment_status"], name="checkout_order_to_ship"
            ),
            models.Index(Upper("email"), name="checkout_order_email_ci"),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs):
        self.mailbox = mailbox_of(self.email)
        if kwargs.get("update_fields") is not None and "email" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "mailbox"}
        super().save(*args, **kwargs)

    def move_payment(self, status: str, *, note: str = "", by=None) -> OrderStatusChange:
        """The one way the payment status changes: legal moves only, each one recorded. Call it
        on a row locked with select_for_update; the caller saves the order."""
        return self._move(OrderStatusChange.Kind.PAYMENT, status, note=note, by=by)

    def move_fulfilment(self, status: str, *, note: str = "", by=None) -> OrderStatusChange:
        """The one way the fulfilment status changes, as move_payment."""
        return self._move(OrderStatusChange.Kind.FULFILMENT, status, note=note, by=by)

    def _move(self, kind: str, status: str, *, note: str, by) -> OrderStatusChange:
        field, moves, names = KINDS[kind]
        current = getattr(self, field)
        if status not in moves[current]:
            raise IllegalTransition(names(current).label, names(status).label)
        change = OrderStatusChange(
            order=self, kind=kind, from_status=current, to_status=status, note=note, by=by
        )
        setattr(self, field, status)
        now = timezone.now()
        if status == P.PAID:
            self.paid_at = now
        elif status == F.SHIPPED:
            self.shipped_at = now
        change.save()
        return change

    def can_pay_move(self, status: str) -> bool:
        return status in PAYMENT_MOVES[self.payment_status]

    @property
    def is_paid(self) -> bool:
        """The shopper paid, and not all of it went back."""
        return self.payment_status in MONEY_HELD

    @property
    def refundable_total(self) -> Decimal:
        """What may still be refunded: the total, less what was refunded or is on its way."""
        pending = sum(
            (r.amount for r in self.refunds.all() if r.status == Refund.Status.PENDING),
            Decimal("0.00"),
        )
        return self.total - self.refunded_total - pending

    # What may be done to the order now: checkout.services refuses anything else by these same
    # answers, and the admin offers only what they allow.

    @property
    def can_ship(self) -> bool:
        """A paid order not shipped yet, whatever part of it was refunded."""
        return self.is_paid and F.SHIPPED in FULFILMENT_MOVES[self.fulfilment_status]

    @property
    def can_refund(self) -> bool:
        return self.is_paid and self.refundable_total > 0

    @property
    def can_cancel(self) -> bool:
        """Only an unpaid order is cancelled; a paid one is refunded."""
        return self.can_pay_move(P.CANCELLED)

    def address_lines(self) -> list[str]:
        return [
            part
            for part in (
                self.ship_name,
                self.ship_line1,
                self.ship_line2,
                " ".join(p for p in (self.ship_postcode, self.ship_city) if p),
                self.ship_region,
                self.get_ship_country_display(),
            )
            if part
        ]


class OrderLine(models.Model):
    """A line as it was sold: what it was called, what it cost, whatever the catalog says now."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(
        "catalog.ProductVariant", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    product_title = models.CharField(max_length=255)
    size = models.CharField(max_length=40)
    colour = models.CharField(max_length=40)
    sku = models.CharField(max_length=64)
    unit_price = models.DecimalField(**MONEY)
    quantity = models.PositiveIntegerField()
    line_total = models.DecimalField(**MONEY)
    restocked_quantity = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_title} ({self.size}, {self.colour})"


class OrderStatusChange(models.Model):
    """One move of an order's payment or fulfilment status, for the history the shopper and
    the shop see."""

    class Kind(models.TextChoices):
        PAYMENT = "payment", _("Payment")
        FULFILMENT = "fulfilment", _("Shipping")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="status_changes")
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.PAYMENT)
    from_status = models.CharField(max_length=20)
    to_status = models.CharField(max_length=20)
    note = models.CharField(max_length=255, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.order}: {self.kind} {self.from_status} → {self.to_status}"

    def from_label(self) -> str:
        return KINDS[self.kind][2](self.from_status).label

    def to_label(self) -> str:
        return KINDS[self.kind][2](self.to_status).label


# Each kind of status: the order's field, its moves, and its names.
KINDS = {
    OrderStatusChange.Kind.PAYMENT: ("payment_status", PAYMENT_MOVES, PaymentStatus),
    OrderStatusChange.Kind.FULFILMENT: ("fulfilment_status", FULFILMENT_MOVES, FulfilmentStatus),
}


class Payment(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="payments")
    stripe_session_id = models.CharField(max_length=255)
    stripe_payment_intent = models.CharField(max_length=255, blank=True)
    amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["stripe_session_id"], name="checkout_one_payment_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} for {self.order}"


class Refund(models.Model):
    """Money going back to the shopper through Stripe. Only a refund that succeeded counts in
    the order's `refunded_total`; a pending one holds its amount back from further refunds."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        CANCELED = "canceled", _("Cancelled")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="refunds")
    stripe_refund_id = models.CharField(max_length=255, unique=True)
    amount = models.DecimalField(**MONEY)
    # Of `amount`, what was the shipping's; the rest is its lines' (RefundLine) or, for a custom
    # amount or one made in Stripe's dashboard, not tied to any line.
    shipping_amount = models.DecimalField(default=Decimal("0.00"), **MONEY)
    # The key of the form that asked for it here (empty for one made in Stripe's dashboard): the
    # same confirmation sent twice finds its refund instead of making another.
    key = models.CharField(max_length=64, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.SUCCEEDED)
    failure_reason = models.CharField(_("why it failed"), max_length=100, blank=True)
    reason = models.CharField(max_length=255, blank=True)
    restocked = models.BooleanField(default=False)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    settled_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Refund {self.stripe_refund_id} of {self.amount} for {self.order}"

    @property
    def counts(self) -> bool:
        """Whether it is money back, or on its way back (not failed or cancelled)."""
        return self.status in (self.Status.PENDING, self.Status.SUCCEEDED)


class RefundLine(models.Model):
    """Pieces of an order line refunded, and what the shopper paid for them."""

    refund = models.ForeignKey(Refund, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, related_name="refunds")
    quantity = models.PositiveIntegerField()
    amount = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.order_line.product_title}: {self.amount}"


class StripeEvent(models.Model):
    """Every webhook event handled, by its id: a repeat is a no-op."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    received_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


class DiscountCode(models.Model):
    class Kind(models.TextChoices):
        PERCENT = "percent", _("Percentage off")
        FIXED = "fixed", _("Fixed amount off")

    code = models.CharField(
        _("code"), max_length=40, unique=True, help_text=_("Shoppers type it in any case.")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.PERCENT)
    value = models.DecimalField(
        _("value"),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("A percentage (e.g. 15) or an amount in the store's currency."),
        **MONEY,
    )
    valid_from = models.DateTimeField(_("valid from"), null=True, blank=True)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    usage_limit = models.PositiveIntegerField(
        _("total uses"), null=True, blank=True, help_text=_("Empty for no limit.")
    )
    per_customer_limit = models.PositiveIntegerField(
        _("uses per customer"), null=True, blank=True, default=1, help_text=_("Empty for no limit.")
    )
    minimum_subtotal = models.DecimalField(_("minimum subtotal"), default=Decimal("0.00"), **MONEY)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [
        FieldPanel("code"),
        MultiFieldPanel(
            [FieldPanel("kind"), FieldPanel("value"), FieldPanel("minimum_subtotal")],
            heading=_("Discount"),
        ),
        MultiFieldPanel(
            [FieldPanel("valid_from"), FieldPanel("valid_until"), FieldPanel("active")],
            heading=_("Validity"),
        ),
        MultiFieldPanel(
            [FieldPanel("usage_limit"), FieldPanel("per_customer_limit")], heading=_("Limits")
        ),
    ]

    class Meta:
        verbose_name = _("discount code")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(Upper("code"), name="checkout_discount_code_ci_unique"),
            models.CheckConstraint(
                condition=~models.Q(kind="percent") | models.Q(value__lte=100),
                name="checkout_discount_percent_at_most_100",
                violation_error_message=_("A percentage cannot be above 100."),
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def save(self, *args, **kwargs):
        self.code = self.code.strip().upper()
        super().save(*args, **kwargs)

    def clean(self):
        # Said beside the field at fault, in words; the constraints in Meta stay as the net.
        super().clean()
        self.code = self.code.strip().upper()
        errors = {}
        if DiscountCode.objects.filter(code__iexact=self.code).exclude(pk=self.pk).exists():
            errors["code"] = _("That code already exists.")
        if self.kind == self.Kind.PERCENT and self.value is not None and self.value > 100:
            errors["value"] = _(
                "A percentage cannot be above 100: enter the percent off, such as 15."
            )
        if self.valid_from and self.valid_until and self.valid_until <= self.valid_from:
            errors["valid_until"] = _(
                "The code would end before it starts: make “valid until” later than "
                "“valid from”, or leave it empty."
            )
        if errors:
            raise ValidationError(errors)


@register_setting(icon="mail")
class ShippingSettings(BaseGenericSetting):
    class ReturnShipping(models.TextChoices):
        NEVER = "never", _("Never")
        WHOLE = "whole", _("When every piece of the order comes back")

    standard_label = models.CharField(
        _("standard shipping name"), max_length=60, default="Standard (3–5 working days)"
    )
    standard_rate = models.DecimalField(
        _("standard rate"), default=Decimal("6.00"), validators=[MinValueValidator(0)], **MONEY
    )
    express_label = models.CharField(
        _("express shipping name"), max_length=60, default="Express (next working day)"
    )
    express_rate = models.DecimalField(
        _("express rate"), default=Decimal("15.00"), validators=[MinValueValidator(0)], **MONEY
    )
    free_shipping_threshold = models.DecimalField(
        _("free standard shipping from"),
        null=True,
        blank=True,
        default=Decimal("150.00"),
        help_text=_(
            "Orders at or above this subtotal (after discounts) ship free by standard "
            "shipping. Empty for never."
        ),
        **MONEY,
    )
    refund_shipping_on_return = models.CharField(
        _("refund the shipping on a return"),
        max_length=10,
        choices=ReturnShipping,
        default=ReturnShipping.WHOLE,
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("standard_label"), FieldPanel("standard_rate")], heading=_("Standard")
        ),
        MultiFieldPanel(
            [FieldPanel("express_label"), FieldPanel("express_rate")], heading=_("Express")
        ),
        FieldPanel("free_shipping_threshold"),
        FieldPanel("refund_shipping_on_return"),
    ]

    class Meta:
        verbose_name = _("shipping rates")
