"""The header cookies (storefront/personal.py): `ds_in` and `ds_basket` follow the session on every
response that read it, with the session cookie's lifetime and flags; a page rendered for Nginx
(X-SSI: on) reads neither the session nor those cookies, and carries the SSI that shows them;
messages keep Django's cookie storage and show inline, once."""

import pytest
from django.urls import reverse

from accounts.tests.factories import PASSWORD, UserFactory
from storefront.personal import BASKET_COOKIE, SIGNED_IN_COOKIE

pytestmark = pytest.mark.django_db
SSI = {"HTTP_X_SSI": "on"}


def add(client, variant, quantity="1"):
    """Add to the basket as the product page's form does; the redirect is not followed."""
    return client.post(
        reverse("checkout:basket_add"),
        {"variant": str(variant.pk), "quantity": quantity},
        HTTP_SEC_FETCH_SITE="same-origin",
        HTTP_REFERER="http://testserver/shop/",
    )


def header_cookies(response) -> dict:
    """What the response does to the header cookies: the value set, or None when deleted."""
    return {
        name: (None if morsel["max-age"] == 0 else morsel.value)
        for name, morsel in response.cookies.items()
        if name in (SIGNED_IN_COOKIE, BASKET_COOKIE)
    }


def test_adding_to_the_basket_sets_the_count_on_the_redirect(client, dress, settings):
    settings.SESSION_COOKIE_SECURE = True
    # When a guest adds two pieces
    response = add(client, dress, "2")

    # Then the redirect carries the count, as long-lived and as guarded as the session cookie
    assert response.status_code == 302
    assert header_cookies(response) == {BASKET_COOKIE: "2"}
    count, session = response.cookies[BASKET_COOKIE], response.cookies["sessionid"]
    assert count["max-age"] == session["max-age"] == settings.SESSION_COOKIE_AGE
    assert count["secure"] is True
    assert count["httponly"] is True
    assert count["samesite"] == session["samesite"] == "Lax"
    assert count["path"] == "/"
    assert "private" in response["Cache-Control"]

    # When they add one more, the count follows
    assert header_cookies(add(client, dress, "1")) == {BASKET_COOKIE: "3"}


def test_signing_in_and_out_follows_the_session(client, dress):
    user = UserFactory(email="bea@example.com")
    # Given a guest with a piece in the basket
    add(client, dress)

    # When she signs in, the signed-in cookie comes with the sign-in's redirect
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert header_cookies(response)[SIGNED_IN_COOKIE] == "1"
    assert client.cookies[BASKET_COOKIE].value == "1"

    # When she signs out, both go: the session no longer has a user, nor a basket
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert header_cookies(response) == {SIGNED_IN_COOKIE: None, BASKET_COOKIE: None}


def test_a_cookie_that_matches_is_not_sent_again_and_a_forged_one_is_corrected(client, dress):
    # Given a guest whose cookie matches her basket
    add(client, dress)

    # When a page that reads the session answers, it sends no header cookie
    response = client.get(reverse("checkout:basket"))
    assert response.status_code == 200
    assert header_cookies(response) == {}

    # When she forges her count, the next page that reads the session puts it right
    client.cookies[BASKET_COOKIE] = "<script>"
    client.cookies[SIGNED_IN_COOKIE] = "1"
    response = client.get(reverse("checkout:basket"))
    assert header_cookies(response) == {BASKET_COOKIE: "1", SIGNED_IN_COOKIE: None}


def test_a_response_that_does_not_read_the_session_leaves_the_cookies_alone(client, category):
    client.cookies[BASKET_COOKIE] = "4"
    response = client.get(category.url, **SSI)
    assert response.status_code == 200
    assert not response.cookies


def test_a_page_for_nginx_reads_no_session_and_carries_the_header_as_ssi(client, ann, category):
    # Given a signed-in shopper with a basket count in her session
    session = client.session
    session["basket_count"] = 5
    session.save()

    # When Nginx asks for a category page for her
    response = client.get(category.url, **SSI)

    # Then the page could be anybody's: no session read, no cookie, not private
    assert response.status_code == 200
    assert "Cookie" not in response.get("Vary", "")
    assert "private" not in response.get("Cache-Control", "")
    assert not response.cookies
    page = response.content.decode()
    assert '<!--# if expr="$dress_store_signed_in" -->' in page
    assert "<!--# else -->" in page
    assert "<!--# endif -->" in page
    assert "Account" in page
    assert "Sign in" in page
    assert '<!--# echo var="dress_store_basket_count" default="0" encoding="entity" -->' in page
    assert ">5<" not in page

    # And without Nginx the same page is hers alone, with her header inline
    response = client.get(category.url)
    assert "private" in response["Cache-Control"]
    page = response.content.decode()
    assert "<!--#" not in page
    assert "Account" in page
    assert "Sign in" not in page
    assert "data-basket-count>5<" in page


def test_a_message_shows_inline_on_a_page_for_nginx_once(client, dress, category):
    # Given a guest who just added a piece: the message waits in a cookie, not the session
    response = add(client, dress)
    assert "messages" in response.cookies
    assert "_messages" not in client.session

    # When Nginx sends on the page she is redirected to (its cache bypassed by the cookie)
    response = client.get(category.url, **SSI)

    # Then the message is in it, and the cookie is taken off, so the page is stored nowhere
    assert "Added to your basket: Wrap Dress, M, Black." in response.content.decode()
    assert response.cookies["messages"]["max-age"] == 0
    assert "private" in response["Cache-Control"]

    # And the next view has it no more
    response = client.get(category.url, **SSI)
    assert "Added to your basket" not in response.content.decode()
    assert not response.cookies


def test_the_cookies_live_as_long_as_the_session_cookie(rf, settings):
    from django.contrib.sessions.backends.db import SessionStore
    from django.http import HttpResponse

    from storefront.personal import sync_header_cookies

    # Given a request whose count cookie matches its session
    request = rf.get("/", HTTP_COOKIE=f"{BASKET_COOKIE}=2")
    request.session = SessionStore()
    request.session["basket_count"] = 2

    # When the response leaves the session cookie alone, the count cookie is not sent again
    response = HttpResponse()
    sync_header_cookies(request, response)
    assert not response.cookies

    # When the response renews the session cookie, the count cookie is renewed with it
    response.set_cookie(settings.SESSION_COOKIE_NAME, "renewed", max_age=60)
    sync_header_cookies(request, response)
    assert response.cookies[BASKET_COOKIE].value == "2"
    assert response.cookies[BASKET_COOKIE]["max-age"] == settings.SESSION_COOKIE_AGE
