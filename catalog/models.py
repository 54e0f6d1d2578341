"""The catalog as Wagtail pages: a shop index, nested categories and products.

A product's copy, pictures and price are page fields: drafted, previewed, scheduled and
published like any page. Its variants (size x colour, SKU, stock, price override) are not: they
are operational data, which sales change every minute, so they live beside the page rather than
in its revisions, and merchandisers edit them on the product's variant grid
(`catalog.admin_views.VariantGridView`). A preview, an autosave or the publishing of an old
revision can never change them. Stock moves only through `catalog.stock`, which records every
move a person makes (`StockMove`).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.blocks import RichTextBlock
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from .panels import VariantsSummaryPanel
from .permissions import MERCHANDISE_CODENAME, MERCHANDISE_PERMISSION, CatalogPagePermissionTester


class SortedSnippet(models.Model):
    """A small lookup snippet that merchandisers put in order (sizes, colours)."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    slug = models.SlugField(
        _("slug"),
        max_length=40,
        unique=True,
        blank=True,
        help_text=_("Used in filter links. Left blank, it is made from the name."),
    )
    sort_order = models.PositiveIntegerField(_("sort order"), default=0, db_index=True)

    panels = [FieldPanel("name"), FieldPanel("slug")]

    class Meta:
        abstract = True
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:40]
        super().save(*args, **kwargs)

    def clean(self):
        # A name or slug already taken, named beside its field: names compare in any case, and
        # a slug made from the name is checked here rather than failing in the database.
        super().clean()
        others = type(self).objects.exclude(pk=self.pk)
        kind = self._meta.verbose_name
        if same_name := others.filter(name__iexact=self.name).first():
            raise ValidationError(
                {
                    "name": _("There is already a %(kind)s named %(name)s.")
                    % {"kind": kind, "name": same_name.name}
                }
            )
        self.slug = self.slug or slugify(self.name)[:40]
        if not self.slug:
            raise ValidationError({"slug": _("Enter a slug: none can be made from this name.")})
        if same_slug := others.filter(slug=self.slug).first():
            raise ValidationError(
                {
                    "slug": _(
                        "The %(kind)s %(name)s already has the slug %(slug)s: choose another."
                    )
                    % {"kind": kind, "name": same_slug.name, "slug": self.slug}
                }
            )


class Size(SortedSnippet):
    class Meta(SortedSnippet.Meta):
        verbose_name = _("size")
        verbose_name_plural = _("sizes")


class Colour(SortedSnippet):
    swatch = models.CharField(
        _("swatch"),
        max_length=7,
        default="#000000",
        validators=[
            RegexValidator(
                r"^#[0-9a-fA-F]{6}$",
                _("Enter the swatch as a hex colour such as #1A2B3C."),
            )
        ],
        help_text=_("A hex colour such as #1A2B3C, shown as the colour's swatch."),
    )

    panels = [*SortedSnippet.panels, FieldPanel("swatch")]

    class Meta(SortedSnippet.Meta):
        verbose_name = _("colour")
        verbose_name_plural = _("colours")


class SizeGuide(index.Indexed, models.Model):
    title = models.CharField(_("title"), max_length=100, unique=True)
    body = StreamField(
        [
            ("text", RichTextBlock(features=["bold", "italic", "link", "ul", "ol"])),
            ("table", TableBlock()),
        ],
        verbose_name=_("body"),
        help_text=_("Measurements per size, and how to measure."),
    )

    panels = [FieldPanel("title"), FieldPanel("body")]
    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        ordering = ["title"]
        verbose_name = _("size guide")
        verbose_name_plural = _("size guides")

    def __str__(self) -> str:
        return self.title


@register_setting(icon="tasks")
class MerchandisingSettings(BaseGenericSetting):
    low_stock_threshold = models.PositiveIntegerField(
        _("low stock threshold"),
        default=5,
        help_text=_("Variants with this many pieces or fewer show under 'Low stock'."),
    )

    panels = [FieldPanel("low_stock_threshold")]

    class Meta:
        verbose_name = _("merchandising settings")


class ShopIndexPage(Page):
    intro = RichTextField(_("intro"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["catalog.CategoryPage"]
    max_count = 1
    lists_shop = True  # the storefront's "Shop all" link, with its categories in the menu

    class Meta:
        verbose_name = _("shop index")


class CategoryPage(Page):
    intro = RichTextField(_("intro"), blank=True, features=["bold", "italic", "link"])
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown on category tiles."),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("image")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["catalog.ShopIndexPage", "catalog.CategoryPage"]
    subpage_types = ["catalog.CategoryPage", "catalog.ProductPage"]

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def permissions_for_user(self, user):
        return CatalogPagePermissionTester(user, self)


class ProductPage(Page):
    summary = models.TextField(
        _("summary"), max_length=300, help_text=_("One or two sentences for listings and search.")
    )
    description = RichTextField(
        _("description"), blank=True, features=["h3", "bold", "italic", "link", "ul", "ol"]
    )
    price = models.DecimalField(
        _("price"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    compare_at_price = models.DecimalField(
        _("compare-at price"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("The former price, shown struck through when the product is on sale."),
    )
    size_guide = models.ForeignKey(
        SizeGuide,
        verbose_name=_("size guide"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="products",
    )
    featured = models.BooleanField(
        _("featured"), default=False, help_text=_("Featured products come first in picks.")
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("description"),
        InlinePanel("gallery_images", label=_("Gallery image"), min_num=1),
        FieldPanel("size_guide"),
        FieldPanel("featured"),
        MultiFieldPanel(
            [
                FieldPanel("price", permission=MERCHANDISE_PERMISSION),
                FieldPanel("compare_at_price", permission=MERCHANDISE_PERMISSION),
            ],
            heading=_("Pricing"),
            permission=MERCHANDISE_PERMISSION,
        ),
        VariantsSummaryPanel(heading=_("Sizes, colours and stock")),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("description"),
        index.SearchField("category_names"),
        index.SearchField("skus"),
        index.FilterField("price"),
        index.FilterField("featured"),
    ]

    parent_page_types = ["catalog.CategoryPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("product")
        permissions = [
            (MERCHANDISE_CODENAME, _("Can change prices, variants and stock of products")),
        ]

    def permissions_for_user(self, user):
        return CatalogPagePermissionTester(user, self)

    def clean(self):
        super().clean()
        if (
            self.compare_at_price is not None
            and self.price is not None
            and self.compare_at_price <= self.price
        ):
            raise ValidationError(
                {
                    "compare_at_price": _(
                        "The compare-at price must be higher than the price; "
                        "leave it empty when the product is not on sale."
                    )
                }
            )

    @property
    def currency(self) -> str:
        return settings.STORE_CURRENCY

    @property
    def on_sale(self) -> bool:
        return self.compare_at_price is not None and self.compare_at_price > self.price

    def category_names(self) -> str:
        """The names of the categories above this product, for search."""
        return " ".join(CategoryPage.objects.ancestor_of(self).values_list("title", flat=True))

    def skus(self) -> str:
        return " ".join(variant.sku for variant in self.variants.all())


class ProductImage(Orderable):
    product = ParentalKey(ProductPage, related_name="gallery_images", on_delete=models.CASCADE)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    alt_text = models.CharField(
        _("alt text"),
        max_length=250,
        help_text=_("What the photo shows, for shoppers who cannot see it."),
    )

    panels = [FieldPanel("image"), FieldPanel("alt_text")]

    class Meta(Orderable.Meta):
        verbose_name = _("gallery image")


class ProductVariant(Orderable):
    # Not a ParentalKey: variants are not part of the page's revisions (see the module's doc).
    product = models.ForeignKey(ProductPage, related_name="variants", on_delete=models.CASCADE)
    size = models.ForeignKey(
        Size, verbose_name=_("size"), on_delete=models.PROTECT, related_name="variants"
    )
    colour = models.ForeignKey(
        Colour, verbose_name=_("colour"), on_delete=models.PROTECT, related_name="variants"
    )
    sku = models.CharField(_("SKU"), max_length=64, unique=True)
    stock = models.PositiveIntegerField(
        _("stock"),
        default=0,
        help_text=_("Pieces available to sell. Sales made while you edit are not lost."),
    )
    price = models.DecimalField(
        _("price override"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Leave empty to sell at the product's price."),
    )

    class Meta(Orderable.Meta):
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "size", "colour"],
                name="catalog_variant_one_per_size_colour",
                violation_error_message=_(
                    "This product already has a variant in this size and colour."
                ),
            ),
        ]
        # Listings ask "has this product a variant in stock?" for each product on the page.
        indexes = [models.Index(fields=["product", "stock"], name="catalog_variant_product_stock")]

    def __str__(self) -> str:
        return f"{self.product.title} – {self.size} / {self.colour} ({self.sku})"

    @property
    def unit_price(self) -> Decimal:
        return self.price if self.price is not None else self.product.price

    @property
    def in_stock(self) -> bool:
        return self.stock > 0

    def save(self, *args, **kwargs):
        if (
            self.pk is not None
            and kwargs.get("update_fields") is None
            and not kwargs.get("force_insert")
            and type(self).objects.filter(pk=self.pk).exists()
        ):
            # Stock moves only through catalog.stock, as a difference under a row lock: a save
            # writes every field but stock, so it can never undo a sale made meanwhile.
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "stock"
            ]
        super().save(*args, **kwargs)


class StockMove(models.Model):
    """A change of stock that a person made (on the variant grid, the Stock view or by import),
    for the record, and so that a form sent twice moves stock once: a move is recorded under
    the key of the form that asked for it, once per variant."""

    class Reason(models.TextChoices):
        EDITED = "edited", _("Edited")
        IMPORTED = "imported", _("Imported")

    variant = models.ForeignKey(
        ProductVariant, verbose_name=_("variant"), on_delete=models.CASCADE, related_name="moves"
    )
    change = models.IntegerField(_("change"))
    stock_after = models.PositiveIntegerField(_("stock after"))
    reason = models.CharField(_("reason"), max_length=10, choices=Reason)
    key = models.CharField(max_length=64, editable=False)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("stock move")
        ordering = ["-at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["key", "variant"], name="catalog_stock_move_once"),
        ]

    def __str__(self) -> str:
        return f"{self.variant.sku}: {self.change:+d} ({self.get_reason_display()})"


class StockImport(models.Model):
    """A file of stock figures that a merchandiser uploaded (`catalog.stock_import`): saved as a
    preview of the changes it makes, then applied once, as differences, its moves recorded under
    the import's own key. Applied imports are the record of who imported what."""

    class Kind(models.TextChoices):
        SET = "set", _("Stock set to the figures")
        ADD = "add", _("Pieces added or taken away")

    file_name = models.CharField(_("file"), max_length=255)
    kind = models.CharField(_("kind"), max_length=3, choices=Kind)
    # The previewed changes: [{"line", "variant", "stock" (as previewed), "change"}, ...]
    changes = models.JSONField(_("changes"), default=list, editable=False)
    change_count = models.PositiveIntegerField(_("variants changed"), default=0)
    unchanged_count = models.PositiveIntegerField(_("rows unchanged"), default=0)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    previewed_at = models.DateTimeField(_("previewed"), default=timezone.now)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("stock import")
        verbose_name_plural = _("stock imports")
        ordering = ["-applied_at", "-pk"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def key(self) -> str:
        """The key of the import's stock moves: one move per variant, however often it is
        applied."""
        return f"import-{self.pk}"

    def moves(self) -> models.QuerySet[StockMove]:
        return StockMove.objects.filter(key=self.key)


class StockAlert(models.Model):
    """A shopper waiting for a sold-out size and colour ("Email me when it's back").

    A signed-in shopper's alert waits at once; a guest's is pending until its address is
    confirmed by a signed link. Once mailed, an alert is done (notified) and kept as such, so
    that stock going 0 → 2 → 0 → 1 mails nobody twice; asking again later makes a new one. One
    person (one mailbox: `+tags` are the same person) has at most one open alert per variant."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting confirmation")
        WAITING = "waiting", _("Waiting")
        NOTIFIED = "notified", _("Notified")

    OPEN = (Status.PENDING, Status.WAITING)

    variant = models.ForeignKey(
        ProductVariant, verbose_name=_("variant"), on_delete=models.CASCADE, related_name="alerts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("shopper"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="stock_alerts",
    )
    email = models.EmailField(_("email"))
    mailbox = models.CharField(_("mailbox"), max_length=254, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("back-in-stock alert")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["variant", "mailbox"],
                condition=models.Q(status__in=["pending", "waiting"]),
                name="catalog_one_open_alert_per_mailbox",
            ),
        ]
        # The restock's "who is waiting for these variants?" and the demand report.
        indexes = [models.Index(fields=["variant", "status"], name="catalog_alert_variant_status")]

    def __str__(self) -> str:
        return f"{self.email}: {self.variant.sku} ({self.get_status_display()})"
