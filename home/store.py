"""What every page's header and footer show (store name, announcement, navigation, footer and
social links), built once and kept in the cache until an editor changes it.

Every page needs it, so reading it from the database on each request would cost three queries
per page; `invalidate()` is called when settings are saved or pages are published, moved or
removed (see `home.signals`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.core.cache import cache
from wagtail.models import Page, Site

CACHE_KEY = "store-shell:v2:{site_id}"  # the version changes with the Store class
CACHE_SECONDS = 60 * 60


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class FooterColumn:
    heading: str
    links: list[Link]


@dataclass(frozen=True)
class Store:
    name: str
    announcement: str = ""
    announcement_url: str = ""
    navigation: list[Link] = field(default_factory=list)
    footer_columns: list[FooterColumn] = field(default_factory=list)
    social_links: list[Link] = field(default_factory=list)
    shop_url: str = "/shop/"
    # A new one each time the shell is rebuilt, i.e. each time the catalog changed: caches of
    # catalog data (listing facets) put it in their keys.
    version: str = field(default_factory=lambda: uuid.uuid4().hex)


def build_store(site: Site | None) -> Store:
    from catalog.models import ShopIndexPage

    from .models import StoreSettings

    settings = StoreSettings.load()
    navigation: list[Link] = []
    shop_url = "/shop/"
    if site is not None:
        home = site.root_page
        shop = ShopIndexPage.objects.live().child_of(home).first()
        if shop is not None:
            shop_url = shop.url
            navigation.extend(
                Link(page.title, page.url)
                for page in shop.get_children().live().in_menu().order_by("path")
            )
        navigation.extend(
            Link(page.title, page.url)
            for page in home.get_children().live().in_menu().not_type(ShopIndexPage)
        )
    announcement_page = settings.announcement_link
    return Store(
        name=settings.store_name,
        announcement=settings.announcement,
        announcement_url=announcement_page.url if announcement_page else "",
        navigation=navigation,
        footer_columns=[
            FooterColumn(
                heading=column.value["heading"],
                links=[Link(link["label"], link.url()) for link in column.value["links"]],
            )
            for column in settings.footer_columns
        ],
        social_links=[
            Link(link.value["network"], link.value["url"]) for link in settings.social_links
        ],
        shop_url=shop_url,
    )


def store_for(request) -> Store:
    """The store shell for this request: from the request, else the cache, else the database."""
    if hasattr(request, "_store_shell"):
        return request._store_shell
    site = Site.find_for_request(request) if request is not None else None
    key = CACHE_KEY.format(site_id=site.pk if site else 0)
    store = cache.get(key)
    if store is None:
        store = build_store(site)
        cache.set(key, store, CACHE_SECONDS)
    if request is not None:
        request._store_shell = store
    return store


def invalidate() -> None:
    cache.delete_many(
        [CACHE_KEY.format(site_id=pk) for pk in [0, *Site.objects.values_list("pk", flat=True)]]
    )


def page_ancestors(page: Page) -> list[Page]:
    """The pages above `page` below the site root, for breadcrumbs. The home page's router
    already fetched them; other pages (previews) ask the database."""
    ancestors = getattr(page, "route_ancestors", None)
    if ancestors is None:
        ancestors = list(page.get_ancestors().filter(depth__gt=1))
    return ancestors
