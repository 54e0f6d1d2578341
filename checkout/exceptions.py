"""What can go wrong in the basket, at checkout and with payments, as one small hierarchy.

Every CheckoutError carries `message`, a whole sentence safe to show the shopper."""

from django.utils.translation import gettext as _


class CheckoutError(Exception):
    default_message = ""

    def __init__(self, message: str | None = None):
        self.message = str(
            message or self.default_message or _("Something went wrong. Please try again.")
        )
        super().__init__(self.message)


class BasketError(CheckoutError):
    """Bad input for the basket: an unknown variant, a quantity out of range. `field` names
    what the message is about (variant, quantity or line), for per-field API errors."""

    def __init__(self, message: str | None = None, *, field: str = "quantity"):
        self.field = field
        super().__init__(message)


class OutOfStock(CheckoutError):
    def __init__(self, message: str | None = None, *, sku: str = ""):
        self.sku = sku
        super().__init__(message or _("Sorry, that is no longer in stock."))


class DiscountInvalid(CheckoutError):
    """A discount code that does not apply; the message says why."""


class IllegalTransition(CheckoutError):
    def __init__(self, current: str, requested: str):
        self.current, self.requested = current, requested
        super().__init__(
            _("An order that is %(current)s cannot become %(requested)s.")
            % {"current": current.replace("_", " "), "requested": requested.replace("_", " ")}
        )


class PaymentError(CheckoutError):
    default_message = ""


class PaymentUnavailable(PaymentError):
    """Stripe could not be reached or refused to start a payment."""


class PaymentMismatch(PaymentError):
    """What Stripe says was paid is not what the order asks for: never fulfil it."""


class InvalidWebhook(PaymentError):
    """A webhook whose signature is missing, wrong or too old."""
