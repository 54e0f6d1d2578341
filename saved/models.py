"""Saved pieces (a wishlist): a signed-in shopper's list, or an anonymous session's, which joins
the account's on sign-in, as the basket does."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SavedList(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="saved_list",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("saved list")

    def __str__(self) -> str:
        return f"Saved list {self.pk}"


class SavedPiece(models.Model):
    """A product saved for later, in a size and colour if the shopper chose one, with its price
    then: the saved page marks it when it is cheaper now."""

    saved_list = models.ForeignKey(SavedList, on_delete=models.CASCADE, related_name="pieces")
    product = models.ForeignKey(
        "catalog.ProductPage", verbose_name=_("product"), on_delete=models.CASCADE, related_name="+"
    )
    variant = models.ForeignKey(
        "catalog.ProductVariant",
        verbose_name=_("size and colour"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    price_when_saved = models.DecimalField(
        _("price when saved"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    saved_at = models.DateTimeField(_("saved at"), default=timezone.now)

    class Meta:
        verbose_name = _("saved piece")
        ordering = ["-saved_at", "-pk"]
        constraints = [
            # Saved twice is one piece; a product without a size chosen counts as one piece too.
            models.UniqueConstraint(
                fields=["saved_list", "product", "variant"],
                name="saved_one_piece_per_size_colour",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id}/{self.variant_id or '-'} in saved list {self.saved_list_id}"
