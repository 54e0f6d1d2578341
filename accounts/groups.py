"""The staff groups and exactly the permissions each needs.

Editors build and publish pages, their copy and images; they cannot touch prices, variants or
stock. Merchandisers run the catalog's merchandise: products in the shop, prices, variants,
stock, sizes, colours and size guides.

`ensure_staff_groups` is idempotent: it sets each group's permissions to exactly these lists. Data
migrations call it with their historical `apps`; `seed_demo` calls it after building the shop.
"""

from __future__ import annotations

from django.apps import apps as global_apps

EDITORS = "Editors"
MERCHANDISERS = "Merchandisers"

# Model permissions, as "app_label.codename".
MODEL_PERMISSIONS: dict[str, list[str]] = {
    EDITORS: [
        "wagtailadmin.access_admin",
        "storefront.change_storesettings",
        "catalog.view_sizeguide",
    ],
    MERCHANDISERS: [
        "wagtailadmin.access_admin",
        "catalog.manage_merchandise",
        "catalog.view_productvariant",
        "catalog.change_productvariant",
        "catalog.add_size",
        "catalog.change_size",
        "catalog.delete_size",
        "catalog.view_size",
        "catalog.add_colour",
        "catalog.change_colour",
        "catalog.delete_colour",
        "catalog.view_colour",
        "catalog.add_sizeguide",
        "catalog.change_sizeguide",
        "catalog.delete_sizeguide",
        "catalog.view_sizeguide",
        "catalog.change_merchandisingsettings",
        "checkout.view_order",
        "checkout.change_order",
        "checkout.add_discountcode",
        "checkout.change_discountcode",
        "checkout.delete_discountcode",
        "checkout.view_discountcode",
        "checkout.change_shippingsettings",
        "returns.view_return",
        "returns.change_return",
    ],
}

# Page permissions: editors on the whole site, merchandisers below the shop index.
PAGE_PERMISSIONS: dict[str, list[str]] = {
    EDITORS: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
    MERCHANDISERS: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
}

# Image and document library permissions on the root collection.
COLLECTION_PERMISSIONS: dict[str, list[str]] = {
    EDITORS: [
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.choose_document",
    ],
    MERCHANDISERS: [
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
    ],
}


def create_missing_permissions(apps) -> None:
    """On a fresh database, Django creates permissions only after the last migration; a data
    migration that grants them must create them first."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def ensure_staff_groups(apps=global_apps) -> None:
    if apps is not global_apps:
        create_missing_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")

    def permissions(names: list[str]) -> list:
        found = []
        for name in names:
            app_label, codename = name.split(".")
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is None and apps is global_apps:
                raise LookupError(f"No permission {name}: is the list in accounts/groups.py right?")
            # An earlier data migration runs before later apps exist; their own migration
            # grants their permissions.
            if permission is not None:
                found.append(permission)
        return found

    root_page = Page.objects.filter(depth=1).first()
    shop_pages = list(
        Page.objects.filter(content_type__app_label="catalog", content_type__model="shopindexpage")
    )
    root_collection = Collection.objects.filter(depth=1).first()
    page_permission_pages = {EDITORS: [root_page] if root_page else [], MERCHANDISERS: shop_pages}

    for name in (EDITORS, MERCHANDISERS):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions(MODEL_PERMISSIONS[name]))

        GroupPagePermission.objects.filter(group=group).delete()
        page_permissions = [
            Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
            for codename in PAGE_PERMISSIONS[name]
        ]
        GroupPagePermission.objects.bulk_create(
            GroupPagePermission(group=group, page=page, permission=permission)
            for page in page_permission_pages[name]
            for permission in page_permissions
        )

        GroupCollectionPermission.objects.filter(group=group).delete()
        if root_collection is not None:
            GroupCollectionPermission.objects.bulk_create(
                GroupCollectionPermission(
                    group=group, collection=root_collection, permission=permission
                )
                for permission in permissions(COLLECTION_PERMISSIONS[name])
            )
