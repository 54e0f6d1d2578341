"""warm_demo_pictures makes the demo pictures' missing renditions, the home page's first, and
nothing the second time."""

import io

import pytest
from django.core.management import call_command
from wagtail.images.models import Rendition

from catalog.images import PICTURE_SIZES, filter_specs
from catalog.tests.factories import ImageFactory

pytestmark = pytest.mark.django_db

SIZE_OF = {spec: size for size in PICTURE_SIZES for spec in filter_specs(size)}


def warm() -> list[str]:
    """The command's lines, without the time each one starts with."""
    out = io.StringIO()
    call_command("warm_demo_pictures", stdout=out)
    return [line.split("] ", 1)[-1] for line in out.getvalue().splitlines()]


def sizes_made(image) -> list[str]:
    return sorted(SIZE_OF[spec] for spec in image.renditions.values_list("filter_spec", flat=True))


def test_warm_demo_pictures_makes_what_is_missing_once():
    # Given a banner and a photo of the demo's pool, the photo with one rendition made already,
    # and a picture that is not the demo's
    banner = ImageFactory(title="Demo: banner rail")
    photo = ImageFactory(title="Demo: maxi in sage")
    other = ImageFactory(title="Lookbook cover")
    made_before = photo.get_rendition(filter_specs("card")[0])

    # When the demo pictures are warmed
    lines = warm()

    # Then the banner has its hero and card sizes, the photo its card, product and thumb sizes
    # (each in three formats at two densities), and the other picture none
    assert sizes_made(banner) == ["card"] * 6 + ["hero"] * 6
    assert sizes_made(photo) == ["card"] * 6 + ["product"] * 6 + ["thumb"] * 6
    assert sizes_made(other) == []
    assert lines == [
        "renditions for banners: pictures 1/1",
        "renditions for cards: pictures 2/2",
        "renditions for product pages: pictures 1/1",
        "Demo pictures ready: 29 renditions made.",
    ]

    # And the home page's banner came first, then the cards, then the product pages' sizes
    order = [
        SIZE_OF[spec]
        for spec in Rendition.objects.exclude(pk=made_before.pk)
        .order_by("pk")
        .values_list("filter_spec", flat=True)
    ]
    assert order[:6] == ["hero"] * 6
    assert order[6:17] == ["card"] * 11
    assert sorted(order[17:]) == ["product"] * 6 + ["thumb"] * 6

    # When they are warmed again
    lines = warm()

    # Then nothing is made, and nothing is counted
    assert lines == ["Demo pictures ready: 0 renditions made."]
    assert Rendition.objects.count() == 30
