"""The fast path for pages Nginx's cache cannot answer (catalog.routing, catalog.page_cache):
a warm page costs at most two queries, for shoppers with and without a basket, and Wagtail's
rules still hold through it: view restrictions, drafts, unpublished, expired and moved pages,
redirects, previews, and nothing personal in what is shared."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import PageViewRestriction
from wagtail.test.utils.form_data import querydict_from_html

from accounts.groups import EDITORS, ensure_staff_groups
from accounts.tests.factories import UserFactory
from catalog import page_cache
from catalog.stock import adjust_stock, reserve
from catalog.tasks import warm_product_pictures
from catalog.tests.factories import CategoryPageFactory, ProductPageFactory

pytestmark = pytest.mark.django_db

# At most: the session's row (for a shopper with a session cookie) and one more.
WARM_QUERIES = 2


def add_to_basket(client, variant, quantity: int = 1) -> None:
    response = client.post(
        reverse("checkout:basket_add"),
        {"variant": str(variant.pk), "quantity": str(quantity)},
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    assert response.status_code == 302


def text_of(response) -> str:
    return BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)


def basket_count(response) -> str:
    soup = BeautifulSoup(response.content, "html.parser")
    return soup.select_one("[data-basket-count]").contents[0].strip()


@pytest.fixture
def catalog_pages(client, make_product, category):
    """A product with its pictures made, and the category that lists it; the site's pages
    warmed once, as the first shoppers of the day would."""
    product = make_product(title="Wrap Dress", stock={("M", "Black"): 3})
    warm_product_pictures(product.pk)
    pages = {
        "home": "/",
        "category": category.url,
        "product": product.url,
        "search": "/search/?q=wrap",
    }
    return {"product": product, "urls": pages}


@pytest.mark.parametrize("page", ["home", "category", "product", "search"])
@pytest.mark.parametrize("shopper", ["anonymous", "with a basket"])
def test_a_warm_page_costs_at_most_two_queries(client, catalog_pages, page, shopper):
    # Given a shopper (with a piece in the basket, or none) and a page its parts are cached for
    if shopper == "with a basket":
        add_to_basket(client, catalog_pages["product"].variants.get())
    url = catalog_pages["urls"][page]
    assert client.get(url).status_code == 200

    # When the page is asked for again
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    # Then it costs at most two queries
    assert response.status_code == 200
    assert len(queries) <= WARM_QUERIES, "\n".join(q["sql"][:200] for q in queries)
    assert basket_count(response) == ("1" if shopper == "with a basket" else "0")


def test_shoppers_see_their_own_basket_count_on_the_shared_page(client, catalog_pages):
    # Given two shoppers, one with two pieces in the basket, one with one
    variant = catalog_pages["product"].variants.get()
    other = Client()
    add_to_basket(client, variant, 2)
    add_to_basket(other, variant, 1)
    url = catalog_pages["urls"]["category"]

    # When both look at the same page, and a third without a basket after them
    first, second, third = client.get(url), other.get(url), Client().get(url)

    # Then each sees their own count, and what is kept holds none of them
    assert [basket_count(r) for r in (first, second, third)] == ["2", "1", "0"]
    kept = page_cache.cache.get(page_cache.page_key(Client().get(url).wsgi_request))
    assert kept is not None
    assert re.search(r"data-basket-count><!--personal basket_count-->", kept.html)


def test_the_page_kept_for_nginx_and_the_one_with_marks_are_kept_apart(client, catalog_pages):
    # Given a shopper with a basket, straight to Gunicorn, and a signed-in shopper through Nginx
    add_to_basket(client, catalog_pages["product"].variants.get(), 2)
    client.get(reverse("checkout:basket"))  # the message is read
    url = catalog_pages["urls"]["category"]
    signed_in_through_nginx = Client(HTTP_X_SSI="on")
    signed_in_through_nginx.force_login(UserFactory())

    # When each asks for the same page twice, in turns
    pages = [who.get(url) for who in (client, signed_in_through_nginx) * 2]

    # Then Nginx always gets the page with SSI where the header's personal parts go, which
    # read no session and may be shared; the other shopper always gets their own count inline
    for direct in pages[0::2]:
        assert basket_count(direct) == "2"
        assert b"<!--#" not in direct.content
    for through_nginx in pages[1::2]:
        assert b'<!--# echo var="dress_store_basket_count"' in through_nginx.content
        assert b"<!--personal" not in through_nginx.content
        assert "private" not in through_nginx.get("Cache-Control", "")


def test_a_page_not_found_shows_the_shoppers_own_basket_count(client, catalog_pages):
    # Given a shopper with a piece in the basket, who has read the message that says so
    add_to_basket(client, catalog_pages["product"].variants.get())
    client.get(reverse("checkout:basket"))

    # When they ask for a page that is not there
    response = client.get("/shop/no-such-dress/")

    # Then the 404 page's header counts their basket
    assert response.status_code == 404
    assert basket_count(response) == "1"


def test_a_signed_in_shopper_never_gets_the_shared_page(client, catalog_pages, ann):
    # Given the category page kept for shoppers who are not signed in
    url = catalog_pages["urls"]["category"]
    Client().get(url)

    # When Ann, signed in, asks for it
    response = client.get(url)

    # Then her header is her own
    assert "Account" in text_of(response)
    assert "Sign in" not in text_of(response)


def test_a_one_time_message_is_shown_not_shared(client, catalog_pages):
    # Given the product page kept, and a shopper who has just added a piece (a message waits)
    url = catalog_pages["urls"]["product"]
    Client().get(url)
    client.post(
        reverse("checkout:basket_add"),
        {"variant": str(catalog_pages["product"].variants.get().pk), "quantity": "1"},
        HTTP_SEC_FETCH_SITE="same-origin",
    )

    # When the shopper and then another look at the page
    theirs, another = client.get(url), Client().get(url)

    # Then the message is the shopper's alone
    assert "Added to your basket" in text_of(theirs)
    assert "Added to your basket" not in text_of(another)


# Wagtail's rules, through the fast path --------------------------------------------------------


@pytest.fixture
def private_category(category, make_product):
    """A category whose product is to be restricted from above (listings leave private pages
    out, so the product's own page is what shows whether the restriction holds)."""
    page = CategoryPageFactory(parent=category, title="Members", slug="members")
    page.secret_url = make_product(title="Secret Dress", parent=page).url
    return page


def restrict(page, django_capture_on_commit_callbacks, **fields) -> PageViewRestriction:
    groups = fields.pop("groups", [])
    with django_capture_on_commit_callbacks(execute=True):
        restriction = PageViewRestriction.objects.create(page=page, **fields)
        restriction.groups.set(groups)
    return restriction


def test_a_password_page_asks_everyone_for_the_password(
    client, private_category, django_capture_on_commit_callbacks
):
    # Given a page behind a password, seen by a shopper who gave it (its route is now cached)
    restriction = restrict(
        private_category,
        django_capture_on_commit_callbacks,
        restriction_type=PageViewRestriction.PASSWORD,
        password="open sesame",
    )
    url = private_category.secret_url
    client.post(
        reverse(
            "wagtailcore_authenticate_with_password", args=[restriction.pk, private_category.pk]
        ),
        {"password": "open sesame", "return_url": url},
    )
    assert "Secret Dress" in text_of(client.get(url))

    # When a shopper who did not give it asks, twice
    for _ in range(2):
        response = Client().get(url)

        # Then they get the password form, never the page
        assert "Secret Dress" not in text_of(response)
        assert response.context is None or "form" in response.context
        assert b'name="password"' in response.content


def test_a_login_page_sends_strangers_to_sign_in(
    client, private_category, ann, django_capture_on_commit_callbacks
):
    # Given a page for signed-in shoppers, seen by Ann (its route is now cached)
    restrict(private_category, django_capture_on_commit_callbacks, restriction_type="login")
    url = private_category.secret_url
    assert "Secret Dress" in text_of(client.get(url))

    # When a shopper who is not signed in asks, twice
    for _ in range(2):
        response = Client().get(url)

        # Then they are sent to sign in
        assert response.status_code == 302
        assert "login" in response["Location"]


def test_a_group_page_is_for_its_group_alone(
    client, private_category, django_capture_on_commit_callbacks
):
    # Given a page for the editors, seen by an editor (its route is now cached)
    ensure_staff_groups()
    editors = Group.objects.get(name=EDITORS)
    restrict(
        private_category,
        django_capture_on_commit_callbacks,
        restriction_type="groups",
        groups=[editors],
    )
    editor = UserFactory(email="ed@example.com", groups=[EDITORS])
    client.force_login(editor)
    url = private_category.secret_url
    assert "Secret Dress" in text_of(client.get(url))

    # When a signed-in shopper outside the group asks
    stranger = Client()
    stranger.force_login(UserFactory(email="stranger@example.com"))
    response = stranger.get(url)

    # Then they do not see it
    assert "Secret Dress" not in text_of(response)
    assert response.status_code in (302, 403)


def test_a_draft_page_is_not_found(client, category):
    # Given a product saved as a draft, never published
    draft = ProductPageFactory.build(title="Draft Dress", slug="draft-dress", price=10)
    draft.live = False
    category.add_child(instance=draft)

    # When it is asked for, twice
    # Then it is not found
    assert client.get("/shop/dresses/draft-dress/").status_code == 404
    assert client.get("/shop/dresses/draft-dress/").status_code == 404


def test_an_unpublished_page_is_gone_at_once(
    client, catalog_pages, ann, django_capture_on_commit_callbacks
):
    # Given a product page kept for everyone and Ann's route to it cached
    product, url = catalog_pages["product"], catalog_pages["urls"]["product"]
    assert Client().get(url).status_code == 200
    assert client.get(url).status_code == 200

    # When it is unpublished
    with django_capture_on_commit_callbacks(execute=True):
        product.unpublish()

    # Then the next view is not found, for everyone
    assert Client().get(url).status_code == 404
    assert client.get(url).status_code == 404


def test_an_expired_page_is_gone_once_the_scheduler_runs(
    client, catalog_pages, django_capture_on_commit_callbacks
):
    # Given a kept product page whose expiry has passed
    product, url = catalog_pages["product"], catalog_pages["urls"]["product"]
    assert client.get(url).status_code == 200
    product.expire_at = timezone.now() - timedelta(minutes=1)
    product.save(update_fields=["expire_at"])

    # When Wagtail's scheduled publishing runs (Celery beat calls it every minute)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("publish_scheduled")

    # Then the page is not found
    assert client.get(url).status_code == 404


def test_a_moved_page_answers_at_its_new_address_at_once(
    client, catalog_pages, shop, django_capture_on_commit_callbacks
):
    # Given a kept product page
    product, url = catalog_pages["product"], catalog_pages["urls"]["product"]
    assert client.get(url).status_code == 200

    # When it is moved to another category
    skirts = CategoryPageFactory(parent=shop, title="Skirts", slug="skirts")
    with django_capture_on_commit_callbacks(execute=True):
        product.move(skirts, pos="last-child")

    # Then the new address shows it, and the old one sends there (Wagtail's redirect, made on
    # the move)
    assert "Wrap Dress" in text_of(client.get("/shop/skirts/wrap-dress/"))
    moved = client.get(url)
    assert moved.status_code == 301
    assert moved["Location"] == "/shop/skirts/wrap-dress/"


def test_redirects_still_work(client, catalog_pages, django_capture_on_commit_callbacks):
    # Given a kept product page, then unpublished, with a redirect from its old address
    product, url = catalog_pages["product"], catalog_pages["urls"]["product"]
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        product.unpublish()
    Redirect.objects.create(old_path=url.rstrip("/"), redirect_link="/shop/")

    # When the old address is asked for
    response = client.get(url)

    # Then the redirect answers
    assert response.status_code == 301
    assert response["Location"] == "/shop/"


def test_a_preview_shows_the_draft_while_shoppers_see_the_live_page(client, catalog_pages, shop):
    # Given a kept product page and an editor typing a new title in its editor
    product, url = catalog_pages["product"], catalog_pages["urls"]["product"]
    assert "Wrap Dress" in text_of(Client().get(url))
    ensure_staff_groups()
    client.force_login(UserFactory(email="ed@example.com", groups=[EDITORS]))
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[product.pk]))
    data = querydict_from_html(edit.content.decode(), form_id="page-edit-form")
    data["title"] = "Wrap Dress, Reworked"

    # When the editor previews it
    preview = reverse("wagtailadmin_pages:preview_on_edit", args=[product.pk])
    assert client.post(preview, data).json()["is_valid"] is True
    previewed = client.get(preview)

    # Then the preview shows the draft, and shoppers still the live page
    assert "Wrap Dress, Reworked" in text_of(previewed)
    assert "Reworked" not in text_of(Client().get(url))


# Stock, per product ----------------------------------------------------------------------------


@pytest.fixture
def two_products(client, make_product, shop, category):
    """Product A in Dresses, product B in Skirts, both pages and listings viewed once."""
    skirts = CategoryPageFactory(parent=shop, title="Skirts", slug="skirts")
    a = make_product(title="Dress A", stock={("M", "Black"): 1})
    b = make_product(title="Skirt B", stock={("M", "Black"): 1}, parent=skirts)
    for product in (a, b):
        warm_product_pictures(product.pk)
    urls = [category.url, skirts.url, a.url, b.url]
    for url in urls:
        assert client.get(url).status_code == 200
    return a, b, skirts


def sold_out(response) -> bool:
    return "Sold out" in text_of(response)


@pytest.mark.parametrize("change", ["a sale", "a sale of the last piece", "a restock"])
def test_a_stock_move_on_one_product_keeps_the_others_pages(
    client, two_products, category, change, django_capture_on_commit_callbacks
):
    # Given products A and B, their pages and listings cached
    a, b, skirts = two_products
    variant = a.variants.get()
    if change == "a sale":
        adjust_stock(variant_id=variant.pk, change=1)  # two pieces, so one sale leaves one
        with django_capture_on_commit_callbacks(execute=True):
            adjust_stock(variant_id=variant.pk, change=1)
        for url in (category.url, skirts.url, a.url, b.url):
            client.get(url)

    # When A's stock moves (a checkout takes pieces, or a merchandiser adds some)
    with django_capture_on_commit_callbacks(execute=True):
        if change == "a restock":
            adjust_stock(variant_id=variant.pk, change=4)
        else:
            from django.db import transaction

            with transaction.atomic():
                reserve({variant.pk: 1})

    # Then B's page and listing are still cached, fragments and all: no query
    for url in (skirts.url, b.url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert len(queries) == 0, (url, [q["sql"][:120] for q in queries])

    # And A's page and listing show A's stock on the next view
    expected = change == "a sale of the last piece"
    assert sold_out(client.get(a.url)) is expected
    assert sold_out(client.get(category.url)) is expected
