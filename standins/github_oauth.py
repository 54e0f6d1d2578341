"""
A local stand-in for GitHub's OAuth web flow and the two REST endpoints allauth reads.

GitHub can't be reached from our machines, so tests point allauth's GitHub provider at this
server through the ``GITHUB_URL`` provider setting. allauth then drives it with its own code: a
browser redirect to ``/login/oauth/authorize``, a server-side POST to
``/login/oauth/access_token`` and two calls under ``/api/v3``. The answers follow github.com,
quirks included (token errors come back with status 200, in the format the client asked for), so a
test that passes here goes through the same branches as production.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import secrets
import threading
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

DOCS = "https://docs.github.com"
OAUTH_APP_DOCS = f"{DOCS}/apps/oauth-apps/maintaining-oauth-apps"
TOKEN_ERRORS_URI = f"{OAUTH_APP_DOCS}/troubleshooting-oauth-app-access-token-request-errors"
TOKEN_ERRORS = {
    "bad_verification_code": "The code passed is incorrect or expired.",
    "incorrect_client_credentials": "The client_id and/or client_secret passed are incorrect.",
    "redirect_uri_mismatch": (
        "The redirect_uri MUST match the registered callback URL for this application."
    ),
}
ACCESS_DENIED = {
    "error": "access_denied",
    "error_description": "The user has denied your application access.",
    "error_uri": f"{OAUTH_APP_DOCS}/troubleshooting-authorization-request-errors#access-denied",
}

PAGE = """<!doctype html>
<html lang="en"><meta charset="utf-8"><title>{title}</title>
<body>{body}</body></html>
"""
CONSENT = """<h1>Authorize {app_name}</h1>
<p>{app_name} wants to access your GitHub account <strong>{login}</strong>.</p>
<form method="post" action="/login/oauth/authorize">{hidden}
<button type="submit" name="decision" value="deny">Cancel</button>
<button type="submit" name="decision" value="allow">Authorize</button>
</form>"""


@dataclass
class GitHubUser:
    """A GitHub account; ``emails`` has the shape GitHub's ``GET /user/emails`` answers."""

    login: str
    id: int
    name: str
    emails: list[dict] = field(default_factory=list)
    avatar_url: str = ""

    @property
    def public_email(self) -> str | None:
        """GitHub's ``email`` field: the primary address, and only if the user made it public."""
        for email in self.emails:
            if email.get("primary") and email.get("visibility") == "public":
                return email["email"]
        return None


@dataclass(frozen=True)
class _Grant:
    """What an authorization code stands for, so the token step can check who redeems it."""

    user: GitHubUser
    client_id: str
    redirect_uri: str
    scope: str
    code_challenge: str = ""
    code_challenge_method: str = ""

    def verifies(self, code_verifier: str) -> bool:
        """PKCE (RFC 7636): allauth sends a challenge when ``OAUTH_PKCE_ENABLED`` is on."""
        if not self.code_challenge:
            return True
        if self.code_challenge_method == "S256":
            digest = hashlib.sha256(code_verifier.encode()).digest()
            code_verifier = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        return secrets.compare_digest(code_verifier, self.code_challenge)


class GitHubStandIn:
    """
    A GitHub OAuth app and its users, served over HTTP from a daemon thread.

    The port is bound on construction, so ``url`` is known before ``start()``: allauth reads
    ``GITHUB_URL`` when its GitHub views module is first imported, not on every request.
    """

    app_name = "The Dress Store"

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        client_id: str = "standin-client-id",
        client_secret: str = "standin-client-secret",  # noqa: S107 -- a test fixture, not a secret.
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.fail_token_exchange: str | None = None
        self.fail_api: int | None = None
        self.requests: list[tuple[str, str]] = []
        # Handler threads share these; single dict and list operations are atomic in CPython.
        self._user: GitHubUser | None = None
        self._grants: dict[str, _Grant] = {}
        self._tokens: dict[str, GitHubUser] = {}
        self._server = ThreadingHTTPServer((host, port), _Handler)
        self._server.standin = self  # type: ignore[attr-defined]
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The base URL to use as allauth's ``GITHUB_URL``."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> GitHubStandIn:
        # A short poll keeps stop() quick: shutdown() waits for the loop's next poll.
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="github-standin",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> GitHubStandIn:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def sign_in_as(self, user: GitHubUser) -> None:
        """Who the authorize page acts for, as a browser session at github.com would decide."""
        self._user = user

    @property
    def signed_in_user(self) -> GitHubUser | None:
        return self._user

    def _issue_code(self, user: GitHubUser, params: dict[str, str]) -> str:
        code = secrets.token_hex(10)
        grant = _Grant(
            user=user,
            client_id=params["client_id"],
            redirect_uri=params["redirect_uri"],
            scope=",".join(params.get("scope", "").replace(",", " ").split()),
            code_challenge=params.get("code_challenge", ""),
            code_challenge_method=params.get("code_challenge_method", "plain"),
        )
        self._grants[code] = grant
        return code

    def _redeem_code(self, code: str) -> _Grant | None:
        """Codes are single use: redeeming one, rightly or wrongly, spends it."""
        return self._grants.pop(code, None)

    def _issue_token(self, user: GitHubUser) -> str:
        token = f"gho_{secrets.token_hex(18)}"
        self._tokens[token] = user
        return token

    def _user_for(self, authorization: str) -> GitHubUser | None:
        """GitHub takes ``token <t>`` (what allauth sends) as well as ``Bearer <t>``."""
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() not in ("token", "bearer"):
            return None
        return self._tokens.get(token.strip())


class _Handler(BaseHTTPRequestHandler):
    """Routes each request to the endpoint method; all state lives on the ``GitHubStandIn``."""

    routes = {
        ("GET", "/login/oauth/authorize"): "authorize_page",
        ("POST", "/login/oauth/authorize"): "authorize_decision",
        ("POST", "/login/oauth/access_token"): "access_token",
        ("GET", "/api/v3/user"): "api_user",
        ("GET", "/api/v3/user/emails"): "api_user_emails",
    }

    @property
    def standin(self) -> GitHubStandIn:
        return self.server.standin  # type: ignore[attr-defined]

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        path = url.path.rstrip("/") or "/"
        self.standin.requests.append((self.command, path))
        params = dict(parse_qsl(url.query, keep_blank_values=True))
        if self.command == "POST":
            params.update(self.read_body())
        endpoint = self.routes.get((self.command, path))
        if endpoint is None:
            self.send_json(HTTPStatus.NOT_FOUND, {"message": "Not Found"})
        else:
            getattr(self, endpoint)(params)

    do_POST = do_GET

    def read_body(self) -> dict[str, str]:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        return dict(parse_qsl(body, keep_blank_values=True))

    # Endpoints.

    def authorize_page(self, params: dict[str, str]) -> None:
        if not (user := self.consenting_user(params)):
            return
        # The form carries every authorize parameter (state, PKCE, ...) over to its POST.
        hidden = "".join(
            f'\n<input type="hidden" name="{html.escape(name)}" value="{html.escape(value)}">'
            for name, value in params.items()
        )
        body = CONSENT.format(
            app_name=self.standin.app_name, login=html.escape(user.login), hidden=hidden
        )
        self.send_page(HTTPStatus.OK, f"Authorize {self.standin.app_name}", body)

    def authorize_decision(self, params: dict[str, str]) -> None:
        """The consent form's POST; tests without a browser post ``decision`` directly."""
        if not (user := self.consenting_user(params)):
            return
        if params.get("decision") == "allow":
            answer = {"code": self.standin._issue_code(user, params)}
        else:
            answer = dict(ACCESS_DENIED)
        if params.get("state"):
            answer["state"] = params["state"]
        self.send_redirect(_with_query(params["redirect_uri"], answer))

    def consenting_user(self, params: dict[str, str]) -> GitHubUser | None:
        """The signed-in user, or None once the reason GitHub wouldn't ask them was answered."""
        if params.get("client_id") != self.standin.client_id:
            self.send_page(HTTPStatus.NOT_FOUND, "Page not found", "<h1>404</h1>")
        elif not params.get("redirect_uri"):
            # GitHub would fall back on the app's registered callback URL; the stand-in has none.
            self.send_page(HTTPStatus.BAD_REQUEST, "Bad request", "<h1>redirect_uri needed</h1>")
        elif user := self.standin.signed_in_user:
            return user
        else:
            self.send_page(
                HTTPStatus.OK, "Sign in", "<h1>Not signed in to the GitHub stand-in</h1>"
            )
        return None

    def access_token(self, params: dict[str, str]) -> None:
        standin = self.standin
        if standin.fail_token_exchange:
            error = standin.fail_token_exchange
        elif (params.get("client_id"), params.get("client_secret")) != (
            standin.client_id,
            standin.client_secret,
        ):
            error = "incorrect_client_credentials"
        else:
            grant = standin._redeem_code(params.get("code", ""))
            if grant is None or grant.client_id != params["client_id"]:
                error = "bad_verification_code"
            elif params.get("redirect_uri", grant.redirect_uri) != grant.redirect_uri:
                error = "redirect_uri_mismatch"
            elif not grant.verifies(params.get("code_verifier", "")):
                error = "bad_verification_code"
            else:
                token = standin._issue_token(grant.user)
                self.send_token_answer(
                    {"access_token": token, "token_type": "bearer", "scope": grant.scope}
                )
                return
        # GitHub answers a failed exchange with 200; clients must look for "error" in the body.
        description = TOKEN_ERRORS.get(error, "The GitHub stand-in was told to fail this exchange.")
        anchor = error.replace("_", "-")
        self.send_token_answer(
            {
                "error": error,
                "error_description": description,
                "error_uri": f"{TOKEN_ERRORS_URI}#{anchor}",
            }
        )

    def api_user(self, params: dict[str, str]) -> None:
        if user := self.api_caller():
            base = self.standin.url
            node_id = base64.b64encode(f"04:User{user.id}".encode()).decode()
            self.send_json(
                HTTPStatus.OK,
                {
                    "login": user.login,
                    "id": user.id,
                    "node_id": node_id,
                    "avatar_url": user.avatar_url,
                    "url": f"{base}/api/v3/users/{user.login}",
                    "html_url": f"{base}/{user.login}",
                    "type": "User",
                    "site_admin": False,
                    "name": user.name,
                    "email": user.public_email,
                    "created_at": "2020-01-01T00:00:00Z",
                    "updated_at": "2020-01-01T00:00:00Z",
                },
            )

    def api_user_emails(self, params: dict[str, str]) -> None:
        if user := self.api_caller():
            self.send_json(HTTPStatus.OK, [dict(email) for email in user.emails])

    def api_caller(self) -> GitHubUser | None:
        """The token's user, or None once an error (forced or 401) has been answered."""
        if status := self.standin.fail_api:
            self.send_json(status, {"message": "Server Error", "documentation_url": f"{DOCS}/rest"})
            return None
        user = self.standin._user_for(self.headers.get("Authorization", ""))
        if user is None:
            self.send_json(
                HTTPStatus.UNAUTHORIZED,
                {"message": "Bad credentials", "documentation_url": f"{DOCS}/rest"},
            )
        return user

    # Responses.

    def send_token_answer(self, answer: dict[str, str]) -> None:
        """JSON when asked for it, else GitHub's default: a form-encoded body."""
        if "application/json" in self.headers.get("Accept", ""):
            self.send_json(HTTPStatus.OK, answer)
        else:
            self.send(
                HTTPStatus.OK, "application/x-www-form-urlencoded; charset=utf-8", urlencode(answer)
            )

    def send_json(self, status: int, data: Any) -> None:
        self.send(status, "application/json; charset=utf-8", json.dumps(data))

    def send_page(self, status: int, title: str, body: str) -> None:
        self.send(status, "text/html; charset=utf-8", PAGE.format(title=title, body=body))

    def send_redirect(self, location: str) -> None:
        self.send(HTTPStatus.FOUND, "text/html; charset=utf-8", "", location=location)

    def send(self, status: int, content_type: str, body: str, location: str = "") -> None:
        payload = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        if location:
            self.send_header("Location", location)
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read ``GitHubStandIn.requests`` instead of stderr."""


def _with_query(url: str, params: dict[str, str]) -> str:
    """``url`` with ``params`` added to whatever query it already has."""
    parts = urlsplit(url)
    query = "&".join(filter(None, [parts.query, urlencode(params)]))
    return urlunsplit(parts._replace(query=query))
