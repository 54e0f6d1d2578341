"""Pages rendered once and shared by shoppers who are not signed in (`catalog.page_cache`): what
is personal in them (the basket count) is rendered as a mark, and each request fills in its own.

A context processor that gives something personal gives its `mark()` while the page is rendered
to be shared (`rendering_to_share`), and the value otherwise. `fill()` puts each request's
values in, from the same context processors. The shared HTML holds marks, never a shopper's
values. Signed-in shoppers' pages (their name, their account) are never shared.
"""

from __future__ import annotations

import re

from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.session import SessionStorage
from django.template import engines
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

SHARING = "_rendering_to_share"
MARK = re.compile(r"<!--personal ([a-z_]+)-->")


def mark(name: str) -> SafeString:
    return mark_safe(f"<!--personal {name}-->")  # noqa: S308 - a fixed comment, no input


def rendering_to_share(request) -> bool:
    return getattr(request, SHARING, False)


def fill(html: str, request) -> str:
    """The shared `html` with this request's values in place of the marks."""
    if "<!--personal " not in html:
        return html
    values: dict = {}
    for processor in engines["django"].engine.template_context_processors:
        values.update(processor(request))
    return MARK.sub(lambda found: str(conditional_escape(values.get(found[1], ""))), html)


def has_message_cookie(request) -> bool:
    return bool(request.COOKIES.get(CookieStorage.cookie_name))  # a cleared one is empty


def has_messages(request) -> bool:
    """Whether one-time messages wait for this request (Django's cookie and session storages),
    without reading them: a page that shows them is not the shared one."""
    if has_message_cookie(request):
        return True
    session = getattr(request, "session", None)
    return bool(session is not None and session.get(SessionStorage.session_key))
