"""Sizes and colours in the admin: a name or slug already taken is refused beside its field,
naming the size or colour that has it (never a server error)."""

import pytest
from django.urls import reverse

from catalog.models import Colour, Size
from testing.admin import errors_beside_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def merchandiser(client, staff):
    client.force_login(staff["merchandiser"])
    return client


@pytest.mark.parametrize("typed", ["M", "m", " M "])
def test_a_size_named_as_another_is_refused(merchandiser, sizes, typed):
    response = merchandiser.post(
        reverse("wagtailsnippets_catalog_size:add"), {"name": typed, "slug": ""}
    )

    assert errors_beside_fields(response) == {"name": "There is already a size named M."}
    assert list(Size.objects.values_list("name", flat=True)) == ["S", "M", "L"]


def test_a_colour_named_as_another_is_refused(merchandiser, colours):
    response = merchandiser.post(
        reverse("wagtailsnippets_catalog_colour:add"),
        {"name": "black", "slug": "", "swatch": "#000000"},
    )

    assert errors_beside_fields(response) == {"name": "There is already a colour named Black."}
    assert Colour.objects.count() == 2


def test_a_slug_taken_by_another_colour_names_it(merchandiser, colours):
    # Typed, or made from the name ("Ivory!" makes "ivory")
    for fields in ({"name": "Jet", "slug": "black"}, {"name": "Ivory!", "slug": ""}):
        response = merchandiser.post(
            reverse("wagtailsnippets_catalog_colour:add"), {**fields, "swatch": "#000000"}
        )
        taken = "black" if fields["slug"] else "ivory"
        owner = "Black" if fields["slug"] else "Ivory"
        assert errors_beside_fields(response) == {
            "slug": f"The colour {owner} already has the slug {taken}: choose another."
        }
    assert Colour.objects.count() == 2


def test_a_size_keeps_its_own_name_and_slug_when_edited(merchandiser, sizes):
    medium = sizes["M"]

    response = merchandiser.post(
        reverse("wagtailsnippets_catalog_size:edit", args=[medium.pk]),
        {"name": "M", "slug": "m"},
    )

    assert response.status_code == 302
