"""The site's plain URLs: health check, robots.txt, the sitemap and the error pages."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

pytestmark = pytest.mark.django_db


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


def test_a_lost_database_is_a_503_to_retry_and_any_other_error_a_500(rf):
    from django.db import OperationalError

    from storefront.views import server_error

    request = rf.get("/basket/")
    try:
        raise OperationalError("terminating connection due to administrator command")
    except OperationalError:
        unavailable = server_error(request)
    try:
        raise ValueError("a bug")
    except ValueError:
        broken = server_error(request)

    assert (unavailable.status_code, unavailable["Retry-After"]) == (503, "30")
    page = BeautifulSoup(unavailable.content, "html.parser")
    assert page.select_one("h1").get_text() == "We will be back in a moment"
    assert "Your basket is safe" in page.select_one("main").get_text()
    assert broken.status_code == 500
    assert "Something went wrong on our side" in broken.content.decode()
