"""A return of pieces of an order, line by line, each for a refund or an exchange, and its
history. The status moves only through `Return.move_to`, by `RETURN_MOVES`."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from checkout.exceptions import IllegalTransition
from checkout.models import Order, OrderLine


class ReturnStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    PARTLY_RECEIVED = "partly_received", _("Partly received")
    RECEIVED = "received", _("Received")
    CANCELLED = "cancelled", _("Cancelled")


R = ReturnStatus
RETURN_MOVES: dict[str, set[str]] = {
    R.REQUESTED: {R.PARTLY_RECEIVED, R.RECEIVED, R.CANCELLED},
    R.PARTLY_RECEIVED: {R.PARTLY_RECEIVED, R.RECEIVED},  # more pieces arrive
    R.RECEIVED: set(),
    R.CANCELLED: set(),
}


class Reason(models.TextChoices):
    TOO_SMALL = "too_small", _("Too small")
    TOO_BIG = "too_big", _("Too big")
    NOT_AS_PICTURED = "not_as_pictured", _("Not as pictured")
    FAULTY = "faulty", _("Faulty")
    CHANGED_MIND = "changed_mind", _("Changed my mind")
    OTHER = "other", _("Other")


class Outcome(models.TextChoices):
    REFUND = "refund", _("Refund")
    EXCHANGE = "exchange", _("Exchange")


def new_return_number() -> str:
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    return "RT-" + "".join(secrets.choice(alphabet) for _ in range(8))


class Return(models.Model):
    number = models.CharField(
        _("number"), max_length=16, unique=True, default=new_return_number, editable=False
    )
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="returns")
    status = models.CharField(_("status"), max_length=20, choices=ReturnStatus, default=R.REQUESTED)
    created_at = models.DateTimeField(_("requested"), default=timezone.now, db_index=True)
    received_at = models.DateTimeField(_("received"), null=True, blank=True)

    class Meta:
        verbose_name = _("return")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.number

    def move_to(self, status: str, *, note: str = "", by=None) -> ReturnStatusChange:
        """The one way a return's status changes: legal moves only, each one recorded. Call it
        on a row locked with select_for_update; the caller saves the return."""
        if status not in RETURN_MOVES[self.status]:
            raise IllegalTransition(R(self.status).label, R(status).label)
        change = ReturnStatusChange.objects.create(
            ret=self, from_status=self.status, to_status=status, note=note, by=by
        )
        self.status = status
        if status == R.RECEIVED:
            self.received_at = timezone.now()
        return change

    @property
    def can_cancel(self) -> bool:
        return R.CANCELLED in RETURN_MOVES[self.status]

    @property
    def waits_for_pieces(self) -> bool:
        return self.status in (R.REQUESTED, R.PARTLY_RECEIVED)


class ReturnLine(models.Model):
    ret = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, related_name="return_lines")
    quantity = models.PositiveIntegerField(_("quantity"))
    reason = models.CharField(_("reason"), max_length=20, choices=Reason)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome)
    # The size or colour asked for in exchange, and whether its pieces are held for it (they
    # are taken from stock when the return is requested, so another shopper cannot buy them).
    exchange_variant = models.ForeignKey(
        "catalog.ProductVariant",
        verbose_name=_("exchange for"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    exchange_held = models.BooleanField(default=False, editable=False)
    received_quantity = models.PositiveIntegerField(_("received"), default=0)
    # The exchange's new order, once the pieces came back.
    exchange_order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(received_quantity__lte=models.F("quantity")),
                name="returns_line_received_at_most_returned",
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="returns_line_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.order_line.product_title} ({self.get_outcome_display()})"

    @property
    def waiting_quantity(self) -> int:
        return self.quantity - self.received_quantity


class ReturnStatusChange(models.Model):
    ret = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=ReturnStatus)
    to_status = models.CharField(max_length=20, choices=ReturnStatus)
    note = models.CharField(max_length=255, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.ret}: {self.from_status} → {self.to_status}"
