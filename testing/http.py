"""HTTP to the servers a test starts (the stand-ins, the deployed stack), without a proxy and
without following redirects: the test looks at where it is sent."""

from __future__ import annotations

import urllib.error
import urllib.request
from typing import Any, NamedTuple
from urllib.parse import urlencode, urljoin

from bs4 import BeautifulSoup


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


# The machines set proxy variables; an empty ProxyHandler keeps 127.0.0.1 direct.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _KeepRedirects)


class Answer(NamedTuple):
    status: int
    headers: Any
    body: str


def fetch(
    url: str,
    *,
    method: str | None = None,
    data: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> Answer:
    """The answer to a GET (a POST when `method="POST"` or `data` is given, the data
    form-encoded), whatever its status: errors and redirects come back as answers too."""
    body = urlencode(data).encode() if data is not None else None
    if method == "POST" and body is None:
        body = b""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with OPENER.open(request, timeout=5) as response:
            return Answer(response.status, response.headers, response.read().decode())
    except urllib.error.HTTPError as error:
        with error:
            return Answer(error.code, error.headers, error.read().decode())


def press(url: str, button: str) -> Answer:
    """Open the page at `url` and press the button labelled `button`: POST its form."""
    page = fetch(url)
    assert page.status == 200, page
    soup = BeautifulSoup(page.body, "html.parser")
    found = soup.find("button", string=lambda text: text and text.strip() == button)
    assert found is not None, f"No button {button!r} on {url}."
    return fetch(urljoin(url, found.find_parent("form")["action"]), method="POST")
