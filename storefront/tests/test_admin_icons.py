"""Every icon our admin code names is one Wagtail ships: a name it does not know renders as an
empty square beside a menu item or a heading (issue 11, seen as "undo" on Returns)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from wagtail.admin.icons import get_icons

# Where our code names an icon: Python (viewsets, views, menu items, blocks, settings) and
# templates (`{% icon name="..." %}`).
ICON_NAMED = re.compile(
    r"""(?:\bicon_name|\bheader_icon|\bmenu_icon|\bicon)\s*=\s*["']([\w-]+)["']"""
    r"""|\{%\s*icon\s+name=["']([\w-]+)["']"""
)
SKIPPED = {".venv", "node_modules", "tests", "migrations", "staticfiles", "media", ".git"}


def our_sources() -> list[Path]:
    root = Path(settings.BASE_DIR)
    return [
        path
        for pattern in ("*.py", "*.html")
        for path in root.rglob(pattern)
        if not SKIPPED.intersection(path.relative_to(root).parts)
    ]


def icons_named_in_our_code() -> dict[str, set[str]]:
    named: dict[str, set[str]] = {}
    for path in our_sources():
        for match in ICON_NAMED.finditer(path.read_text(encoding="utf-8")):
            name = match.group(1) or match.group(2)
            named.setdefault(name, set()).add(str(path.relative_to(settings.BASE_DIR)))
    return named


def wagtails_icons() -> set[str]:
    return set(re.findall(r'<symbol[^>]*\bid="icon-([\w-]+)"', get_icons()))


def test_the_scan_finds_the_icons_we_know_of():
    # The scan would pass vacuously if it found nothing: it sees the Stock menu's and the
    # product picks block's icons.
    named = icons_named_in_our_code()
    assert "catalog/admin_views.py" in named["tasks"]
    assert "home/blocks.py" in named["tag"]
    # And the sprite is read: Wagtail's own "tasks" and "rotate" are among its icons.
    assert {"tasks", "rotate"} <= wagtails_icons()


@pytest.mark.parametrize("name", sorted(icons_named_in_our_code()))
def test_every_icon_our_code_names_is_wagtails(name):
    assert name in wagtails_icons(), (
        f"Wagtail has no icon {name!r} (used in {sorted(icons_named_in_our_code()[name])})"
    )
