"""Where each page type may live, and that each renders and edits in Wagtail."""

from decimal import Decimal

from django.urls import reverse
from wagtail.models import Page, Site
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from catalog.models import CategoryPage, ProductPage, ShopIndexPage
from catalog.tests.factories import (
    CategoryPageFactory,
    ColourFactory,
    ImageFactory,
    ProductPageFactory,
    ShopIndexPageFactory,
    SizeFactory,
    VariantFactory,
)
from home.models import HomePage, LandingPage


class PageTreeRulesTests(WagtailPageTestCase):
    def test_home_holds_the_shop_and_landing_pages(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertAllowedSubpageTypes(HomePage, {ShopIndexPage, LandingPage})

    def test_categories_nest_under_the_shop_and_each_other(self):
        self.assertAllowedParentPageTypes(CategoryPage, {ShopIndexPage, CategoryPage})
        self.assertAllowedSubpageTypes(CategoryPage, {CategoryPage, ProductPage})
        self.assertAllowedSubpageTypes(ShopIndexPage, {CategoryPage})

    def test_products_live_in_categories_and_have_no_children(self):
        self.assertAllowedParentPageTypes(ProductPage, {CategoryPage})
        self.assertAllowedSubpageTypes(ProductPage, set())
        self.assertCanNotCreateAt(ShopIndexPage, ProductPage)
        self.assertCanNotCreateAt(HomePage, ProductPage)

    def test_landing_pages_sit_under_home(self):
        self.assertAllowedParentPageTypes(LandingPage, {HomePage})
        self.assertAllowedSubpageTypes(LandingPage, set())


class PageRenderingTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        root = Page.get_first_root_node()
        cls.home = root.add_child(instance=HomePage(title="Store home", slug="store-home"))
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={"hostname": "localhost", "port": 80, "root_page": cls.home},
        )
        cls.shop = ShopIndexPageFactory(parent=cls.home)
        cls.category = CategoryPageFactory(parent=cls.shop, title="Dresses", slug="dresses")
        cls.product = ProductPageFactory(
            parent=cls.category, title="Wrap Dress", price=Decimal("99.00")
        )
        VariantFactory(
            product=cls.product, size=SizeFactory(name="M"), colour=ColourFactory(name="Black")
        )
        cls.landing = cls.home.add_child(instance=LandingPage(title="Summer", slug="summer"))

    def test_every_page_type_renders_and_previews(self):
        for page in (self.home, self.shop, self.category, self.product, self.landing):
            self.assertPageIsRenderable(page)
        for page in (self.shop, self.category, self.product):
            self.assertPageIsPreviewable(page)
        for page in (self.home, self.landing):
            data = nested_form_data(
                {"title": page.title, "slug": page.slug, "body": streamfield([])}
            )
            self.assertPageIsPreviewable(page, post_data=data)

    def setUp(self):
        self.login()

    def test_every_page_type_is_editable(self):
        for page in (self.shop, self.category, self.product):
            self.assertPageIsEditable(page)
        # StreamField editors are drawn by JavaScript, so their post data is given here.
        for page in (self.home, self.landing):
            data = nested_form_data(
                {"title": page.title, "slug": page.slug, "body": streamfield([])}
            )
            self.assertPageIsEditable(page, post_data=data)

    def test_a_product_can_be_created_in_the_editor(self):
        # Given a merchandiser (here the test case's superuser) in the new product's editor
        image = ImageFactory()
        add = reverse("wagtailadmin_pages:add", args=["catalog", "productpage", self.category.pk])

        # When they fill it in and save a draft
        response = self.client.post(
            add,
            nested_form_data(
                {
                    "title": "Silk Slip Dress",
                    "slug": "silk-slip-dress",
                    "summary": "A bias-cut slip.",
                    "description": rich_text("<p>Sandwashed silk.</p>"),
                    "price": "149.00",
                    "compare_at_price": "",
                    "gallery_images": inline_formset([{"image": image.pk, "alt_text": "Front"}]),
                }
            ),
        )

        # Then the product exists, sold in nothing yet, and its variant grid comes next
        product = ProductPage.objects.get(slug="silk-slip-dress")
        assert response.status_code == 302
        assert response["Location"] == reverse("catalog_variant_grid", args=[product.pk])
        assert product.variants.count() == 0
        assert product.gallery_images.get().alt_text == "Front"

    def test_a_landing_page_with_blocks_can_be_created(self):
        self.assertCanCreate(
            self.home,
            LandingPage,
            nested_form_data(
                {
                    "title": "Autumn",
                    "slug": "autumn",
                    "body": streamfield(
                        [
                            ("text", rich_text("<p>Hello autumn.</p>")),
                            (
                                "promo_banner",
                                {
                                    "text": "20% off knitwear",
                                    "theme": "dark",
                                    "link-label": "",
                                    "link-page": "",
                                    "link-link_url": "",
                                },
                            ),
                        ]
                    ),
                }
            ),
        )
