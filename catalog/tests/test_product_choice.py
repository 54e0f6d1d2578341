"""A link chooses a size and colour in the product page's picker (`?size=m&colour=ivory`, as the
back-in-stock mail's does), without JavaScript: the radio is checked in the HTML. Each choice of
a variant in stock is one more cached rendering; anything else chooses nothing and is not kept."""

import pytest
from django.conf import settings
from django.core.cache import caches

from testing.pages import soup_of

pytestmark = pytest.mark.django_db


def fragments(kind: str) -> int:
    return sum(len(caches[alias].keys(f"fragment:{kind}:*")) for alias in settings.CACHES)


@pytest.fixture
def product(make_product):
    return make_product(
        title="Wrap Dress", stock={("M", "Black"): 3, ("M", "Ivory"): 2, ("L", "Black"): 0}
    )


def checked(response) -> list[tuple[str, str]]:
    soup = soup_of(response)
    return [
        tuple(radio.find_parent("label").select_one(".visually-hidden").get_text().split(", ")[:2])
        for radio in soup.select("input[name=variant][checked]")
    ]


def test_a_link_chooses_the_size_and_colour_in_the_picker(client, product):
    assert checked(client.get(product.url + "?size=m&colour=ivory")) == [("M", "Ivory")]
    assert checked(client.get(product.url + "?colour=black&size=m")) == [("M", "Black")]
    # Without a choice, nothing is chosen for the shopper
    assert checked(client.get(product.url)) == []


def test_a_choice_is_rendered_once_and_only_for_sizes_in_stock(client, product):
    # Given the page as everybody sees it, and as the mail's link shows it
    client.get(product.url)
    client.get(product.url + "?size=m&colour=ivory")
    assert fragments("product") == 2

    # When it is asked for again with that choice, with a sold-out one and made-up ones
    for query in (
        "?size=m&colour=ivory",
        "?size=l&colour=black",  # sold out: nothing to choose
        "?size=xxl&colour=black",
        "?size=m",
        "?size=m&colour=" + "x" * 500,
    ):
        response = client.get(product.url + query)
        assert response.status_code == 200, query

        # Then nothing new is rendered or kept, and only the first chooses anything
        assert fragments("product") == 2, query
    assert checked(client.get(product.url + "?size=l&colour=black")) == []
