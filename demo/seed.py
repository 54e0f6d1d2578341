"""The demo store behind `manage.py seed_demo`: site tree, home page, categories, sizes, colours,
size guides, N products with variants and stock, generated images, and the staff groups.

Idempotent: everything is found by its slug, title or name before it is made, and product i is
always the same product (its random choices are seeded by i), so a second run adds nothing and a
run with a larger N adds only the missing products.

Products are many (10,000 must take minutes), so they are inserted in bulk: their pages' tree
paths are computed here rather than by one `add_child` per page. Everything else is made
through the ordinary Wagtail API.

The pictures' renditions take longer than all the rest: `seed(renditions=False)` leaves them to
`warm_pictures`, which `manage.py warm_demo_pictures` runs beside the server.
"""

from __future__ import annotations

import io
import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from functools import partial
from typing import NamedTuple
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.images import get_image_model
from wagtail.models import Collection, Locale, Page, Site
from wagtail.search.backends import get_search_backend

from accounts.groups import ensure_staff_groups
from catalog import versions
from catalog.images import FILTERS, warm_renditions
from catalog.models import (
    CategoryPage,
    Colour,
    ProductImage,
    ProductPage,
    ProductVariant,
    ShopIndexPage,
    Size,
    SizeGuide,
)
from home.models import HomePage, LandingPage
from storefront import shell
from storefront.models import StoreSettings

from . import pictures
from .roots import ensure_roots

# Every picture of the pool is titled so; the banners also by the second prefix.
PICTURE_PREFIX = "Demo: "
BANNER_PREFIX = "Demo: banner "
SIZES = ["XXS", "XS", "S", "M", "L", "XL", "XXL"]
COLOURS = {
    "Black": "#1C1C1C",
    "Ivory": "#F4EFE6",
    "Navy": "#1F2A44",
    "Sage": "#9CAF88",
    "Terracotta": "#C65D3B",
    "Blush": "#E8B4B8",
    "Mustard": "#D8A31A",
    "Cobalt": "#2E5AAC",
    "Forest": "#2F4F3A",
    "Camel": "#C19A6B",
    "Burgundy": "#6D1A36",
    "Stone": "#A8A29A",
}


@dataclass(frozen=True)
class Leaf:
    """A category that holds products, and how its products are named and drawn."""

    title: str
    garment: str  # a silhouette of demo.pictures
    nouns: tuple[str, ...]
    code: str
    price_range: tuple[int, int]
    palette: tuple[str, ...]  # the colourways this line comes in


CATEGORIES: dict[str, list[Leaf]] = {
    "Dresses": [
        Leaf(
            "Maxi dresses",
            "maxi",
            ("Maxi Dress", "Slip Maxi Dress", "Tiered Maxi Dress"),
            "DMX",
            (89, 249),
            ("Terracotta", "Navy", "Sage", "Black"),
        ),
        Leaf(
            "Midi dresses",
            "midi",
            ("Midi Dress", "Wrap Midi Dress", "Shirt Dress"),
            "DMD",
            (79, 219),
            ("Cobalt", "Blush", "Ivory", "Forest"),
        ),
        Leaf(
            "Mini dresses",
            "mini",
            ("Mini Dress", "Smock Dress", "Skater Dress"),
            "DMN",
            (59, 159),
            ("Blush", "Mustard", "Black", "Ivory"),
        ),
        Leaf(
            "Evening dresses",
            "dress",
            ("Evening Gown", "Cocktail Dress", "Column Dress"),
            "DEV",
            (149, 399),
            ("Black", "Burgundy", "Navy", "Forest"),
        ),
    ],
    "Tops": [
        Leaf(
            "T-shirts",
            "top",
            ("Tee", "Boxy Tee", "Ribbed Tee"),
            "TTS",
            (19, 49),
            ("Ivory", "Black", "Stone", "Sage"),
        ),
        Leaf(
            "Blouses and shirts",
            "blouse",
            ("Blouse", "Shirt", "Tunic"),
            "TBL",
            (39, 129),
            ("Ivory", "Cobalt", "Blush", "Sage"),
        ),
        Leaf(
            "Knitwear",
            "knit",
            ("Jumper", "Cardigan", "Sweater"),
            "TKN",
            (49, 189),
            ("Burgundy", "Camel", "Stone", "Forest"),
        ),
    ],
    "Bottoms": [
        Leaf(
            "Skirts",
            "skirt",
            ("Midi Skirt", "A-Line Skirt", "Pleated Skirt"),
            "BSK",
            (39, 139),
            ("Mustard", "Black", "Terracotta", "Navy"),
        ),
        Leaf(
            "Trousers",
            "trousers",
            ("Trousers", "Wide-Leg Trousers", "Cigarette Trousers"),
            "BTR",
            (49, 159),
            ("Black", "Camel", "Stone", "Navy"),
        ),
        Leaf(
            "Jeans",
            "jeans",
            ("Straight Jeans", "Barrel Jeans", "Flared Jeans"),
            "BJN",
            (59, 149),
            ("Cobalt", "Navy", "Black", "Ivory"),
        ),
    ],
    "Outerwear": [
        Leaf(
            "Coats",
            "coat",
            ("Coat", "Trench Coat", "Wrap Coat"),
            "OCT",
            (149, 449),
            ("Camel", "Black", "Stone", "Navy"),
        ),
        Leaf(
            "Jackets",
            "jacket",
            ("Jacket", "Blazer", "Overshirt"),
            "OJK",
            (89, 299),
            ("Cobalt", "Black", "Forest", "Camel"),
        ),
    ],
    "Jumpsuits": [
        Leaf(
            "Jumpsuits",
            "jumpsuit",
            ("Jumpsuit", "Boilersuit", "Playsuit"),
            "JMP",
            (69, 189),
            ("Forest", "Terracotta", "Black", "Navy"),
        ),
    ],
}
FABRICS = [
    "Linen",
    "Silk",
    "Cotton",
    "Crepe",
    "Satin",
    "Jersey",
    "Poplin",
    "Wool",
    "Viscose",
    "Chiffon",
    "Denim",
    "Cashmere-Blend",
]
STYLES = [
    "Relaxed",
    "Tailored",
    "Belted",
    "Pleated",
    "Puff-Sleeve",
    "Square-Neck",
    "V-Neck",
    "Ruched",
    "Draped",
    "Button-Through",
    "Cropped",
    "Wrap",
]


@dataclass
class Progress:
    report: Callable[[str], None]
    started: float = field(default_factory=time.monotonic)

    def step(self, message: str) -> None:
        self.report(f"[{time.monotonic() - self.started:6.1f}s] {message}")

    def count(self, what: str, done: int, total: int, every: int = 20) -> None:
        """A line every `every` things and at the last: "what 40/120…", "what 120/120"."""
        if done % every == 0 or done == total:
            self.step(f"{what} {done}/{total}{'…' if done < total else ''}")


def seed(*, products: int, renditions: bool = True, report: Callable[[str], None] = print) -> dict:
    progress = Progress(report=report)
    with transaction.atomic():
        home = ensure_home()
        shop = ensure_shop(home)
        sizes = ensure_sizes()
        colours = ensure_colours()
        guides = ensure_size_guides()
        leaves = ensure_categories(shop)
        progress.step("site tree, sizes, colours, size guides and categories ready")
    pool = ensure_image_pool(colours, progress)
    if renditions:
        made = warm_pictures(progress)
        progress.step(f"{made} renditions made ahead (AVIF, WebP and JPEG at 1x and 2x)")
    with transaction.atomic():
        created = ensure_products(products, leaves, sizes, colours, guides, pool, progress)
        ensure_category_images(leaves, pool)
        ensure_home_content(home, shop, pool)
        ensure_settings(shop)
        ensure_site(home)
        ensure_staff_groups()
        # Pages were written in bulk, without the signals that tell caches the catalog changed.
        transaction.on_commit(shell.forget)
        versions.catalog_changed()
        versions.stock_changed()
    progress.step(f"{created} new products; {ProductPage.objects.count()} in the catalog")
    return {"created": created, "total": ProductPage.objects.count()}


# Site tree ------------------------------------------------------------------------------------


def publish(page: Page) -> Page:
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def ensure_home() -> HomePage:
    home = HomePage.objects.first()
    if home is not None:
        return home
    root = ensure_roots()
    # Wagtail's own "Welcome" page holds the slug "home"; a fresh site has nothing else on it.
    for welcome in root.get_children().filter(
        content_type=ContentType.objects.get_for_model(Page), numchild=0
    ):
        Site.objects.filter(root_page=welcome).delete()
        welcome.delete()
    home = root.add_child(
        instance=HomePage(
            title="Home", slug="home", seo_title="The Dress Store – dresses and everyday clothes"
        )
    )
    return publish(home)


def ensure_site(home: HomePage) -> None:
    url = urlsplit(settings.SITE_URL)
    port = url.port or (443 if url.scheme == "https" else 80)
    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    site.hostname = url.hostname or "localhost"
    site.port = port
    site.root_page = home
    site.site_name = "The Dress Store"
    site.save()
    Site.clear_site_root_paths_cache()


def ensure_shop(home: HomePage) -> ShopIndexPage:
    shop = ShopIndexPage.objects.child_of(home).first()
    if shop is None:
        shop = home.add_child(
            instance=ShopIndexPage(
                title="Shop",
                slug="shop",
                intro="<p>Dresses first, and everything that goes with them.</p>",
                show_in_menus=False,
                search_description="Dresses, tops, knitwear, coats and more from The Dress Store.",
            )
        )
        shop = publish(shop)
    return shop


def ensure_sizes() -> list[Size]:
    for order, name in enumerate(SIZES):
        Size.objects.update_or_create(
            name=name, defaults={"sort_order": order, "slug": name.lower()}
        )
    return list(Size.objects.filter(name__in=SIZES).order_by("sort_order"))


def ensure_colours() -> list[Colour]:
    for order, (name, swatch) in enumerate(COLOURS.items()):
        Colour.objects.update_or_create(
            name=name, defaults={"sort_order": order, "swatch": swatch, "slug": slugify(name)}
        )
    return list(Colour.objects.filter(name__in=COLOURS).order_by("sort_order"))


def size_table(rows: list[list[str]]) -> dict:
    return {"data": rows, "first_row_is_table_header": True, "first_col_is_header": True}


def ensure_size_guides() -> dict[str, SizeGuide]:
    tops = [["Size", "Bust (cm)", "Waist (cm)", "Hips (cm)"]] + [
        [size, str(76 + 5 * i), str(60 + 5 * i), str(84 + 5 * i)] for i, size in enumerate(SIZES)
    ]
    bottoms = [["Size", "Waist (cm)", "Hips (cm)", "Inside leg (cm)"]] + [
        [size, str(60 + 5 * i), str(84 + 5 * i), "78"] for i, size in enumerate(SIZES)
    ]
    how = (
        "<p>Measure over light clothing with a soft tape. Bust at the fullest point, waist at "
        "the narrowest, hips at the fullest. Between two sizes? Take the larger one.</p>"
    )
    guides = {}
    for key, title, rows in (
        ("tops", "Dresses, tops and outerwear", tops),
        ("bottoms", "Skirts, trousers and jeans", bottoms),
    ):
        guide = SizeGuide.objects.filter(title=title).first()
        if guide is None:
            guide = SizeGuide.objects.create(
                title=title, body=[("text", how), ("table", size_table(rows))]
            )
        guides[key] = guide
    return guides


def ensure_categories(shop: ShopIndexPage) -> list[tuple[CategoryPage, Leaf]]:
    leaves = []
    for top_title, children in CATEGORIES.items():
        top = CategoryPage.objects.child_of(shop).filter(title=top_title).first()
        if top is None:
            top = publish(
                shop.add_child(
                    instance=CategoryPage(
                        title=top_title,
                        slug=slugify(top_title),
                        show_in_menus=True,
                        intro=f"<p>{top_title}, cut for real life and made to last.</p>",
                        search_description=f"Shop {top_title.lower()} at The Dress Store.",
                    )
                )
            )
        if len(children) == 1 and children[0].title == top_title:
            leaves.append((top, children[0]))
            continue
        for leaf in children:
            category = CategoryPage.objects.child_of(top).filter(title=leaf.title).first()
            if category is None:
                category = publish(
                    top.add_child(
                        instance=CategoryPage(
                            title=leaf.title,
                            slug=slugify(leaf.title),
                            intro=f"<p>Our {leaf.title.lower()}, in fabrics we would wear ourselves.</p>",
                            search_description=f"Shop {leaf.title.lower()} at The Dress Store.",
                        )
                    )
                )
            leaves.append((category, leaf))
    return leaves


# Images ---------------------------------------------------------------------------------------


class Drawing(NamedTuple):
    title: str
    description: str
    draw: Callable[[], bytes]


def ensure_image_pool(colours: list[Colour], progress: Progress) -> dict[tuple[str, str], object]:
    """A photo per garment and colourway, a fabric close-up per colour and two banners: a
    shared pool of about 60 images, whatever the number of products."""
    Image = get_image_model()
    root = Collection.get_first_root_node()
    by_name = {colour.name: colour for colour in colours}
    leaves = [leaf for children in CATEGORIES.values() for leaf in children]
    wanted = [(leaf.garment, by_name[name]) for leaf in leaves for name in leaf.palette]
    wanted += [("fabric", colour) for colour in colours]
    drawings: dict[tuple[str, str], Drawing] = {}
    for seed_index, (garment, colour) in enumerate(wanted):
        title = f"{PICTURE_PREFIX}{garment} in {colour.name.lower()}"
        drawings[(garment, colour.name)] = Drawing(
            title,
            title.removeprefix(PICTURE_PREFIX),
            partial(
                pictures.garment_photo,
                garment,
                colour.swatch,
                seed=seed_index,
                detail=garment == "fabric",
            ),
        )
    for index, name in enumerate(["rail", "studio"]):
        drawings[("banner", name)] = Drawing(
            f"{BANNER_PREFIX}{name}",
            "Dresses on a clothes rail",
            partial(
                pictures.banner_photo,
                [colour.swatch for colour in colours[2 + index : 7 + index]],
                seed=100 + index,
            ),
        )
    existing = {
        image.title: image for image in Image.objects.filter(title__startswith=PICTURE_PREFIX)
    }
    pool = {
        key: existing[drawing.title]
        for key, drawing in drawings.items()
        if drawing.title in existing
    }
    missing = [key for key in drawings if key not in pool]
    # Pillow draws and encodes in C with the GIL released: two threads draw the next pictures
    # while this one saves the last (saving is the database's, and one connection's, work).
    with ThreadPoolExecutor(max_workers=2) as painters:
        drawn = painters.map(lambda key: drawings[key].draw(), missing)
        for done, (key, data) in enumerate(zip(missing, drawn, strict=True), start=1):
            drawing = drawings[key]
            image = Image(title=drawing.title, collection=root, description=drawing.description)
            image.file = ImageFile(io.BytesIO(data), name=f"{slugify(drawing.title)}.jpg")
            image.save()
            pool[key] = image
            progress.count("image pool: pictures drawn", done, len(missing))
    progress.step(f"image pool: {len(pool)} images, {len(missing)} new")
    return pool


def warm_pictures(progress: Progress) -> int:
    """Make the renditions of the pool's pictures that are missing, in the order a visitor meets
    them: the home page's banners, the cards of the home page and the listings, then the
    product pages. Returns how many were missing: none on a second run.

    Pages make a missing rendition themselves, so this can run beside the server; a rendition
    that a page made meanwhile is found, not made again."""
    pool = list(get_image_model().objects.filter(title__startswith=PICTURE_PREFIX).order_by("pk"))
    banners = [image for image in pool if image.title.startswith(BANNER_PREFIX)]
    photos = [image for image in pool if image not in banners]
    made = 0
    for label, images, sizes in (
        ("banners", banners, ("hero",)),
        ("cards", pool, ("card",)),
        ("product pages", photos, ("product", "thumb")),
    ):
        filters = [image_filter for size in sizes for image_filter in FILTERS[size]]
        missing = {
            image: len(filters) - len(image.find_existing_renditions(*filters)) for image in images
        }
        lacking = [image for image in images if missing[image]]
        for done, image in enumerate(lacking, start=1):
            warm_renditions([image], sizes=sizes)
            made += missing[image]
            progress.count(f"renditions for {label}: pictures", done, len(lacking))
    return made


def ensure_category_images(leaves, pool) -> None:
    for category, leaf in leaves:
        if category.image_id is None:
            category.image = pool[(leaf.garment, leaf.palette[0])]
            publish(category)
    for top in CategoryPage.objects.filter(image__isnull=True):
        first_leaf = CategoryPage.objects.child_of(top).exclude(image=None).first()
        if first_leaf is not None:
            top.image = first_leaf.image
            publish(top)


# Products -------------------------------------------------------------------------------------


def product_spec(index: int, leaf: Leaf, sizes: list[Size], colours: list[Colour]) -> dict:
    """Everything about product `index`, decided by a generator seeded with `index`."""
    rng = random.Random(index)
    title = f"{rng.choice(FABRICS)} {rng.choice(STYLES)} {rng.choice(leaf.nouns)}"
    low, high = leaf.price_range
    price = Decimal(rng.randrange(low, high + 1)) - Decimal("0.05") * rng.choice([0, 0, 1])
    on_sale = rng.random() < 0.2
    compare_at = (
        (price * Decimal(rng.choice(["1.25", "1.4", "1.5"]))).quantize(Decimal("1"))
        if on_sale
        else None
    )
    first = rng.randrange(0, len(sizes) - 1)
    span = rng.randint(2, 6)
    product_sizes = sizes[first : first + span]
    if len(product_sizes) < 2:
        product_sizes = sizes[-2:]
    palette = [colour for colour in colours if colour.name in leaf.palette]
    product_colours = rng.sample(palette, rng.randint(1, len(palette)))
    sold_out = rng.random() < 0.04
    stock = {
        (size.pk, colour.pk): 0 if sold_out or rng.random() < 0.12 else rng.randint(1, 30)
        for size in product_sizes
        for colour in product_colours
    }
    fabric = title.split()[0].lower()
    return {
        "title": title,
        "slug": f"{slugify(title)}-{index}",
        "summary": f"A {fabric} {title.split()[1].lower()} piece with a considered fit, made to be worn for years.",
        "description": (
            f"<p>Cut from {fabric} with a soft hand and a gentle drape, this "
            f"{leaf.nouns[0].lower()} moves with you from morning to evening.</p>"
            "<h3>Details</h3><ul><li>True to size; see the size guide</li>"
            "<li>Concealed side zip</li><li>Model is 175 cm and wears a size S</li></ul>"
            "<h3>Care</h3><p>Cool machine wash or dry clean. Do not tumble dry.</p>"
        ),
        "price": price,
        "compare_at": compare_at,
        "featured": rng.random() < 0.08,
        "colours": product_colours,
        "sizes": product_sizes,
        "stock": stock,
        "age_days": rng.randint(0, 180),
    }


def ensure_products(count, leaves, sizes, colours, guides, pool, progress) -> int:
    product_type = ContentType.objects.get_for_model(ProductPage)
    locale = Locale.get_default()
    existing = set(ProductPage.objects.values_list("slug", flat=True))
    now = timezone.now()
    plans: dict[int, list[tuple[int, dict]]] = {}
    for index in range(1, count + 1):
        category, leaf = leaves[index % len(leaves)]
        spec = product_spec(index, leaf, sizes, colours)
        if spec["slug"] not in existing:
            plans.setdefault(leaves.index((category, leaf)), []).append((index, spec))
    if not plans:
        progress.step("products: nothing to add")
        return 0

    pages: list[Page] = []
    details: list[tuple[Page, dict, Leaf, int]] = []
    for leaf_index, planned in plans.items():
        category, leaf = leaves[leaf_index]
        category.refresh_from_db()
        last = category.get_last_child()
        step = last._get_lastpos_in_path() if last else 0
        for index, spec in planned:
            step += 1
            published = now - timedelta(days=spec["age_days"], minutes=index)
            page = Page(
                title=spec["title"],
                draft_title=spec["title"],
                slug=spec["slug"],
                path=Page._get_path(category.path, category.depth + 1, step),
                depth=category.depth + 1,
                numchild=0,
                url_path=f"{category.url_path}{spec['slug']}/",
                content_type=product_type,
                locale=locale,
                live=True,
                has_unpublished_changes=False,
                first_published_at=published,
                last_published_at=published,
                search_description=spec["summary"][:160],
            )
            pages.append(page)
            details.append((page, spec, leaf, index))
        category.numchild = category.numchild + len(planned)
        Page.objects.filter(pk=category.pk).update(numchild=category.numchild)
    Page.objects.bulk_create(pages, batch_size=2000)
    progress.step(f"products: {len(pages)} pages in the tree")

    products = []
    for page, spec, leaf, _index in details:
        guide = (
            guides["bottoms"] if leaf.garment in ("skirt", "trousers", "jeans") else guides["tops"]
        )
        product = ProductPage(
            page_ptr_id=page.pk,
            summary=spec["summary"],
            description=spec["description"],
            price=spec["price"],
            compare_at_price=spec["compare_at"],
            size_guide=guide,
            featured=spec["featured"],
        )
        products.append(product)
    # Django's bulk_create refuses multi-table children; the parents exist, so insert the
    # product rows alone (what bulk_create does for a plain model).
    fields = ProductPage._meta.local_concrete_fields
    for start in range(0, len(products), 2000):
        ProductPage.objects._insert(products[start : start + 2000], fields=fields)

    variants, images = [], []
    colour_codes = {colour.pk: colour.name[:3].upper() for colour in colours}
    for page, spec, leaf, index in details:
        order = 0
        for colour in spec["colours"]:
            for size in spec["sizes"]:
                variants.append(
                    ProductVariant(
                        product_id=page.pk,
                        size=size,
                        colour=colour,
                        sku=f"{leaf.code}-{index:05d}-{size.name}-{colour_codes[colour.pk]}",
                        stock=spec["stock"][(size.pk, colour.pk)],
                        sort_order=order,
                    )
                )
                order += 1
        main = spec["colours"][0]
        gallery = [
            (
                pool[(leaf.garment, main.name)],
                f"{spec['title']} in {main.name.lower()}, front view",
            ),
            (pool[("fabric", main.name)], f"Close-up of the {main.name.lower()} fabric"),
        ]
        gallery += [
            (pool[(leaf.garment, colour.name)], f"{spec['title']} in {colour.name.lower()}")
            for colour in spec["colours"][1:3]
        ]
        images.extend(
            ProductImage(product_id=page.pk, image=image, alt_text=alt, sort_order=position)
            for position, (image, alt) in enumerate(gallery)
        )
    ProductVariant.objects.bulk_create(variants, batch_size=5000)
    ProductImage.objects.bulk_create(images, batch_size=5000)
    progress.step(f"products: {len(variants)} variants and {len(images)} gallery images")

    backend = get_search_backend()
    ids = [page.pk for page in pages]
    for start in range(0, len(ids), 1000):
        batch = list(
            ProductPage.objects.filter(pk__in=ids[start : start + 1000]).prefetch_related(
                "variants"
            )
        )
        backend.add_bulk(ProductPage, batch)
        progress.count("products: indexed for search", start + len(batch), len(ids), every=1000)
    return len(pages)


# Home page, landing pages and settings -------------------------------------------------------


def ensure_home_content(home: HomePage, shop: ShopIndexPage, pool) -> None:
    if home.body:
        return
    tops = list(CategoryPage.objects.child_of(shop).live().order_by("path")[:4])
    picks = list(
        ProductPage.objects.live().filter(featured=True).order_by("-first_published_at")[:8]
    )
    dresses = CategoryPage.objects.child_of(shop).filter(slug="dresses").first()
    story = LandingPage.objects.child_of(home).filter(slug="our-story").first()
    if story is None:
        story = publish(
            home.add_child(
                instance=LandingPage(
                    title="Our story",
                    slug="our-story",
                    show_in_menus=True,
                    body=[
                        (
                            "hero",
                            {
                                "image": pool[("banner", "studio")],
                                "image_alt": "Dresses in warm colours on a clothes rail",
                                "heading": "Clothes made to be worn, and worn again",
                                "text": "We design in small runs and repair what we sell.",
                                "call_to_action": {"label": "", "page": None, "link_url": ""},
                            },
                        ),
                        (
                            "text",
                            "<h2>Fewer, better things</h2><p>We started The Dress Store "
                            "because we wanted dresses that lasted longer than a season. "
                            "Every piece is cut from fabric we would choose for ourselves "
                            "and sized for real bodies.</p>",
                        ),
                    ],
                )
            )
        )
    home.body = [
        (
            "hero",
            {
                "image": pool[("banner", "rail")],
                "image_alt": "Five dresses in navy, terracotta, blush, sage and camel on a rail",
                "heading": "The summer edit",
                "text": "Linen, silk and easy shapes for long light evenings.",
                "call_to_action": {
                    "label": "Shop dresses",
                    "page": dresses or shop,
                    "link_url": "",
                },
            },
        ),
        (
            "promo_banner",
            {
                "text": "Free shipping on orders over $150, and free returns within 30 days.",
                "link": {"label": "Shop now", "page": shop, "link_url": ""},
                "theme": "accent",
            },
        ),
        ("category_tiles", {"heading": "Shop by category", "categories": tops}),
        ("product_picks", {"heading": "Our favourites this week", "products": picks}),
        (
            "image_with_text",
            {
                "image": pool[("fabric", "Sage")],
                "image_alt": "A close-up of sage green linen",
                "heading": "Fabrics first",
                "text": "<p>We start with the cloth: washed linens, sandwashed silks and cottons that "
                "soften with wear.</p>",
                "link": {"label": "Read our story", "page": story, "link_url": ""},
                "image_position": "left",
            },
        ),
    ]
    home.search_description = "Dresses and everyday clothes, cut to fit and made to last."
    publish(home)


def ensure_settings(shop: ShopIndexPage) -> None:
    store = StoreSettings.load()
    if store.footer_columns:
        return
    store.store_name = "The Dress Store"
    store.announcement = "Free shipping over $150 · Free 30-day returns"
    store.announcement_link = shop
    tops = list(CategoryPage.objects.child_of(shop).live().order_by("path"))
    store.footer_columns = [
        (
            "column",
            {
                "heading": "Shop",
                "links": [{"label": page.title, "page": page, "link_url": ""} for page in tops],
            },
        ),
        (
            "column",
            {
                "heading": "About",
                "links": [
                    {
                        "label": "Our story",
                        "page": LandingPage.objects.filter(slug="our-story").first(),
                        "link_url": "",
                    },
                    {
                        "label": "Sitemap",
                        "page": None,
                        "link_url": f"{settings.SITE_URL}/sitemap.xml",
                    },
                ],
            },
        ),
    ]
    store.social_links = [
        ("link", {"network": "instagram", "url": "https://www.instagram.com/"}),
        ("link", {"network": "pinterest", "url": "https://www.pinterest.com/"}),
    ]
    store.save()
