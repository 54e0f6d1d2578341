"""Checkout's rules, each tested once where it lives, in services.check_out: the HTML page and
the API only map what it raises (see test_checkout and api/tests)."""

import pytest

from accounts.models import Address
from accounts.tests.factories import UserFactory
from catalog.models import ProductVariant
from checkout import services
from checkout.basket import contents_of
from checkout.exceptions import BasketNeedsChanges, DetailsInvalid, DiscountInvalid, EmptyBasket
from checkout.models import Order
from checkout.services import CheckoutDetails, ShippingAddress
from checkout.tests.factories import BasketFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("rates")]

ADDRESS = ShippingAddress(
    full_name="Sam New", line1="1 New Road", city="Leeds", postcode="LS1 1AA", country="GB"
)


def details(**fields) -> CheckoutDetails:
    return CheckoutDetails(
        **{"email": "gail@example.com", "address": ADDRESS, "shipping_method": "standard", **fields}
    )


@pytest.fixture
def sam():
    return UserFactory(email="sam@example.com")


# The basket ----------------------------------------------------------------------------------


@pytest.mark.parametrize("basket", [None, "no lines"])
def test_an_empty_basket_is_refused(basket):
    # Given no basket at all, or one without lines
    contents = contents_of(BasketFactory() if basket else None)

    # When it is checked out, then it is refused as empty, and nothing is ordered
    with pytest.raises(EmptyBasket, match=r"^Your basket is empty\.$"):
        services.check_out(contents=contents, details=details())
    assert not Order.objects.exists()


def test_a_basket_emptied_after_it_was_shown_is_refused_as_empty(dress):
    # Given a basket shown with a line, whose line is then removed (in another tab)
    basket = BasketFactory(lines={dress: 1})
    contents = contents_of(basket)
    basket.lines.all().delete()

    # When it is checked out, then the order's own check refuses it as empty
    with pytest.raises(EmptyBasket):
        services.check_out(contents=contents, details=details())
    assert not Order.objects.exists()


@pytest.mark.parametrize("change", ["sold out", "short", "unpublished"])
def test_a_basket_with_a_line_to_change_is_refused(dress, change):
    # Given a basket of 2 dresses, which then sold out, ran short or were taken off sale
    basket = BasketFactory(lines={dress: 2})
    if change == "unpublished":
        dress.product.unpublish()
    else:
        ProductVariant.objects.filter(pk=dress.pk).update(stock=0 if change == "sold out" else 1)

    # When it is checked out
    with pytest.raises(BasketNeedsChanges) as refused:
        services.check_out(contents=contents_of(basket), details=details())

    # Then the shopper is told what to do, and nothing is ordered or reserved
    assert refused.value.message == (
        "Some pieces in your basket are sold out or short. "
        "Please remove them or lower the quantity first."
    )
    assert not Order.objects.exists()
    dress.refresh_from_db()
    assert dress.stock == {"sold out": 0, "short": 1, "unpublished": 3}[change]


# The receipt's address -------------------------------------------------------------------------


def test_a_signed_in_shoppers_account_email_wins_over_the_one_given(dress, sam, stripe_standin):
    # Given a signed-in shopper who gives another address
    basket = BasketFactory(lines={dress: 1})

    # When they check out
    started = services.check_out(
        contents=contents_of(basket), details=details(email="someone-else@example.com"), user=sam
    )

    # Then the order is theirs and its mail goes to their account's address
    assert (started.order.user, started.order.email) == (sam, "sam@example.com")
    assert (
        started.payment_url == f"{stripe_standin.url}/pay/{Order.objects.get().stripe_session_id}"
    )


def test_a_guest_must_give_an_email(dress):
    # Given a guest who gives no email address
    basket = BasketFactory(lines={dress: 1})

    # When they check out, then they are asked for one beside the email field
    with pytest.raises(DetailsInvalid) as refused:
        services.check_out(contents=contents_of(basket), details=details(email=" "))
    assert (refused.value.field, refused.value.message) == (
        "email",
        "An email address is needed for the receipt.",
    )
    assert not Order.objects.exists()


# The address book ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("signed_in", "save_address", "saved"),
    [(True, True, 1), (True, False, 0), (False, True, 0)],
)
def test_the_address_is_saved_when_a_signed_in_shopper_asks(
    dress, sam, stripe_standin, signed_in, save_address, saved
):
    # Given a shopper, signed in or not, who does or does not ask to save the address
    basket = BasketFactory(lines={dress: 1})

    # When they check out
    services.check_out(
        contents=contents_of(basket),
        details=details(),
        user=sam if signed_in else None,
        save_address=save_address,
    )

    # Then their address book holds the address only if they were signed in and asked
    assert Order.objects.count() == 1
    assert list(Address.objects.values_list("user", "full_name", "line1", "country")) == (
        [(sam.pk, "Sam New", "1 New Road", "GB")] * saved
    )


def test_no_address_is_saved_for_an_order_that_was_refused(dress, sam):
    # Given a signed-in shopper who asks to save the address, with a code that does not exist
    basket = BasketFactory(lines={dress: 1})

    # When they check out, then the order is refused and the address book is untouched (so that
    # the corrected form, sent again, does not save the address twice)
    with pytest.raises(DiscountInvalid):
        services.check_out(
            contents=contents_of(basket),
            details=details(discount_code="NOPE"),
            user=sam,
            save_address=True,
        )
    assert not Order.objects.exists()
    assert not Address.objects.exists()
