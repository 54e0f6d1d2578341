"""Saved pieces: a save control on product cards and pages (the same form for everybody, so
listings stay cacheable), a guest's pieces in their session joining the account on sign-in, the
Saved page with today's price, a mark when it dropped, stock per size and colour, and a move to
the basket in one step."""

from datetime import timedelta
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from accounts.tests.factories import PASSWORD, UserFactory
from catalog.models import ProductPage, ProductVariant
from catalog.stock import adjust_stock
from catalog.tasks import warm_product_pictures
from checkout.models import BasketLine
from saved import retention
from saved.models import SavedList, SavedPiece
from saved.tests.factories import SavedListFactory
from saved.tests.helpers import save
from testing.clock import later_by
from testing.pages import soup_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def wrap(make_product):
    """The Wrap Dress at 100.00: M black (3 left), L black (20), M ivory sold out."""
    return make_product(
        title="Wrap Dress",
        price=Decimal("100.00"),
        stock={("M", "Black"): 3, ("L", "Black"): 20, ("M", "Ivory"): 0},
    )


@pytest.fixture
def slip(make_product):
    return make_product(title="Slip Dress", price=Decimal("60.00"), stock={("S", "Ivory"): 4})


def saved_titles(client) -> list[str]:
    soup = soup_of(client.get(reverse("saved:list")))
    return [node.get_text(strip=True) for node in soup.select(".saved-piece__title")]


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# The save control, on cached pages ----------------------------------------------------------------


def test_cards_offer_the_same_save_form_to_everybody(client, category, wrap, slip):
    # Given a shopper who saved the Wrap Dress, and a stranger
    shopper = UserFactory(email="saver@example.com")
    SavedListFactory(user=shopper, pieces=[wrap])
    stranger = client.get(category.url).content
    client.force_login(shopper)
    theirs = client.get(category.url).content

    def grid(html):
        return BeautifulSoup(html, "html.parser").select_one(".product-grid")

    # Then the listing is the same for both: one heart per card, nothing saying what is saved
    assert str(grid(theirs)) == str(grid(stranger))
    forms = grid(stranger).select("form.product-card__save")
    assert [form["action"] for form in forms] == ["/saved/add/", "/saved/add/"]
    assert {int(form.button["value"]) for form in forms} == {wrap.pk, slip.pk}
    assert grid(stranger).select("input[name=csrfmiddlewaretoken]") == []
    assert forms[0].button.get_text(strip=True).startswith("Save ")


def test_the_product_page_saves_the_size_chosen_from_the_basket_form(client, wrap):
    soup = soup_of(client.get(wrap.url))
    button = soup.select_one("form.add-to-basket button[formaction]")
    assert (button["formaction"], button["name"], button["value"]) == (
        "/saved/add/",
        "product",
        str(wrap.pk),
    )
    assert "formnovalidate" in button.attrs  # no size needed to save


def test_a_product_sold_out_everywhere_can_still_be_saved(client, make_product):
    product = make_product(stock={("M", "Black"): 0})
    form = soup_of(client.get(product.url)).select_one("form.save-piece")
    assert (form["action"], form.button["value"]) == ("/saved/add/", str(product.pk))


def test_saving_from_another_site_saves_nothing(client, wrap):
    response = client.post(reverse("saved:add"), {"product": wrap.pk})
    assert response.status_code == 403
    assert "Nothing was saved" in response.content.decode()
    response = save(client, wrap, HTTP_SEC_FETCH_SITE="cross-site")
    assert response.status_code == 403
    assert not SavedPiece.objects.exists()


# Saving ---------------------------------------------------------------------------------------


def test_a_guest_saves_pieces_and_is_sent_back(client, category, wrap, slip):
    # When a guest presses the heart on the listing, then saves a size on a product page
    response = save(client, wrap, HTTP_REFERER="http://testserver" + category.url)
    medium = wrap.variants.get(size__name="M", colour__name="Black")
    save(client, slip)
    save(client, wrap, medium, HTTP_REFERER="http://testserver" + wrap.url)

    # Then they are back where they were, told so
    assert response.status_code == 302
    assert response["Location"] == "http://testserver" + category.url
    page = client.get(reverse("saved:list"))
    assert messages_of(page) == [
        "Saved for later: Wrap Dress. Your saved pieces are under Saved, at the top.",
        "Saved for later: Slip Dress. Your saved pieces are under Saved, at the top.",
        "Saved for later: Wrap Dress in M, Black. Your saved pieces are under Saved, at the top.",
    ]
    # And the pieces are in their session's list, newest first
    assert saved_titles(client) == ["Wrap Dress", "Slip Dress", "Wrap Dress"]
    saved_list = SavedList.objects.get()
    assert (saved_list.user, client.session["saved_list_id"]) == (None, saved_list.pk)


def test_saving_twice_is_one_piece_at_its_first_price(client, wrap):
    save(client, wrap)
    ProductPage.objects.filter(pk=wrap.pk).update(price=Decimal("120.00"))
    response = save(client, wrap)

    assert messages_of(client.get(reverse("saved:list")))[-1] == "Wrap Dress is saved already."
    assert response.status_code == 302
    piece = SavedPiece.objects.get()
    assert piece.price_when_saved == Decimal("100.00")


def test_what_cannot_be_saved_is_explained(client, wrap, slip, make_product):
    other = make_product(title="Other", stock={("S", "Black"): 1}).variants.get()
    wrap.unpublish()
    save(client, wrap)
    save(client, slip, other)
    client.post(reverse("saved:add"), {"product": "x"}, HTTP_SEC_FETCH_SITE="same-origin")

    assert messages_of(client.get(reverse("saved:list"))) == [
        "That piece is no longer in the shop.",
        "That size and colour is not sold for Slip Dress. Please choose another.",
        "Please choose a piece to save.",
    ]
    assert not SavedPiece.objects.exists()


def test_a_list_holds_at_most_its_limit(client, wrap, slip, settings):
    settings.SAVED_MAX_PIECES = 1
    save(client, wrap)
    save(client, slip)
    assert messages_of(client.get(reverse("saved:list")))[-1] == (
        "You have saved 1 pieces, as many as a list holds. Remove some first."
    )
    assert saved_titles(client) == ["Wrap Dress"]


def test_a_guests_pieces_join_the_account_on_sign_in(client, wrap, slip):
    # Given a shopper who saved the Slip Dress on another day, at 70.00
    shopper = UserFactory(email="merge@example.com")
    SavedListFactory(user=shopper, pieces=[slip])
    SavedPiece.objects.update(price_when_saved=Decimal("70.00"))
    # And who saves the Wrap Dress and the Slip Dress again as a guest
    save(client, wrap)
    save(client, slip)

    # When they sign in
    client.post(reverse("account_login"), {"login": shopper.email, "password": PASSWORD})

    # Then their account holds both, once each, the Slip Dress at its first price
    assert saved_titles(client) == ["Wrap Dress", "Slip Dress"]
    assert SavedList.objects.get().user == shopper
    assert SavedPiece.objects.get(product=slip).price_when_saved == Decimal("70.00")
    assert "saved_list_id" not in client.session


# The Saved page -----------------------------------------------------------------------------------


def test_the_saved_page_shows_price_drops_and_stock_per_size(client, ann, wrap, slip):
    # Given Ann saved the Wrap Dress (at 100.00), its M black (at 100.00) and the Slip Dress
    medium = wrap.variants.get(size__name="M", colour__name="Black")
    SavedListFactory(user=ann, pieces=[slip, medium, wrap])
    # When the Wrap Dress drops to 80.00 while its M black gets a price of its own, 90.00
    ProductPage.objects.filter(pk=wrap.pk).update(price=Decimal("80.00"))
    ProductVariant.objects.filter(pk=medium.pk).update(price=Decimal("90.00"))
    # And the Slip Dress rises
    ProductPage.objects.filter(pk=slip.pk).update(price=Decimal("65.00"))

    soup = soup_of(client.get(reverse("saved:list")))
    pieces = soup.select(".saved-piece")

    def text(node, selector):
        return " ".join(node.select_one(selector).get_text().split())

    # Then each shows today's price, marked when it dropped since it was saved
    assert [text(piece, ".saved-piece__price") for piece in pieces] == [
        "$80.00 Price dropped $100.00 when you saved it",
        "$90.00 Price dropped $100.00 when you saved it",
        "$65.00",
    ]
    assert text(pieces[1], ".saved-piece__meta") == "Saved in M · Black"
    # And the stock of each size and colour, sold out ones not to be chosen
    options = [
        (text(label, ".stock-option__name"), text(label, ".stock-option__stock"))
        for label in pieces[0].select(".stock-option")
    ]
    assert options == [
        ("M, Black", "Only 3 left"),
        ("L, Black", "In stock"),
        ("M, Ivory", "Sold out"),
    ]
    assert "disabled" in pieces[0].select("input[name=variant]")[2].attrs
    # The saved size is chosen for the basket; with no size saved, the only one in stock is
    assert [int(r["value"]) for r in pieces[1].select("input[checked]")] == [medium.pk]
    assert pieces[0].select("input[checked]") == []
    assert len(pieces[2].select("input[checked]")) == 1


def test_the_saved_page_is_personal_and_never_cached(client, ann, wrap):
    SavedListFactory(user=ann, pieces=[wrap])
    response = client.get(reverse("saved:list"))
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    client.logout()
    assert saved_titles(client) == []
    assert "Nothing saved yet" in client.get(reverse("saved:list")).content.decode()


def test_a_piece_no_longer_sold_says_so(client, ann, wrap):
    SavedListFactory(user=ann, pieces=[wrap])
    wrap.unpublish()
    piece = soup_of(client.get(reverse("saved:list"))).select_one(".saved-piece")
    assert piece.select_one(".saved-piece__warning").get_text(strip=True) == (
        "No longer in the shop."
    )
    assert piece.select(".saved-piece__move") == []


@pytest.mark.parametrize("count", [1, 5])
def test_the_saved_page_takes_the_same_queries_for_any_number_of_pieces(
    client, ann, make_product, django_assert_num_queries, count
):
    products = [
        make_product(title=f"Dress {n}", stock={("M", "Black"): 2, ("L", "Ivory"): 0})
        for n in range(count)
    ]
    for product in products:
        warm_product_pictures(product.pk)
    SavedListFactory(user=ann, pieces=[*products, products[0].variants.first()])
    client.get(reverse("saved:list"))  # the store's shell and private paths, cached

    # Session, user, list, pieces, sizes and colours, pictures, renditions; the site (for
    # links) and the user's permissions (Wagtail's user bar)
    with django_assert_num_queries(10):
        response = client.get(reverse("saved:list"))
    assert len(soup_of(response).select(".saved-piece")) == count + 1


# Moving to the basket, removing ---------------------------------------------------------------


def test_a_piece_moves_to_the_basket_in_one_step(client, ann, wrap):
    medium = wrap.variants.get(size__name="M", colour__name="Black")
    large = wrap.variants.get(size__name="L")
    saved_list = SavedListFactory(user=ann, pieces=[medium, wrap])
    by_size, whole = saved_list.pieces.order_by("pk")

    # When Ann moves the M black she saved, and the Wrap Dress in L
    first = client.post(reverse("saved:move", args=[by_size.pk]), follow=True)
    client.post(reverse("saved:move", args=[whole.pk]), {"variant": large.pk})

    # Then both are in her basket and no longer saved
    assert messages_of(first) == ["Moved to your basket: Wrap Dress in M, Black."]
    assert sorted(BasketLine.objects.values_list("variant_id", "quantity")) == sorted(
        [(medium.pk, 1), (large.pk, 1)]
    )
    assert not SavedPiece.objects.exists()
    assert client.session["basket_count"] == 2


def test_a_piece_that_cannot_go_to_the_basket_stays_saved(client, ann, wrap, slip):
    medium = wrap.variants.get(size__name="M", colour__name="Black")
    saved_list = SavedListFactory(user=ann, pieces=[medium, slip])
    by_size, whole = saved_list.pieces.order_by("pk")
    adjust_stock(variant_id=medium.pk, change=-3)

    sold_out = client.post(reverse("saved:move", args=[by_size.pk]), follow=True)
    no_size = client.post(reverse("saved:move", args=[whole.pk]), follow=True)
    not_its = client.post(
        reverse("saved:move", args=[whole.pk]), {"variant": medium.pk}, follow=True
    )

    assert messages_of(sold_out) == ["Wrap Dress in M, Black is sold out."]
    assert messages_of(no_size) == ["Please choose a size and colour."]
    assert messages_of(not_its) == [
        "That size and colour is not sold for Slip Dress. Please choose another."
    ]
    assert SavedPiece.objects.count() == 2
    assert not BasketLine.objects.exists()


def test_nobody_moves_or_removes_anothers_piece(client, ann, wrap):
    theirs = SavedListFactory(pieces=[wrap]).pieces.get()
    for name in ("saved:move", "saved:remove"):
        response = client.post(reverse(name, args=[theirs.pk]), follow=True)
        assert messages_of(response) == ["That piece is no longer in your saved pieces."]
    assert SavedPiece.objects.filter(pk=theirs.pk).exists()


def test_removing_a_piece(client, ann, wrap, slip):
    saved_list = SavedListFactory(user=ann, pieces=[wrap, slip])
    response = client.post(
        reverse("saved:remove", args=[saved_list.pieces.get(product=wrap).pk]), follow=True
    )
    assert messages_of(response) == ["Removed from your saved pieces: Wrap Dress."]
    assert saved_titles(client) == ["Slip Dress"]


# What is kept ----------------------------------------------------------------------------------


def test_abandoned_guest_lists_go_and_accounts_lists_stay(ann, wrap, settings):
    SavedListFactory(pieces=[wrap])
    kept = SavedListFactory(user=ann, pieces=[wrap])
    with later_by(timedelta(days=settings.SAVED_KEEP_DAYS + 1)):
        assert retention.purge_abandoned_saved_lists() == 1
    assert list(SavedList.objects.all()) == [kept]


def test_a_deleted_account_takes_its_saved_pieces(ann, wrap):
    SavedListFactory(user=ann, pieces=[wrap])
    ann.delete()
    assert not SavedList.objects.exists()
    assert not SavedPiece.objects.exists()
