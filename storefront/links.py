"""Absolute links, for what leaves the site: canonical URLs, Open Graph, JSON-LD, the API and
mail."""

from django.conf import settings


def absolute_url(path: str | None) -> str:
    """`path` on SITE_URL; an absolute URL stays as it is, and an empty path is the home page."""
    path = str(path or "")
    if path.startswith(("http://", "https://")):
        return path
    if not path.startswith("/"):
        path = "/" + path
    return settings.SITE_URL + path
