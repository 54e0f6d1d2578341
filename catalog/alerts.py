"""Back in stock: "Email me when it's back" for a sold-out size and colour.

- `subscribe`: a signed-in shopper's alert waits at once; a guest's is pending until they follow
  the signed link mailed to them (double opt-in), and guests' requests are limited per client
  address and per mailbox (STOCK_ALERT_LIMITS). One person (one mailbox: `+tags` are the same
  person) has one open alert per variant, however often they ask.
- When a commit takes a variant from no stock to some, `catalog.stock` queues `send_alerts`
  (`tasks.queue_back_in_stock`); beat's `send_due_alerts` sends what the queue lost. Each
  waiting alert of a variant on sale and in stock gets one mail, then is done (notified): a
  bounce 0 → 2 → 0 → 1 mails nobody twice, and asking again later makes a new alert.
- Every link in the mail works signed out: the product page with the size and colour chosen,
  and a signed link that stops every alert to that mailbox.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import ratelimit
from accounts.models import mailbox_of
from mail.outbox import send_mail
from storefront.links import absolute_url

from .models import ProductVariant, StockAlert
from .queries import purchasable_variants

S = StockAlert.Status
OPEN = StockAlert.OPEN  # pending or waiting
CONFIRM_SALT = "catalog.alerts.confirm"
STOP_SALT = "catalog.alerts.stop"
BATCH = 200  # alerts mailed per transaction


class AlertError(Exception):
    """An alert that cannot be had; `message` says why and what to do, `field` what to fix."""

    def __init__(self, message: str, *, field: str = "variant"):
        self.message, self.field = message, field
        super().__init__(message)


class TooManyAlerts(AlertError):
    """A guest asked for more alerts than STOCK_ALERT_LIMITS allow."""


def names(variant: ProductVariant) -> dict[str, str]:
    return {
        "product": variant.product.title,
        "size": variant.size.name,
        "colour": variant.colour.name,
    }


# Asking ----------------------------------------------------------------------------------------


def find_variant(raw) -> ProductVariant:
    """The variant a form or the API names, if it is on sale (in stock or not)."""
    try:
        variant_id = int(str(raw).strip())
    except (TypeError, ValueError):
        raise AlertError(_("Please choose a size and colour.")) from None
    variant = (
        purchasable_variants().select_related("product", "size", "colour").filter(pk=variant_id)
    ).first()
    if variant is None:
        raise AlertError(_("That size and colour is no longer sold. Please choose another."))
    return variant


def clean_email(raw) -> str:
    email = str(raw or "").strip()
    try:
        if len(email) > 254:
            raise ValidationError("too long")
        validate_email(email)
    except ValidationError:
        raise AlertError(
            _(
                "Please enter your email address, such as ann@example.com, so that we can tell "
                "you when it is back."
            ),
            field="email",
        ) from None
    return email


def subscribe(*, variant_id, user=None, email: str = "", client_ip: str = "") -> StockAlert:
    """An alert for a sold-out variant: a signed-in `user`'s waits at once (the address of
    their account); a guest's `email` gets a link to confirm it, and the alert is pending until
    then. Asked again by the same person, their open alert is the answer; a guest who asks
    again before confirming gets the link again. Raises AlertError (TooManyAlerts for a guest
    past the limits)."""
    variant = find_variant(variant_id)
    if variant.in_stock:
        raise AlertError(
            _("%(product)s in %(size)s, %(colour)s is in stock: add it to your basket.")
            % names(variant)
        )
    if user is not None and user.is_authenticated:
        return subscribe_account(variant, user)
    return subscribe_guest(variant, email, client_ip)


def open_alert(variant: ProductVariant, mailbox: str) -> StockAlert | None:
    return StockAlert.objects.filter(variant=variant, mailbox=mailbox, status__in=OPEN).first()


def create_alert(**fields) -> StockAlert:
    """A new open alert, or the one the same person's other request made meanwhile."""
    try:
        with transaction.atomic():
            return StockAlert.objects.create(**fields)
    except IntegrityError:  # catalog_one_open_alert_per_mailbox: a double click
        return StockAlert.objects.get(
            variant=fields["variant"], mailbox=fields["mailbox"], status__in=OPEN
        )


def subscribe_account(variant: ProductVariant, user) -> StockAlert:
    mailbox, now = mailbox_of(user.email), timezone.now()
    alert = open_alert(variant, mailbox) or create_alert(
        variant=variant,
        user=user,
        email=user.email,
        mailbox=mailbox,
        status=S.WAITING,
        confirmed_at=now,
    )
    if alert.status == S.PENDING or alert.user_id != user.pk:
        # Someone asked for this address as a guest: signed in, its owner confirms it.
        alert.user, alert.email, alert.status = user, user.email, S.WAITING
        alert.confirmed_at = alert.confirmed_at or now
        alert.save(update_fields=["user", "email", "status", "confirmed_at"])
    return alert


def guest_limits(client_ip: str, mailbox: str) -> list[tuple[str, int, int]]:
    ip_limit, ip_window = settings.STOCK_ALERT_LIMITS["ip"]
    mailbox_limit, mailbox_window = settings.STOCK_ALERT_LIMITS["mailbox"]
    return [
        (f"stock-alert:ip:{client_ip}", ip_limit, ip_window),
        (f"stock-alert:mailbox:{mailbox}", mailbox_limit, mailbox_window),
    ]


def subscribe_guest(variant: ProductVariant, raw_email, client_ip: str) -> StockAlert:
    email = clean_email(raw_email)
    mailbox = mailbox_of(email)
    limits = guest_limits(client_ip, mailbox)
    if any(ratelimit.exceeded(key, limit=limit, window=window) for key, limit, window in limits):
        raise TooManyAlerts(
            _(
                "We have sent too many confirmation links from here or to this address. "
                "Please try again in an hour."
            ),
            field="email",
        )
    alert = open_alert(variant, mailbox) or create_alert(
        variant=variant, email=email, mailbox=mailbox, status=S.PENDING
    )
    if alert.status == S.WAITING:
        return alert  # confirmed already: nothing to confirm again
    # Asked again: the same mailbox, written as they write it now, and a new link whose days
    # count from now (so the nightly purge of unconfirmed alerts counts from now too).
    alert.email, alert.created_at = email, timezone.now()
    alert.save(update_fields=["email", "created_at"])
    for key, _limit, window in limits:
        ratelimit.count(key, window=window)
    send_mail(
        to=alert.email,
        template="catalog/alert_confirm",
        context={
            **names(variant),
            "confirm_url": absolute_url(
                reverse("catalog:alert_confirm", args=[confirm_token(alert)])
            ),
            "days": settings.STOCK_ALERT_CONFIRM_DAYS,
            "product_url": absolute_url(variant.product.url),
        },
    )
    return alert


# Confirming and stopping --------------------------------------------------------------------


def confirm_token(alert: StockAlert) -> str:
    return signing.dumps(alert.pk, salt=CONFIRM_SALT)


def alert_to_confirm(token: str) -> StockAlert:
    """The alert a confirmation link names, if the link is ours and not too old."""
    try:
        alert_id = signing.loads(
            token, salt=CONFIRM_SALT, max_age=timedelta(days=settings.STOCK_ALERT_CONFIRM_DAYS)
        )
    except signing.SignatureExpired:
        raise AlertError(
            _(
                "This link has expired: links to confirm are good for %(days)d days. Please ask "
                "again on the product's page."
            )
            % {"days": settings.STOCK_ALERT_CONFIRM_DAYS},
            field="token",
        ) from None
    except signing.BadSignature:
        raise AlertError(
            _(
                "This link is not one of ours, or it lost some of its characters. Please open "
                "the whole link from the email, or ask again on the product's page."
            ),
            field="token",
        ) from None
    alert = (
        StockAlert.objects.select_related("variant__product", "variant__size", "variant__colour")
        .filter(pk=alert_id)
        .first()
    )
    if alert is None:
        raise AlertError(
            _(
                "This alert was stopped, or its size and colour is no longer sold. Ask again on "
                "the product's page if you like."
            ),
            field="token",
        )
    return alert


def confirm(token: str) -> StockAlert:
    """Confirm a guest's alert: it waits for the stock now. Confirmed while the variant is in
    stock, it is done at once (the shopper is told so on the page, rather than by a mail)."""
    found = alert_to_confirm(token)
    with transaction.atomic():
        alert = StockAlert.objects.select_for_update().get(pk=found.pk)
        if alert.status == S.PENDING:
            alert.confirmed_at = timezone.now()
            if ProductVariant.objects.filter(pk=alert.variant_id, stock__gt=0).exists():
                alert.status, alert.notified_at = S.NOTIFIED, alert.confirmed_at
            else:
                alert.status = S.WAITING
            alert.save(update_fields=["status", "confirmed_at", "notified_at"])
    alert.variant = found.variant
    return alert


def stop_token(mailbox: str) -> str:
    # No expiry: a link to stop mail must work for as long as the mail is read.
    return signing.dumps(mailbox, salt=STOP_SALT)


def mailbox_to_stop(token: str) -> str:
    try:
        return str(signing.loads(token, salt=STOP_SALT))
    except signing.BadSignature:
        raise AlertError(
            _(
                "This link is not one of ours, or it lost some of its characters. Please open "
                "the whole link from the email."
            ),
            field="token",
        ) from None


def stop_all(token: str) -> int:
    """Stop every open alert to the mailbox a stop link names; how many were stopped."""
    deleted, _by_model = StockAlert.objects.filter(
        mailbox=mailbox_to_stop(token), status__in=OPEN
    ).delete()
    return deleted


# A shopper's own ------------------------------------------------------------------------------


def alerts_of(user) -> QuerySet[StockAlert]:
    """A signed-in shopper's open alerts: theirs, and those confirmed from their address as a
    guest."""
    return (
        StockAlert.objects.filter(
            Q(user=user) | Q(user=None, mailbox=mailbox_of(user.email), status=S.WAITING),
            status__in=OPEN,
        )
        .select_related("variant__product", "variant__size", "variant__colour")
        .order_by("-created_at", "-pk")
    )


def cancel(*, user, alert_id) -> None:
    """Stop one of the shopper's own open alerts; AlertError if it is not one (any more)."""
    try:
        alert_id = int(str(alert_id))
    except (TypeError, ValueError):
        alert_id = None
    ids = list(alerts_of(user).filter(pk=alert_id).values_list("pk", flat=True)) if alert_id else []
    if not ids:
        raise AlertError(
            _("That alert is no longer waiting: it was stopped already, or we sent it."),
            field="alert",
        )
    StockAlert.objects.filter(pk__in=ids).delete()


def forget(*, user, addresses: Iterable[str]) -> int:
    """Everything of an account that is going: its alerts, and those asked for its addresses
    as a guest, sent or not."""
    mailboxes = {mailbox_of(address) for address in addresses if address}
    deleted, _by_model = StockAlert.objects.filter(Q(user=user) | Q(mailbox__in=mailboxes)).delete()
    return deleted


# Sending ---------------------------------------------------------------------------------------


def chosen_url(variant: ProductVariant) -> str:
    """The product page's URL with this size and colour chosen in its picker."""
    query = urlencode({"size": variant.size.slug, "colour": variant.colour.slug})
    return f"{variant.product.url}?{query}"


def send_alerts(*, variant_ids: Iterable[int]) -> int:
    """Mail every waiting alert of these variants that are on sale and in stock now, each once,
    and mark it notified; how many mails. Alerts another run is mailing meanwhile (a restock
    and the beat's sweep at once) are left to it."""
    sent = 0
    variants = (
        purchasable_variants()
        .filter(pk__in=list(variant_ids), stock__gt=0)
        .select_related("product", "size", "colour")
        .order_by("pk")
    )
    for variant in variants:
        link = absolute_url(chosen_url(variant))
        while True:
            with transaction.atomic():
                if not ProductVariant.objects.filter(pk=variant.pk, stock__gt=0).exists():
                    break  # sold out again meanwhile: they wait for the next restock
                batch = list(
                    StockAlert.objects.select_for_update(skip_locked=True)
                    .filter(variant=variant, status=S.WAITING)
                    .order_by("pk")[:BATCH]
                )
                if not batch:
                    break
                now = timezone.now()
                for alert in batch:
                    stop_url = absolute_url(
                        reverse("catalog:alert_stop", args=[stop_token(alert.mailbox)])
                    )
                    send_mail(
                        to=alert.email,
                        template="catalog/back_in_stock",
                        context={**names(variant), "product_url": link, "stop_url": stop_url},
                        unsubscribe_url=stop_url,
                    )
                    alert.status, alert.notified_at = S.NOTIFIED, now
                StockAlert.objects.bulk_update(batch, ["status", "notified_at"])
                sent += len(batch)
    return sent


def due_variant_ids() -> list[int]:
    """Variants on sale and in stock that alerts still wait for: what a task the queue lost
    (or a product published again) left to do."""
    return list(
        StockAlert.objects.filter(
            status=S.WAITING, variant__in=purchasable_variants().filter(stock__gt=0)
        )
        .order_by()
        .values_list("variant_id", flat=True)
        .distinct()
    )


# Demand and retention ---------------------------------------------------------------------------


def demand() -> QuerySet[ProductVariant]:
    """Variants that confirmed alerts wait for, most wanted first, each with `waiting`: what
    merchandisers should reorder."""
    return (
        ProductVariant.objects.annotate(waiting=Count("alerts", filter=Q(alerts__status=S.WAITING)))
        .filter(waiting__gt=0)
        .select_related("product", "size", "colour")
        .order_by("-waiting", "product__title", "size__sort_order", "colour__sort_order", "pk")
    )


def purge_stale_alerts() -> int:
    """Delete what alerts no longer need to keep: pending ones whose link has expired, and
    notified ones older than STOCK_ALERT_KEEP_DAYS; how many."""
    now = timezone.now()
    deleted, _by_model = StockAlert.objects.filter(
        Q(
            status=S.PENDING,
            created_at__lt=now - timedelta(days=settings.STOCK_ALERT_CONFIRM_DAYS),
        )
        | Q(
            status=S.NOTIFIED,
            notified_at__lt=now - timedelta(days=settings.STOCK_ALERT_KEEP_DAYS),
        )
    ).delete()
    return deleted
