"""Returns through the pages: the shopper's form and slip, and the merchandiser's admin and
reports."""

import csv
import io
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse
from wagtail.test.utils.form_data import querydict_from_html

from accounts.tests.factories import UserFactory
from checkout.models import Refund
from returns import services
from returns.models import Return, ReturnStatus
from returns.tests.helpers import asked, shipped_order
from testing.admin import answer
from testing.pages import soup_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(client, ann, make_product, stripe_standin):
    dress = make_product(title="Wrap Dress", stock={("M", "Black"): 5, ("L", "Black"): 5})
    return shipped_order(client, stripe_standin, (dress.variants.get(size__name="M"), 2))


def test_the_order_page_offers_a_return_and_the_form_books_it(client, order):
    # Given Ann's shipped order's page
    page = soup_of(client.get(reverse("checkout:order_detail", args=[order.number])))
    start = reverse("returns:start", args=[order.number])
    assert page.select_one(f'a[href="{start}"]').get_text() == "Return or exchange pieces"

    # When she asks for one dress to come back in L instead
    form = querydict_from_html(client.get(start).content.decode(), form_index=1)
    line = order.lines.get()
    large = line.variant.product.variants.get(size__name="L")
    form.update(
        {
            f"quantity-{line.pk}": "1",
            f"reason-{line.pk}": "too_small",
            f"outcome-{line.pk}": "exchange",
            f"exchange-{line.pk}": str(large.pk),
        }
    )
    response = client.post(start, form, follow=True)

    # Then she lands on the return's slip
    ret = Return.objects.get()
    assert response.redirect_chain == [(reverse("returns:detail", args=[ret.number]), 302)]
    slip = soup_of(response)
    assert slip.select_one("h1").get_text() == f"Return {ret.number}"
    assert [
        [cell.get_text(" ", strip=True) for cell in row.select("td")]
        for row in slip.select(".return-slip tbody tr")
    ] == [["Wrap Dress M, Black · " + line.sku, "1", "Too small", "Exchange for L, Black"]]


def test_the_form_says_what_is_missing_beside_the_field(client, order):
    start = reverse("returns:start", args=[order.number])
    form = querydict_from_html(client.get(start).content.decode(), form_index=1)
    line = order.lines.get()
    form.update({f"quantity-{line.pk}": "1", f"outcome-{line.pk}": "exchange"})

    response = client.post(start, form)

    assert response.status_code == 400
    page = BeautifulSoup(response.content, "html.parser")
    errors = [p.get_text() for p in page.select(".field-error")]
    assert errors == [
        "Please tell us why it is coming back.",
        "Please choose the size and colour you would like instead.",
    ]
    assert not Return.objects.exists()


def test_someone_elses_return_and_order_are_not_found(client, order):
    ret = services.request_return(order, lines=[asked(order.lines.get())])
    stranger = Client()
    stranger.force_login(UserFactory(email="bob@example.com"))

    assert stranger.get(reverse("returns:detail", args=[ret.number])).status_code == 404
    assert stranger.get(reverse("returns:start", args=[order.number])).status_code == 404
    assert stranger.post(reverse("returns:cancel", args=[ret.number])).status_code == 404


# The admin ------------------------------------------------------------------------------------


def test_a_merchandiser_filters_and_receives_a_return(client, order, staff, stripe_standin):
    ret = services.request_return(order, lines=[asked(order.lines.get(), 2, reason="too_big")])
    client.force_login(staff["merchandiser"])

    # They find it by status and reason
    index = reverse("returns_admin:index")
    found = client.get(index, {"status": "requested", "reason": "too_big"}).context["object_list"]
    assert [item.number for item in found] == [ret.number]
    assert list(client.get(index, {"reason": "faulty"}).context["object_list"]) == []

    # And receive both pieces from its page
    inspect = reverse("returns_admin:inspect", args=[ret.pk])
    form = querydict_from_html(client.get(inspect).content.decode(), form_id="receive-form")
    assert form[f"received-{ret.lines.get().pk}"] == "2"
    response = client.post(reverse("returns_admin:receive", args=[ret.pk]), form, follow=True)

    assert answer(response) == (
        [(inspect, 302)],
        [("success", f"Received 2 pieces of return {ret.number}.")],
    )
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.RECEIVED
    assert Refund.objects.get().amount == Decimal("200.00")


def test_editors_do_not_see_returns(client, order, staff):
    client.force_login(staff["editor"])
    response = client.get(reverse("returns_admin:index"))
    assert (response.status_code, response["Location"]) == (302, reverse("wagtailadmin_home"))


def test_return_rates_by_product_and_reason_with_export(client, order, staff):
    services.request_return(order, lines=[asked(order.lines.get(), 1, reason="too_small")])
    client.force_login(staff["merchandiser"])

    page = soup_of(client.get(reverse("returns_report_by_product")))
    assert [
        [cell.get_text(strip=True) for cell in row.select("td")]
        for row in page.select("table tbody tr")
    ] == [["Wrap Dress", "2", "1", "50.0"]]

    export = client.get(reverse("returns_report_by_reason"), {"export": "csv"})
    rows = list(csv.reader(io.StringIO(export.getvalue().decode())))
    assert rows == [["Reason", "Lines", "Pieces"], ["too_small", "1", "1"]]
