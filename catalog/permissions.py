"""What merchandisers may do and editors may not: set prices, variants and stock, and decide which
products the store sells and where.

Editors write and publish a product's copy, but a product made by anyone else would be sold at a
price nobody set, in no sizes; so only merchandisers create, copy or move products (a copy is a
new product, a move puts it on sale somewhere else). `CatalogPagePermissionTester` says so to
every path of the admin that asks a page what its user may do: the explorer's menus, the copy,
alias and move views, bulk moves and the admin's API."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from wagtail.models import PagePermissionTester

MERCHANDISE_CODENAME = "manage_merchandise"
MERCHANDISE_PERMISSION = f"catalog.{MERCHANDISE_CODENAME}"
PRODUCT = ("catalog", "productpage")


def merchandises(user) -> bool:
    return user.has_perm(MERCHANDISE_PERMISSION)


def is_product(page_class) -> bool:
    return (page_class._meta.app_label, page_class._meta.model_name) == PRODUCT


def may_create(user, page_class) -> bool:
    """May `user` create pages of `page_class`? A product needs a price and variants."""
    return merchandises(user) or not is_product(page_class)


class CatalogPagePermissionTester(PagePermissionTester):
    """Wagtail's page permissions, less copying or moving products for all but merchandisers: a
    product, or a category holding products. Wagtail asks `can_copy` before any copy or alias
    (of one page or a whole branch) and `can_move` before any move, and hides what they refuse
    from the explorer's menus."""

    def holds_products(self) -> bool:
        if is_product(self.page.specific_class):
            return True
        product_type = ContentType.objects.get_by_natural_key(*PRODUCT)
        return self.page.get_descendants().filter(content_type=product_type).exists()

    def products_at_stake(self) -> bool:
        return not merchandises(self.user) and self.holds_products()

    def can_copy(self):
        return super().can_copy() and not self.products_at_stake()

    def can_move(self):
        return super().can_move() and not self.products_at_stake()
