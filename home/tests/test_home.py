"""The home page's blocks, the store's shell (settings, navigation) and the site's basics."""

import subprocess
import sys
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.stock import adjust_stock
from catalog.tasks import warm_product_pictures
from catalog.tests.factories import CategoryPageFactory, ImageFactory
from home import blocks
from home.models import LandingPage, StoreSettings

pytestmark = pytest.mark.django_db


def soup_of(response) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def furnished_home(home_page, shop, category, make_product):
    picks = [make_product(title=f"Pick {n}", price=Decimal("50.00") + n) for n in range(3)]
    image = ImageFactory()
    category.image = image
    category.save()
    home_page.body = [
        (
            "hero",
            {
                "image": image,
                "image_alt": "Dresses on a rail",
                "heading": "The summer edit",
                "text": "Linen for long days.",
                "call_to_action": {"label": "Shop dresses", "page": category, "link_url": ""},
            },
        ),
        ("text", "<h2>Made to last</h2><p>Fewer, better things.</p>"),
        ("product_picks", {"heading": "Favourites", "products": picks}),
        ("category_tiles", {"heading": "Shop by category", "categories": [category]}),
        (
            "promo_banner",
            {
                "text": "Free returns",
                "theme": "dark",
                "link": {
                    "label": "Details",
                    "page": None,
                    "link_url": "https://example.com/returns",
                },
            },
        ),
        (
            "image_with_text",
            {
                "image": image,
                "image_alt": "Linen",
                "heading": "Fabrics first",
                "text": "<p>We start with the cloth.</p>",
                "image_position": "right",
                "link": {"label": "", "page": None, "link_url": ""},
            },
        ),
    ]
    home_page.save_revision().publish()
    return home_page


def test_home_page_renders_every_block(client, furnished_home):
    soup = soup_of(client.get("/"))

    hero = soup.select_one(".hero")
    assert hero.select_one("h2").get_text() == "The summer edit"
    assert hero.select_one("img")["alt"] == "Dresses on a rail"
    assert hero.select_one("a.button")["href"] == "/shop/dresses/"
    assert soup.select_one(".text-block h2").get_text() == "Made to last"
    assert [t.get_text(strip=True) for t in soup.select(".product-card__title")] == [
        "Pick 0",
        "Pick 1",
        "Pick 2",
    ]
    assert soup.select_one(".tile__label").get_text() == "Dresses"
    assert soup.select_one(".promo--dark a")["href"] == "https://example.com/returns"
    assert soup.select_one(".media-text--image-right h2").get_text() == "Fabrics first"


def test_home_page_queries_do_not_grow_with_picks(client, furnished_home, make_product):
    client.get("/")  # caches the store's shell

    # When the body is rendered with three picks, then with eight (each publish is a new
    # revision, so its body is rendered afresh)
    furnished_home.save_revision().publish()
    with CaptureQueriesContext(connection) as three:
        client.get("/")
    more = [make_product(title=f"Extra {n}") for n in range(5)]
    for product in more:
        warm_product_pictures(product.pk)  # as publishing them would
    furnished_home.body[2].value["products"].extend(more)
    furnished_home.save_revision().publish()
    with CaptureQueriesContext(connection) as eight:
        response = client.get("/")

    # Then both take the same number of queries
    assert len(soup_of(response).select(".product-card")) == 8
    assert len(eight) == len(three), "\n".join(q["sql"][:150] for q in eight)

    # And the rendered body is reused until the catalog changes
    with CaptureQueriesContext(connection) as cached:
        again = client.get("/")
    assert again.content == response.content
    assert len(cached) < len(eight)


def test_home_picks_show_a_sale_of_the_last_piece_at_once(
    client, furnished_home, django_capture_on_commit_callbacks
):
    # Given the home page rendered while "Pick 1" had pieces left
    assert not soup_of(client.get("/")).select(".product-card--sold-out")
    pick = furnished_home.body[2].value["products"][1]

    # When its last pieces are sold
    with django_capture_on_commit_callbacks(execute=True):
        adjust_stock(variant_id=pick.variants.get().pk, change=-pick.variants.get().stock)

    # Then the home page marks it sold out
    sold_out = soup_of(client.get("/")).select(".product-card--sold-out .product-card__title")
    assert [title.get_text(strip=True) for title in sold_out] == ["Pick 1"]


@pytest.mark.parametrize(
    "block",
    [
        blocks.HeroBlock(),
        blocks.TextBlock(),
        blocks.ProductPicksBlock(),
        blocks.CategoryTilesBlock(),
        blocks.PromoBannerBlock(),
        blocks.ImageWithTextBlock(),
        blocks.LinkBlock(),
    ],
    ids=lambda block: type(block).__name__,
)
def test_every_block_has_a_template_and_a_preview_that_renders(block, category, make_product):
    ImageFactory()
    make_product(title="Preview Dress")
    CategoryPageFactory(parent=category, title="Preview Category")

    assert block.meta.template.startswith("blocks/")
    assert block.meta.icon
    html = block.render(block.get_preview_value())
    assert html.strip()


def test_link_block_wants_a_page_or_a_url_but_not_both(category):
    link = blocks.LinkBlock()
    with pytest.raises(ValidationError):
        link.clean(
            link.to_python({"label": "Both", "page": category.pk, "link_url": "https://x.example"})
        )
    with pytest.raises(ValidationError):
        link.clean(link.to_python({"label": "Neither", "page": None, "link_url": ""}))
    assert link.clean(
        link.to_python({"label": "Ok", "page": None, "link_url": "https://x.example"})
    )


def test_settings_and_navigation_shape_the_shell(client, home_page, shop, category, settings):
    store = StoreSettings.load()
    store.store_name = "Maison Robe"
    store.announcement = "Free returns for 30 days"
    store.announcement_link = category
    store.footer_columns = [
        (
            "column",
            {
                "heading": "Help",
                "links": [
                    {"label": "Returns", "page": None, "link_url": "https://example.com/returns"}
                ],
            },
        )
    ]
    store.social_links = [("link", {"network": "instagram", "url": "https://instagram.com/maison"})]
    store.save()
    home_page.add_child(
        instance=LandingPage(title="Our story", slug="our-story", show_in_menus=True)
    )

    soup = soup_of(client.get(category.url))

    assert soup.select_one(".brand").get_text() == "Maison Robe"
    assert soup.select_one(".announcement a")["href"] == "/shop/dresses/"
    assert [a.get_text() for a in soup.select(".main-nav a")] == [
        "Shop all",
        "Dresses",
        "Our story",
    ]
    assert soup.select_one(".main-nav a[aria-current]").get_text() == "Dresses"
    assert soup.select_one(".site-footer__column a")["href"] == "https://example.com/returns"
    assert soup.select_one(".social-links a").get_text() == "Instagram"
    assert "Maison Robe" in soup.select_one("title").get_text()


def test_navigation_follows_publishing(client, shop, category, django_capture_on_commit_callbacks):
    assert "Tops" not in soup_of(client.get("/")).select_one(".main-nav").get_text()

    with django_capture_on_commit_callbacks(execute=True):
        tops = CategoryPageFactory(
            parent=shop, title="Tops", slug="tops", show_in_menus=True, live=False
        )
        tops.save_revision().publish()

    assert "Tops" in soup_of(client.get("/")).select_one(".main-nav").get_text()


def test_healthz_reports_database_and_redis(client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_fails_when_redis_is_down(client, settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/0"},
    }
    response = client.get("/healthz/")
    assert response.status_code == 503
    assert response.json()["redis"].startswith("error")
    assert response.json()["database"] == "ok"


def test_robots_and_sitemap(client, category, make_product, settings):
    settings.SITE_URL = "https://shop.example.com"
    product = make_product(title="Mapped Dress")

    robots = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in robots
    assert "Disallow: /checkout/" in robots
    assert "Sitemap: https://shop.example.com/sitemap.xml" in robots

    sitemap = client.get("/sitemap.xml").content.decode()
    assert product.url in sitemap
    assert category.url in sitemap


def test_not_found_page_is_friendly(client, home_page):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one("h1").get_text() == "We couldn’t find that page"
    assert soup.select_one("form[role=search]")["action"] == reverse("search")


def test_server_error_page_needs_no_database_or_context():
    from django.template import loader

    html = loader.get_template("500.html").render()
    assert "Something went wrong on our side" in html


def production_settings(environment: dict) -> subprocess.CompletedProcess:
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "dress_store.settings.production",
        **environment,
    }
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )


def test_production_refuses_to_start_without_its_secrets():
    result = production_settings({})
    assert result.returncode != 0
    assert (
        "The production settings need these environment variables, which are not set: "
        "DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL, REDIS_URL, EMAIL_URL, "
        "DEFAULT_FROM_EMAIL, SITE_URL, STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET"
    ) in result.stderr


def test_production_starts_with_them():
    result = production_settings(
        {
            "DJANGO_SECRET_KEY": "x" * 60,
            "DJANGO_ALLOWED_HOSTS": "shop.example.com",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/dress_store",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            "EMAIL_URL": "smtp://127.0.0.1:25",
            "DEFAULT_FROM_EMAIL": "shop@example.com",
            "SITE_URL": "https://shop.example.com",
            "STRIPE_SECRET_KEY": "sk_live_x",
            "STRIPE_WEBHOOK_SECRET": "whsec_x",
        }
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_pages_carry_a_strict_content_security_policy(client, home_page, settings):
    policy = client.get("/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert "https://checkout.stripe.com" in directives["form-action"]


def test_the_admin_gets_what_wagtail_needs_and_no_more(client, django_user_model):
    admin = django_user_model.objects.create_superuser("boss@example.com", "a long enough password")
    client.force_login(admin)
    policy = client.get("/admin/")["Content-Security-Policy"]
    assert "script-src 'self' 'unsafe-inline'" in policy
    assert "object-src 'none'" in policy
