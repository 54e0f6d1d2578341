"""What can go wrong in the basket, at checkout and with payments, as one small hierarchy.

Every CheckoutError carries `message`, a whole sentence safe to show the shopper. The HTML views,
the API and the admin map these classes to their own answers; none of them decides again what
the service that raised them decided."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


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


class EmptyBasket(CheckoutError):
    """Checkout was asked for with nothing in the basket."""

    default_message = gettext_lazy("Your basket is empty.")


class OutOfStock(CheckoutError):
    default_message = gettext_lazy("Sorry, that is no longer in stock.")


class BasketNeedsChanges(OutOfStock):
    """Lines of the basket, as the shopper sees it, sold out, ran short or are no longer sold."""

    default_message = gettext_lazy(
        "Some pieces in your basket are sold out or short. "
        "Please remove them or lower the quantity first."
    )


class DetailsInvalid(CheckoutError):
    """A detail the shopper gave at checkout cannot be used. `field` names it as the checkout
    form and the API do, for an error beside that field."""

    def __init__(self, message: str | None = None, *, field: str):
        self.field = field
        super().__init__(message)


class DiscountInvalid(DetailsInvalid):
    """A discount code that does not apply; the message says why."""

    def __init__(self, message: str | None = None):
        super().__init__(message, field="discount_code")


class IllegalTransition(CheckoutError):
    """A status move the order's machine does not allow; the statuses come by their names."""

    def __init__(self, current: str, requested: str):
        super().__init__(
            _("An order that is %(current)s cannot become %(requested)s.")
            % {"current": str(current).lower(), "requested": str(requested).lower()}
        )


class PaymentError(CheckoutError):
    default_message = ""


class PaymentUnavailable(PaymentError):
    """Stripe could not be reached or refused to start a payment."""


class PaymentMismatch(PaymentError):
    """What Stripe says was paid is not what the order asks for: never fulfil it."""


class InvalidWebhook(PaymentError):
    """A webhook whose signature is missing, wrong or too old."""


class TooManyUnpaidOrders(CheckoutError):
    """The customer already holds as many unpaid orders as one may (MAX_UNPAID_ORDERS)."""


class AlreadyPaid(CheckoutError):
    """The basket's earlier order was paid while the shopper checked out again."""


class PaymentOnItsWay(CheckoutError):
    """The shopper paid by bank transfer and the money has not arrived yet: the order can be
    neither cancelled nor refunded now."""
