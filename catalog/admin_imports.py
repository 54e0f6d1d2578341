"""Stock imports in the Wagtail admin, beside the Stock view: upload a CSV or XLSX file, see
what it changes (or, by line, why rows cannot be imported), apply it, and look back at past
imports with their stock moves. What a file may do is `catalog.stock_import`'s to decide; these
views read the upload, call it and show its answers. `wagtail_hooks` registers them."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse, reverse_lazy
from django.utils.functional import cached_property
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from openpyxl import Workbook
from wagtail.admin.ui.tables import Column, DateColumn, Table, TitleColumn, UserColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.coreutils import multigetattr
from wagtail.permission_policies import ModelPermissionPolicy

from . import stock_import
from .admin_forms import StockImportForm
from .models import ProductVariant, StockImport

IMPORT_PERMISSION = "catalog.change_productvariant"
# Longer previews and records show their first rows; the rest are applied (and kept) all the same.
ROWS_SHOWN = 1000
BREADCRUMBS = [
    {"url": reverse_lazy("wagtailadmin_home"), "label": _("Home")},
    {"url": reverse_lazy("stock:index"), "label": _("Stock")},
]


class StockImportPermissionPolicy(ModelPermissionPolicy):
    """Whoever may change stock may import it ("import") and see past imports ("view"). An
    import is a record of what moved: nobody edits or deletes one, and none is made but by
    uploading a file."""

    def user_has_permission(self, user, action):
        return action in ("view", "import") and user.has_perm(IMPORT_PERMISSION)

    def users_with_any_permission(self, actions):
        if {"view", "import"} & set(actions):
            return ModelPermissionPolicy(ProductVariant).users_with_permission("change")
        return get_user_model().objects.none()


def may_import(user) -> bool:
    return StockImportPermissionPolicy(StockImport).user_has_permission(user, "import")


def import_button() -> HeaderButton:
    return HeaderButton(
        gettext("Import stock"), url=reverse("stock_imports:upload"), icon_name="upload"
    )


# Columns ----------------------------------------------------------------------------------------


class ProductColumn(Column):
    """A product's title, linking to its grid of sizes, colours and stock."""

    cell_template_name = "catalog/admin/product_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        product = multigetattr(instance, self.accessor)
        context["value"] = product.title
        context["grid_url"] = reverse("catalog_variant_grid", args=[product.pk])
        return context


class ChangeColumn(Column):
    """A stock change with its sign: +2, -3."""

    def get_value(self, instance):
        return f"{super().get_value(instance):+d}"


def variant_columns() -> list[Column]:
    """Line, SKU, product, size and colour of a row about a variant (`row.variant`)."""
    return [
        Column("line", label=_("Line"), width="1%"),
        Column("sku", label=_("SKU"), accessor="variant.sku"),
        ProductColumn("product", label=_("Product"), accessor="variant.product"),
        Column("size", label=_("Size"), accessor="variant.size.name"),
        Column("colour", label=_("Colour"), accessor="variant.colour.name"),
    ]


def changes_table(changes: list[stock_import.PlannedChange]) -> Table:
    return Table(
        [
            *variant_columns(),
            Column("stock", label=_("Stock now")),
            ChangeColumn("change", label=_("Change")),
            Column("new_stock", label=_("New stock")),
        ],
        changes[:ROWS_SHOWN],
        caption=_("What the file changes"),
    )


def errors_table(errors: list[stock_import.RowError]) -> Table:
    return Table(
        [
            Column("line", label=_("Line"), width="1%"),
            Column("sku", label=_("SKU")),
            Column("message", label=_("What to fix")),
        ],
        errors[:ROWS_SHOWN],
        caption=_("Rows that cannot be imported"),
    )


# Upload, preview, apply -----------------------------------------------------------------------


class ImportViewMixin(PermissionCheckedMixin, WagtailAdminTemplateMixin):
    model = StockImport
    permission_required = "import"
    header_icon = "upload"

    def get_breadcrumbs_items(self):
        return [
            *BREADCRUMBS,
            {"url": reverse("stock_imports:index"), "label": gettext("Stock imports")},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]


class StockImportUploadView(ImportViewMixin, FormView):
    """The file to import; a file with bad rows comes back here, its rows listed by line."""

    template_name = "catalog/admin/stock_import_upload.html"
    form_class = StockImportForm
    page_title = _("Import stock")

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            sheet = stock_import.read_file(upload.read(), file_name=upload.name)
        except stock_import.ImportFileError as error:
            form.add_error("file", error.message)
            return self.form_invalid(form)
        result = stock_import.preview(sheet)
        if result.errors:
            return self.render_to_response(
                self.get_context_data(form=self.get_form_class()(), preview=result), status=400
            )
        saved = stock_import.save_preview(result, by=self.request.user)
        return redirect("stock_imports:preview", saved.pk)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        result = context.get("preview")
        if result is not None:
            context.update(
                errors_table=errors_table(result.errors),
                changes_table=changes_table(result.changes),
                error_lines=len({error.line for error in result.errors}),
            )
        context.update(
            action_url=reverse("stock_imports:upload"),
            rows_shown=ROWS_SHOWN,
            template_urls={
                fmt: reverse("stock_imports:template", args=[fmt]) for fmt in ("csv", "xlsx")
            },
        )
        return context


class StockImportPreviewView(ImportViewMixin, TemplateView):
    """A saved preview, its changes, and the button that applies them."""

    template_name = "catalog/admin/stock_import_preview.html"
    page_title = _("Preview")

    @cached_property
    def object(self) -> StockImport:
        # Someone else's preview is not there for this user.
        return get_object_or_404(StockImport, pk=self.kwargs["pk"], by=self.request.user.pk)

    def get(self, request, pk: int):
        if self.object.applied_at is not None:
            return redirect("stock_imports:inspect", self.object.pk)
        return self.render_to_response(self.get_context_data())

    def post(self, request, pk: int):
        try:
            applied = stock_import.apply_import(import_id=self.object.pk, by=request.user)
        except stock_import.ImportRefused as refusal:
            messages.error(request, refusal.message)
            return redirect("stock_imports:preview", self.object.pk)
        messages.success(request, applied_message(applied))
        if applied.stopped_at_zero:
            messages.warning(request, stopped_at_zero_message(applied))
        return redirect("stock_imports:inspect", self.object.pk)

    def get_page_subtitle(self):
        return self.object.file_name

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        changes = stock_import.planned_changes(self.object, rows=self.object.changes[:ROWS_SHOWN])
        context.update(
            stock_import=self.object,
            changes_table=changes_table(changes),
            rows_shown=ROWS_SHOWN,
            expired=stock_import.is_expired(self.object),
            setting=self.object.kind == StockImport.Kind.SET,
        )
        return context


def applied_message(applied: stock_import.AppliedImport) -> str:
    return ngettext(
        "Stock imported from %(file)s: %(count)d variant changed.",
        "Stock imported from %(file)s: %(count)d variants changed.",
        len(applied.moves),
    ) % {"file": applied.stock_import.file_name, "count": len(applied.moves)}


def stopped_at_zero_message(applied: stock_import.AppliedImport) -> str:
    lines = ", ".join(str(change.line) for change in applied.stopped_at_zero)
    return ngettext(
        "Line %(lines)s took away more than was left (pieces sold since the preview): "
        "its stock stopped at zero.",
        "Lines %(lines)s took away more than was left (pieces sold since the preview): "
        "their stock stopped at zero.",
        len(applied.stopped_at_zero),
    ) % {"lines": lines}


def import_template(request, file_format: str) -> HttpResponse:
    """An empty sheet with the columns an import reads, to fill in."""
    if not may_import(request.user):
        raise PermissionDenied
    headings = [gettext("SKU"), gettext("Stock")]
    if file_format == "csv":
        out = io.StringIO()
        csv.writer(out).writerow(headings)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    elif file_format == "xlsx":
        workbook = Workbook()
        workbook.active.title = gettext("Stock")
        workbook.active.append(headings)
        out = io.BytesIO()
        workbook.save(out)
        response = HttpResponse(
            out.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="stock-import.{file_format}"'
    return response


# The record -------------------------------------------------------------------------------------


class StockImportIndexView(IndexView):
    def get_base_queryset(self):
        # Only applied imports are records; a preview never applied is no one's business.
        return StockImport.objects.exclude(applied_at=None).select_related("by").defer("changes")

    @cached_property
    def header_buttons(self):
        return [*super().header_buttons, import_button()]


class StockImportInspectView(InspectView):
    """An applied import: who, when, which file, and the stock moves it made."""

    template_name = "catalog/admin/stock_import_inspect.html"

    def get_page_title(self):
        return gettext("Stock import")

    def get(self, request, *args, **kwargs):
        if self.object.applied_at is None:
            if self.object.by_id != request.user.pk:
                raise Http404
            return redirect("stock_imports:preview", self.object.pk)
        return super().get(request, *args, **kwargs)

    def get_by_display_value(self):
        user = self.object.by
        return (user.get_full_name() or user.email) if user else gettext("A deleted account")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The file's first rows, in its order.
        line_of = {row["variant"]: row["line"] for row in self.object.changes[:ROWS_SHOWN]}
        moves = sorted(
            self.object.moves()
            .filter(variant_id__in=line_of)
            .select_related("variant__product", "variant__size", "variant__colour"),
            key=lambda move: line_of[move.variant_id],
        )
        for move in moves:
            move.line = line_of[move.variant_id]
        context.update(
            moves_table=Table(
                [
                    *variant_columns(),
                    ChangeColumn("change", label=_("Change")),
                    Column("stock_after", label=_("Stock after")),
                ],
                moves,
                caption=_("Stock moves of this import"),
            ),
            move_count=self.object.moves().count(),
            rows_shown=ROWS_SHOWN,
        )
        return context


class StockImportViewSet(ModelViewSet):
    """Past imports (applied ones), each with its moves; and the way to import, which is not a
    form of the model but an upload, a preview and a confirmation."""

    model = StockImport
    icon = "upload"
    url_prefix = "stock/imports"
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = StockImportIndexView
    inspect_view_class = StockImportInspectView
    inspect_view_fields = [
        "file_name",
        "kind",
        "change_count",
        "unchanged_count",
        "by",
        "previewed_at",
        "applied_at",
    ]
    list_per_page = 50
    list_display = [
        TitleColumn("file_name", label=_("File"), url_name="stock_imports:inspect"),
        Column("kind", label=_("Kind"), accessor="get_kind_display"),
        Column("change_count", label=_("Variants changed")),
        UserColumn("by", label=_("By")),
        DateColumn("applied_at", label=_("Applied"), sort_key="applied_at"),
    ]

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(breadcrumbs_items=BREADCRUMBS, **kwargs)

    def get_urlpatterns(self):
        # No add, edit or delete views: an import is made by uploading and is never changed.
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
            path("upload/", StockImportUploadView.as_view(), name="upload"),
            path("preview/<int:pk>/", StockImportPreviewView.as_view(), name="preview"),
            path("template.<str:file_format>", import_template, name="template"),
        ]

    def get_permissions_to_register(self):
        # The policy above rests on the stock permission; the model's own would do nothing.
        return Permission.objects.none()
