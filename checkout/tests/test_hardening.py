"""What a careless or hostile visitor tries against the basket, the checkout and Stripe's return
pages, and what a fault in the middle of a refund leaves behind (issue 10)."""

import json
import threading
import urllib.request
from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connections
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wagtail.models import PageViewRestriction

from catalog.money import to_minor_units
from checkout import basket as baskets
from checkout import payments, pricing, services
from checkout.exceptions import DiscountInvalid, OutOfStock
from checkout.models import Basket, BasketLine, DiscountCode, Order, PaymentStatus
from checkout.tests.helpers import check_out, event, fill_basket, post_event

# Double clicks --------------------------------------------------------------------------------


ROUNDS = 25


@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_once_on_add_to_basket_add_up(make_product):
    # Given baskets without the dress yet (many, so that the clicks really overlap)
    dress = make_product(title="Wrap Dress", stock={("M", "Black"): 80}).variants.get()
    outcomes = Counter()

    def click(basket, start):
        start.wait()
        try:
            baskets.add(basket, variant_id=dress.pk, quantity=1)
            outcomes["added"] += 1
        except Exception as error:  # the IntegrityError of two inserts would land here
            outcomes[type(error).__name__] += 1
        finally:
            connections.close_all()

    # When "Add to basket" is clicked twice at the same moment, on each basket
    for _ in range(ROUNDS):
        basket, start = Basket.objects.create(), threading.Barrier(2)
        threads = [threading.Thread(target=click, args=(basket, start)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    # Then every second click added to the first
    assert outcomes == {"added": 2 * ROUNDS}
    assert set(BasketLine.objects.values_list("quantity", flat=True)) == {2}
    assert BasketLine.objects.count() == ROUNDS


# Hoarding ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_one_basket_holds_at_most_ten_of_a_piece(client, make_product):
    # Given a dress with 200 in stock, and 9 of it in the basket
    dress = make_product(stock={("M", "Black"): 200}).variants.get()
    fill_basket(client, dress, 9)

    # When the shopper asks for 2 more, then sets the line to 50
    client.post(
        reverse("checkout:basket_add"),
        {"variant": dress.pk, "quantity": 2},
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    line = BasketLine.objects.get()
    response = client.post(
        reverse("checkout:basket_update", args=[line.pk]), {"quantity": 50}, follow=True
    )

    # Then the line stays at 9, and the shopper is told the limit
    line.refresh_from_db()
    assert line.quantity == 9
    assert "You can have at most 10 of a piece in your basket." in response.content.decode()


@pytest.mark.django_db
@override_settings(BASKET_MAX_PER_VARIANT=3)
def test_the_limit_is_a_setting_and_the_api_says_it_too(client, make_product):
    dress = make_product(stock={("M", "Black"): 20}).variants.get()

    response = client.post(
        "/api/v1/basket/lines/",
        {"variant": dress.pk, "quantity": 4},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json() == {"quantity": ["You can have at most 3 of a piece in your basket."]}


# Private pages --------------------------------------------------------------------------------


@pytest.fixture
def private_dress(make_product, category):
    """A dress under a password-protected category."""
    hidden = category.add_child(instance=type(category)(title="Staff sale", slug="staff-sale"))
    PageViewRestriction.objects.create(
        page=hidden, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    return make_product(title="Sample Dress", parent=hidden, stock={("M", "Black"): 5})


@pytest.mark.django_db
def test_a_private_product_cannot_be_added_or_bought(client, private_dress, stripe_standin):
    variant = private_dress.variants.get()

    # When a visitor posts its variant to the basket, by form and by the API
    page = client.post(
        reverse("checkout:basket_add"),
        {"variant": variant.pk},
        follow=True,
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    api = client.post(
        "/api/v1/basket/lines/", {"variant": variant.pk}, content_type="application/json"
    )

    # Then it is refused as if it did not exist, and nothing is in any basket
    assert "That size and colour is no longer available." in page.content.decode()
    assert api.status_code == 400
    assert not BasketLine.objects.exists()

    # And a line that got in before the page was restricted cannot be bought
    basket = Basket.objects.create()
    BasketLine.objects.create(basket=basket, variant=variant, quantity=1)
    with pytest.raises(OutOfStock):
        services.place_order(basket=basket, details=guest_details())
    assert Order.objects.count() == 0


@pytest.mark.django_db
def test_the_api_does_not_show_a_private_product(client, private_dress):
    assert client.get(f"/api/v1/products/{private_dress.pk}/").status_code == 404
    listed = client.get("/api/v1/products/").json()["results"]
    assert private_dress.pk not in [product["id"] for product in listed]


def guest_details(**fields) -> services.CheckoutDetails:
    return services.CheckoutDetails(
        email=fields.pop("email", "gail@example.com"),
        address=services.ShippingAddress(
            full_name="Gail Guest",
            line1="1 Silk Road",
            city="Portland",
            postcode="97201",
            country="US",
        ),
        shipping_method="standard",
        **fields,
    )


# Stripe is called for our own orders only -------------------------------------------------------


@pytest.mark.django_db
def test_a_stranger_s_session_id_costs_no_call_to_stripe(client, stripe_standin):
    # When anyone opens the success page with a session id that is not one of ours
    response = client.get(reverse("checkout:success"), {"session_id": "cs_test_not_ours"})

    # Then they get a 404, and the store did not ask Stripe
    assert response.status_code == 404
    assert stripe_standin.api_calls == []


@pytest.mark.django_db
def test_someone_else_s_order_session_gets_a_404_without_a_call(
    client, dress, stripe_standin, django_user_model
):
    # Given a guest's order awaiting payment
    fill_basket(client, dress)
    assert check_out(client).status_code == 303
    order = Order.objects.get()
    calls_before = len(stripe_standin.api_calls)

    # When another visitor opens the success page with that order's session id
    stranger = Client()
    response = stranger.get(reverse("checkout:success"), {"session_id": order.stripe_session_id})

    # Then they get a 404, with no call to Stripe
    assert response.status_code == 404
    assert len(stripe_standin.api_calls) == calls_before


@pytest.mark.django_db
def test_a_webhook_for_a_session_that_is_no_order_is_answered_without_a_call(
    client, stripe_standin, caplog
):
    for kind in ("checkout.session.completed", "checkout.session.expired"):
        payload = event(kind, {"id": "cs_test_unknown", "object": "checkout.session"}, kind)
        response = post_event(client, payload)
        assert response.status_code == 200
    assert stripe_standin.api_calls == []
    assert "cs_test_unknown belongs to no order" in caplog.text


# Fixed discounts ---------------------------------------------------------------------------------


def test_the_reported_basket_spreads_without_a_negative_line():
    lines = [Decimal("2.69"), Decimal("3.77"), Decimal("3.42"), Decimal("0.66")]

    shares = pricing.spread_discount(lines, Decimal("10.52"))

    assert all(share >= 0 for share in shares), shares
    assert sum(shares) == sum(lines) - Decimal("10.52")


money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("500"), places=2)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lines=st.lists(
        st.tuples(money, st.integers(min_value=1, max_value=10)), min_size=1, max_size=6
    ),
    off=st.one_of(
        st.tuples(st.just("fixed"), money), st.tuples(st.just("percent"), st.integers(1, 100))
    ),
)
def test_stripe_gets_no_negative_amount_and_our_total_to_the_cent(lines, off):
    # Given a basket of lines (unit price x quantity) and a fixed or percentage discount
    subtotal = sum((price * quantity for price, quantity in lines), Decimal("0"))
    kind, value = off
    code = DiscountCode(code="X", kind=kind, value=Decimal(value))
    discount = pricing.discount_amount(code, subtotal)

    # When the lines are priced for Stripe
    items = payments.stripe_line_items(
        [
            payments.SoldLine(
                name=f"Piece {n}", sku=f"P{n}", quantity=quantity, total=price * quantity
            )
            for n, (price, quantity) in enumerate(lines)
        ],
        discount=discount,
        currency="usd",
    )

    # Then no unit amount is below zero, and Stripe's total is ours to the cent
    amounts = [(item["price_data"]["unit_amount"], item["quantity"]) for item in items]
    assert all(unit >= 0 for unit, _ in amounts), amounts
    assert sum(unit * quantity for unit, quantity in amounts) == to_minor_units(
        subtotal - discount, "usd"
    )


# Unpaid orders -----------------------------------------------------------------------------------


def session_status(standin, session_id: str) -> str:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    return json.load(opener.open(f"{standin.url}/_standin/sessions/{session_id}"))["status"]


@pytest.mark.django_db
def test_checking_out_the_same_basket_again_replaces_the_unpaid_order(
    client, make_product, stripe_standin
):
    # Given a shopper who checked out the last two pieces, then came back from Stripe's page
    dress = make_product(stock={("M", "Black"): 2}).variants.get()
    fill_basket(client, dress, 2)
    assert check_out(client).status_code == 303
    first = Order.objects.get()

    # When they check out the same basket again
    response = check_out(client)

    # Then the earlier order is cancelled, its Stripe session closed, and the pieces held once
    assert response.status_code == 303
    first.refresh_from_db()
    assert first.payment_status == PaymentStatus.CANCELLED
    assert session_status(stripe_standin, first.stripe_session_id) == "expired"
    second = Order.objects.exclude(pk=first.pk).get()
    assert second.payment_status == PaymentStatus.PENDING
    dress.refresh_from_db()
    assert dress.stock == 0


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["mailbox", "client address"])
def test_at_most_three_unpaid_orders_per_customer(client, make_product, stripe_standin, who):
    # Given a customer with three orders awaiting payment, each from a basket of its own: under
    # three spellings of one mailbox, or from one client address
    dress = make_product(stock={("M", "Black"): 50}).variants.get()
    emails = ["ann@example.com", "Ann+1@Example.com", "ann+sale@example.com", "ANN@example.com"]

    def order(number: int):
        address = "203.0.113.7" if who == "client address" else f"198.51.100.{number}"
        visitor = Client(REMOTE_ADDR=address)
        fill_basket(visitor, dress, 1)
        email = emails[number] if who == "mailbox" else f"shopper{number}@example.com"
        return check_out(visitor, email=email)

    for number in range(3):
        assert order(number).status_code == 303

    # When the customer starts a fourth
    response = order(3)

    # Then it is refused with a message, and nothing more is reserved
    assert response.status_code == 429
    assert "You already have 3 orders waiting for payment." in response.content.decode()
    assert Order.objects.filter(payment_status=PaymentStatus.PENDING).count() == 3
    dress.refresh_from_db()
    assert dress.stock == 47


@pytest.mark.django_db
def test_an_account_with_three_unpaid_orders_is_refused_a_fourth(
    client, make_product, stripe_standin, django_user_model
):
    # Given an account holding three unpaid orders from other baskets (other devices)
    dress = make_product(stock={("M", "Black"): 50}).variants.get()
    user = django_user_model.objects.create_user("ann@example.com", "a long enough password")
    for number in range(3):
        basket = Basket.objects.create()
        BasketLine.objects.create(basket=basket, variant=dress, quantity=1)
        services.place_order(
            basket=basket, details=guest_details(email=f"other{number}@example.com"), user=user
        )

    # When the account checks out its own basket
    client.force_login(user)
    fill_basket(client, dress, 1)
    response = check_out(client)

    # Then it is refused
    assert response.status_code == 429
    assert Order.objects.filter(user=user).count() == 3


@pytest.mark.django_db
def test_the_api_refuses_a_fourth_unpaid_order_with_429(client, make_product, stripe_standin):
    dress = make_product(stock={("M", "Black"): 50}).variants.get()
    body = {
        "email": "api@example.com",
        "address": {
            "full_name": "Api Shopper",
            "line1": "1 Silk Road",
            "city": "Portland",
            "postcode": "97201",
            "country": "US",
        },
    }
    for _ in range(4):
        visitor = Client()
        visitor.post(
            "/api/v1/basket/lines/", {"variant": dress.pk}, content_type="application/json"
        )
        response = visitor.post("/api/v1/checkout/", body, content_type="application/json")
    assert response.status_code == 429
    assert response.json()["detail"].startswith("You already have 3 orders waiting for payment.")


@pytest.mark.django_db
@override_settings(ORDER_RESERVATION_MINUTES=45)
def test_the_reservation_time_is_a_setting(client, dress, stripe_standin):
    fill_basket(client, dress)
    before = timezone.now()

    assert check_out(client).status_code == 303

    order = Order.objects.get()
    assert timedelta(minutes=45) <= order.expires_at - before < timedelta(minutes=46)


# Discount codes ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("second_email", ["A@example.com", "a+1@example.com", "A+Sale@Example.COM"])
def test_one_use_per_customer_is_not_beaten_by_a_tag_or_a_capital(dress, second_email):
    # Given a code for one use per customer, used by a@example.com
    code = DiscountCode.objects.create(code="ONCE", kind="percent", value=Decimal("10"))
    basket = Basket.objects.create()
    BasketLine.objects.create(basket=basket, variant=dress, quantity=1)
    services.place_order(
        basket=basket, details=guest_details(email="a@example.com", discount_code="ONCE")
    )

    # When the same person uses it again under another spelling of the address
    again = Basket.objects.create()
    BasketLine.objects.create(basket=again, variant=dress, quantity=1)
    with pytest.raises(DiscountInvalid) as refused:
        services.place_order(
            basket=again, details=guest_details(email=second_email, discount_code="ONCE")
        )

    # Then it is refused
    assert refused.value.message == "You have already used this code."
    assert code.orders.count() == 1


@pytest.mark.django_db
def test_an_unpaid_order_past_its_reservation_does_not_use_up_a_code(dress):
    # Given a code for one use in all, held by an order left unpaid past its reservation
    DiscountCode.objects.create(code="LAST", kind="fixed", value=Decimal("5"), usage_limit=1)
    basket = Basket.objects.create()
    BasketLine.objects.create(basket=basket, variant=dress, quantity=1)
    left = services.place_order(
        basket=basket, details=guest_details(email="left@example.com", discount_code="LAST")
    )
    Order.objects.filter(pk=left.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    # When another shopper uses the code
    other = Basket.objects.create()
    BasketLine.objects.create(basket=other, variant=dress, quantity=1)
    order = services.place_order(
        basket=other, details=guest_details(email="next@example.com", discount_code="LAST")
    )

    # Then it applies
    assert order.discount_total == Decimal("5.00")
