"""The apps import one way (README, Architecture): an app imports only apps of the layers below
its own, so no two apps, and no chain of them, import each other back."""

import ast
from pathlib import Path

from django.conf import settings

# Lowest first. An app may import the apps of the layers before its own, never one of its own
# layer or above; `dress_store` (settings and URLs) puts them all together.
LAYERS = [
    {"storefront"},
    {"mail"},
    {"accounts"},
    {"catalog"},
    {"home", "checkout"},
    {"saved", "returns"},
    {"api"},
    {"demo"},
    {"dress_store"},
]
APPS = set().union(*LAYERS)


def layer_of(app: str) -> int:
    return next(index for index, layer in enumerate(LAYERS) if app in layer)


def imported_apps(module: Path) -> set[str]:
    """The store's apps a module imports, at its top or inside a function."""
    names = set()
    for node in ast.walk(ast.parse(module.read_text(), filename=str(module))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return {name.split(".")[0] for name in names} & APPS


def application_modules(app: str) -> list[Path]:
    return [
        path
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py")
        if not {"tests", "migrations"} & set(path.parts)
    ]


def test_every_app_of_the_store_has_its_layer():
    apps_on_disk = {
        path.parent.name
        for path in Path(settings.BASE_DIR).glob("*/apps.py")
        if path.parent.name in settings.INSTALLED_APPS
    }
    assert apps_on_disk <= APPS


def test_apps_import_only_the_layers_below_them():
    upward = [
        f"{module.relative_to(settings.BASE_DIR)} imports {imported}"
        for app in sorted(APPS)
        for module in application_modules(app)
        for imported in sorted(imported_apps(module) - {app})
        if layer_of(imported) >= layer_of(app)
    ]
    assert upward == []
