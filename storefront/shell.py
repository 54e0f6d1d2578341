"""What every page's header and footer show (store name, announcement, navigation, footer and
social links), built once and kept in the cache until an editor changes it.

Every page needs it, so reading it from the database on each request would cost three queries
per page; `forget()` is called when the settings are saved or pages are published, unpublished,
moved or deleted (see `storefront.signals`). Links to pages that are not live are left out until
they are (`page_links`): publishing one rebuilds the shell.

The navigation is the live, in-menu pages below the home page. The page that lists the shop
(a page class with `lists_shop = True`: the catalog's shop index) becomes the "Shop all" link,
and its own in-menu children (the categories) come first in the menu.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.cache import caches
from django.utils.connection import ConnectionProxy
from wagtail.models import Page, Site

from .models import StoreSettings
from .page_links import url_if_live

# In the cache that may evict: the shell can be built again (Django's default cache holds the
# limits' counters, see settings.store_caches).
cache = ConnectionProxy(caches, "pages")

CACHE_KEY = "store-shell:v3:{site_id}"  # the version changes with the Shell class
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
class Shell:
    name: str
    announcement: str = ""
    announcement_url: str = ""
    navigation: list[Link] = field(default_factory=list)
    footer_columns: list[FooterColumn] = field(default_factory=list)
    social_links: list[Link] = field(default_factory=list)
    shop_url: str = "/shop/"


def navigation_of(home: Page) -> tuple[str, list[Link]]:
    """The shop's URL and the menu's links, from the live pages below `home`."""
    children = list(home.get_children().live().order_by("path"))
    shop = next(
        (page for page in children if getattr(page.specific_class, "lists_shop", False)), None
    )
    links: list[Link] = []
    if shop is not None:
        links.extend(
            Link(page.title, page.url)
            for page in shop.get_children().live().in_menu().order_by("path")
        )
    links.extend(
        Link(page.title, page.url) for page in children if page.show_in_menus and page != shop
    )
    return (shop.url if shop is not None else "/shop/"), links


def build_shell(site: Site | None) -> Shell:
    settings = StoreSettings.load()
    shop_url, navigation = navigation_of(site.root_page) if site is not None else ("/shop/", [])
    footer_columns = [
        FooterColumn(
            heading=column.value["heading"],
            links=[Link(link["label"], link.url()) for link in column.value["links"] if link.url()],
        )
        for column in settings.footer_columns
    ]
    return Shell(
        name=settings.store_name,
        announcement=settings.announcement,
        announcement_url=url_if_live(settings.announcement_link),
        navigation=navigation,
        footer_columns=[column for column in footer_columns if column.links],
        social_links=[
            Link(link.value["network"], link.value["url"]) for link in settings.social_links
        ],
        shop_url=shop_url,
    )


def shell_for(request) -> Shell:
    """The shell for this request: from the request, else the cache, else the database."""
    if hasattr(request, "_store_shell"):
        return request._store_shell
    site = Site.find_for_request(request) if request is not None else None
    key = CACHE_KEY.format(site_id=site.pk if site else 0)
    shell = cache.get(key)
    if shell is None:
        shell = build_shell(site)
        cache.set(key, shell, CACHE_SECONDS)
    if request is not None:
        request._store_shell = shell
    return shell


def forget() -> None:
    """Throw the cached shells away; the next page builds them afresh."""
    cache.delete_many(
        [CACHE_KEY.format(site_id=pk) for pk in [0, *Site.objects.values_list("pk", flat=True)]]
    )
