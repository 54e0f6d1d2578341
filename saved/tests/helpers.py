"""Steps the saved pieces' tests share."""

from __future__ import annotations

from django.urls import reverse


def save(client, product, variant=None, **headers):
    """Press the heart of `product` (with the size and colour `variant` chosen, as the product
    page's form sends it), in a browser that says the POST comes from our own pages."""
    data = {"product": product.pk}
    if variant is not None:
        data["variant"] = variant.pk
    headers = {"HTTP_SEC_FETCH_SITE": "same-origin", **headers}
    return client.post(reverse("saved:add"), data, **headers)
