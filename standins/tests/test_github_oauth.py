"""The GitHub stand-in, driven over HTTP the way a browser and allauth drive github.com."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from bs4 import BeautifulSoup

from standins.github_oauth import GitHubStandIn, GitHubUser
from testing.http import fetch

CALLBACK = "http://testserver/accounts/github/login/callback/"
ADA = GitHubUser(
    login="ada",
    id=583231,
    name="Ada Lovelace",
    emails=[
        {"email": "ada@example.com", "primary": True, "verified": True, "visibility": "public"},
        {"email": "ada@work.example", "primary": False, "verified": False, "visibility": None},
    ],
    avatar_url="http://127.0.0.1/avatar.png",
)


@pytest.fixture
def github():
    with GitHubStandIn() as standin:
        standin.sign_in_as(ADA)
        yield standin


def authorize_params(github: GitHubStandIn, **extra: str) -> dict[str, str]:
    return {
        "client_id": github.client_id,
        "redirect_uri": CALLBACK,
        "scope": "user:email",
        "state": "st4te",
        "response_type": "code",
        **extra,
    }


def redirect_query(github: GitHubStandIn, decision: str, **extra: str) -> dict[str, str]:
    """POST the consent form and return the query string of the redirect back to the store."""
    data = {**authorize_params(github, **extra), "decision": decision}
    status, headers, _ = fetch(f"{github.url}/login/oauth/authorize", data=data)
    assert status == 302
    location = urlsplit(headers["Location"])
    assert location._replace(query="").geturl() == CALLBACK
    return {key: values[0] for key, values in parse_qs(location.query).items()}


def exchange(github: GitHubStandIn, code: str, *, json_reply: bool = True, **extra: str) -> dict:
    data = {
        "client_id": github.client_id,
        "client_secret": github.client_secret,
        "code": code,
        "redirect_uri": CALLBACK,
        "grant_type": "authorization_code",
        **extra,
    }
    headers = {"Accept": "application/json"} if json_reply else {}
    status, _, body = fetch(f"{github.url}/login/oauth/access_token", data=data, headers=headers)
    assert status == 200  # GitHub answers errors with 200 too.
    return json.loads(body) if json_reply else {k: v[0] for k, v in parse_qs(body).items()}


def token_for(github: GitHubStandIn) -> str:
    return exchange(github, redirect_query(github, "allow")["code"])["access_token"]


def api(github: GitHubStandIn, path: str, authorization: str) -> tuple[int, Any]:
    status, _, body = fetch(f"{github.url}/api/v3{path}", headers={"Authorization": authorization})
    return status, json.loads(body)


def test_authorize_page_asks_the_signed_in_user(github):
    status, headers, body = fetch(
        f"{github.url}/login/oauth/authorize?{urlencode(authorize_params(github))}"
    )

    assert (status, headers.get_content_type()) == (200, "text/html")
    page = BeautifulSoup(body, "html.parser")
    assert page.h1.get_text() == "Authorize The Dress Store"
    assert page.strong.get_text() == "ada"
    # The form posts every authorize parameter back, with the shopper's decision
    form = page.form
    assert (form["method"], form["action"]) == ("post", "/login/oauth/authorize")
    assert {field["name"]: field["value"] for field in form.select("input[type=hidden]")} == (
        authorize_params(github)
    )
    assert [(button["value"], button.get_text()) for button in form.select("button")] == [
        ("deny", "Cancel"),
        ("allow", "Authorize"),
    ]


def test_authorize_page_for_an_unknown_client_is_not_found(github):
    query = urlencode(authorize_params(github, client_id="someone-else"))

    status, _, _ = fetch(f"{github.url}/login/oauth/authorize?{query}")

    assert status == 404


def test_authorize_page_without_a_signed_in_user():
    with GitHubStandIn() as github:
        query = urlencode(authorize_params(github))
        status, _, body = fetch(f"{github.url}/login/oauth/authorize?{query}")

    assert status == 200
    assert "Not signed in to the GitHub stand-in" in body
    assert "Authorize</button>" not in body


def test_allow_redirects_back_with_a_code_and_the_state(github):
    query = redirect_query(github, "allow")

    assert set(query) == {"code", "state"}
    assert query["state"] == "st4te"
    assert len(query["code"]) == 20


def test_deny_redirects_back_with_access_denied(github):
    query = redirect_query(github, "deny")

    assert query["error"] == "access_denied"
    assert query["error_description"] == "The user has denied your application access."
    assert query["state"] == "st4te"
    assert "code" not in query


def test_redirect_keeps_the_callbacks_own_query(github):
    data = {
        **authorize_params(github, redirect_uri=f"{CALLBACK}?next=/basket/"),
        "decision": "allow",
    }

    _, headers, _ = fetch(f"{github.url}/login/oauth/authorize", data=data)

    query = parse_qs(urlsplit(headers["Location"]).query)
    assert query["next"] == ["/basket/"]
    assert query["state"] == ["st4te"]


def test_token_exchange_answers_json_when_asked(github):
    answer = exchange(github, redirect_query(github, "allow")["code"])

    assert answer["access_token"].startswith("gho_")
    assert answer["token_type"] == "bearer"
    assert answer["scope"] == "user:email"


def test_token_exchange_answers_form_encoded_by_default(github):
    answer = exchange(github, redirect_query(github, "allow")["code"], json_reply=False)

    assert answer["access_token"].startswith("gho_")
    assert answer["token_type"] == "bearer"


def test_a_code_is_single_use(github):
    code = redirect_query(github, "allow")["code"]
    exchange(github, code)

    answer = exchange(github, code)

    assert answer["error"] == "bad_verification_code"
    assert answer["error_description"] == "The code passed is incorrect or expired."
    assert answer["error_uri"].startswith("https://docs.github.com/")
    assert "access_token" not in answer


def test_errors_are_form_encoded_without_the_json_accept_header(github):
    answer = exchange(github, "not-a-code", json_reply=False)

    assert answer["error"] == "bad_verification_code"


def test_wrong_client_secret_is_refused(github):
    code = redirect_query(github, "allow")["code"]

    answer = exchange(github, code, client_secret="guessed")

    assert answer["error"] == "incorrect_client_credentials"


def test_code_is_bound_to_its_redirect_uri(github):
    code = redirect_query(github, "allow")["code"]

    answer = exchange(github, code, redirect_uri="http://evil.example/callback/")

    assert answer["error"] == "redirect_uri_mismatch"


def test_pkce_verifier_must_match_the_challenge(github):
    verifier = "a-verifier-long-enough-to-be-a-real-one-43-chars"
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    pkce = {"code_challenge": challenge.rstrip(b"=").decode(), "code_challenge_method": "S256"}

    wrong = exchange(github, redirect_query(github, "allow", **pkce)["code"], code_verifier="x")
    right = exchange(
        github, redirect_query(github, "allow", **pkce)["code"], code_verifier=verifier
    )

    assert wrong["error"] == "bad_verification_code"
    assert right["access_token"].startswith("gho_")


@pytest.mark.parametrize("scheme", ["token", "Bearer"])
def test_user_with_the_token(github, scheme):
    status, user = api(github, "/user", f"{scheme} {token_for(github)}")

    assert status == 200
    assert user["login"] == "ada"
    assert user["id"] == 583231
    assert user["name"] == "Ada Lovelace"
    assert user["email"] == "ada@example.com"
    assert user["type"] == "User"
    assert user["avatar_url"] == "http://127.0.0.1/avatar.png"
    assert user["html_url"] == f"{github.url}/ada"
    assert user["node_id"] == base64.b64encode(b"04:User583231").decode()


def test_user_email_is_null_when_the_primary_is_private(github):
    github.sign_in_as(GitHubUser(login="bo", id=2, name="Bo", emails=[
        {"email": "bo@example.com", "primary": True, "verified": True, "visibility": "private"},
    ]))  # fmt: skip

    _, user = api(github, "/user", f"token {token_for(github)}")

    assert user["email"] is None


def test_user_emails_with_the_token(github):
    status, emails = api(github, "/user/emails", f"token {token_for(github)}")

    assert status == 200
    assert emails == ADA.emails


@pytest.mark.parametrize("path", ["/user", "/user/emails"])
@pytest.mark.parametrize("authorization", ["token gho_wrong", "Basic Zm9vOmJhcg==", ""])
def test_api_refuses_a_bad_token(github, path, authorization):
    status, answer = api(github, path, authorization)

    assert status == 401
    assert answer == {
        "message": "Bad credentials",
        "documentation_url": "https://docs.github.com/rest",
    }


def test_fail_token_exchange(github):
    code = redirect_query(github, "allow")["code"]
    github.fail_token_exchange = "bad_verification_code"

    answer = exchange(github, code)

    assert answer["error"] == "bad_verification_code"
    assert "access_token" not in answer


def test_fail_api(github):
    token = token_for(github)
    github.fail_api = 500

    status, answer = api(github, "/user", f"token {token}")

    assert status == 500
    assert answer["message"] == "Server Error"


def test_requests_are_recorded_without_their_query(github):
    token_for(github)

    assert github.requests == [
        ("POST", "/login/oauth/authorize"),
        ("POST", "/login/oauth/access_token"),
    ]


def test_unknown_paths_are_not_found(github):
    status, _, body = fetch(f"{github.url}/api/v3/repos")

    assert status == 404
    assert json.loads(body) == {"message": "Not Found"}
