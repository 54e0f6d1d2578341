"""StreamField blocks of the catalog's own, for pages elsewhere to build with."""

from .choosers import product_chooser_viewset

# A product, chosen from a list that shows each one's picture, price and stock; the chosen one
# shows its picture and title. Stores the product page's id, as a PageChooserBlock does.
ProductChooserBlock = product_chooser_viewset.get_block_class(
    name="ProductChooserBlock", module_path="catalog.blocks"
)
