"""The staff guide (`docs/staff-guide.md`), read inside the Wagtail admin: its Markdown rendered
to HTML on the server, its screenshots (`docs/screenshots/admin/guide-*.png`) served from the
admin, and no other file. The same file reads on GitHub, where its relative image paths work as
they are; here they are pointed at the admin's screenshot URL."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils.text import slugify
from markdown_it import MarkdownIt

DOCS = Path(settings.BASE_DIR) / "docs"
GUIDE = DOCS / "staff-guide.md"
SCREENSHOTS = DOCS / "screenshots" / "admin"
# The only files the admin serves: the guide's own screenshots, by their bare name.
SCREENSHOT_NAME = re.compile(r"guide-[a-z0-9-]+\.png")
# How the guide refers to them, relative to docs/.
SCREENSHOT_SRC = re.compile(r"^screenshots/admin/(" + SCREENSHOT_NAME.pattern + r")$")
# The admin's screens the guide names, written as code: `/admin/stock/`.
ADMIN_PATH = re.compile(r"`(/admin/[^`\s]*)`")


def guide_text() -> str:
    return GUIDE.read_text(encoding="utf-8")


def screenshot_path(name: str) -> Path | None:
    """The screenshot called `name`, if it is one of the guide's and exists; otherwise None
    (nothing else under docs/, and no path of someone's making, is ever served)."""
    if not SCREENSHOT_NAME.fullmatch(name):
        return None
    path = SCREENSHOTS / name
    return path if path.is_file() else None


def screenshots_referenced(text: str | None = None) -> list[str]:
    """The names of the screenshots the guide shows, in order."""
    return [
        match.group(1)
        for token in _images(_parser().parse(text if text is not None else guide_text()))
        if (match := SCREENSHOT_SRC.match(token.attrGet("src") or ""))
    ]


def admin_paths_mentioned(text: str | None = None) -> list[str]:
    """Every admin path the guide names (as code, `/admin/...`), once each, in order."""
    found = ADMIN_PATH.findall(text if text is not None else guide_text())
    return list(dict.fromkeys(found))


def render_guide(text: str | None = None) -> str:
    """The guide as HTML for the admin: headings with ids to link to, screenshots served by the
    admin, raw HTML in the Markdown left out (escaped)."""
    parser = _parser()
    tokens = parser.parse(text if text is not None else guide_text())
    if tokens and tokens[0].type == "heading_open" and tokens[0].tag == "h1":
        tokens = tokens[3:]  # the guide's title: the admin's header shows it already
    for token in _images(tokens):
        if match := SCREENSHOT_SRC.match(token.attrGet("src") or ""):
            token.attrSet("src", reverse("staff_guide_screenshot", args=[match.group(1)]))
            token.attrSet("loading", "lazy")
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag in ("h2", "h3"):
            token.attrSet("id", slugify(tokens[index + 1].content))
    return parser.renderer.render(tokens, parser.options, {})


def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False}).enable("table")


def _images(tokens):
    for token in tokens:
        for child in token.children or ():
            if child.type == "image":
                yield child
