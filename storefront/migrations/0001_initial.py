import django.db.models.deletion
import wagtail.fields
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    """The settings' content type (and so their permissions) follows the model."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="home", model="storesettings").update(
        app_label="storefront"
    )


def move_content_type_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="storefront", model="storesettings").update(
        app_label="home"
    )


class Migration(migrations.Migration):
    """The store's settings move from `home` to `storefront`, keeping their row and their
    permissions: the table is renamed and the content type relabelled."""

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.WAGTAIL_PAGE_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
        ("home", "0002_page_url_path_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="StoreSettings",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "store_name",
                            models.CharField(
                                default="The Dress Store", max_length=60, verbose_name="store name"
                            ),
                        ),
                        (
                            "announcement",
                            models.CharField(
                                blank=True,
                                help_text="A line above the header on every page, such as a sale or shipping offer.",
                                max_length=140,
                                verbose_name="announcement",
                            ),
                        ),
                        (
                            "footer_columns",
                            wagtail.fields.StreamField(
                                [("column", 6)],
                                blank=True,
                                block_lookup={
                                    0: (
                                        "wagtail.blocks.CharBlock",
                                        (),
                                        {"label": "Heading", "max_length": 40},
                                    ),
                                    1: (
                                        "wagtail.blocks.CharBlock",
                                        (),
                                        {"label": "Label", "max_length": 60},
                                    ),
                                    2: (
                                        "wagtail.blocks.PageChooserBlock",
                                        (),
                                        {"label": "Page", "required": False},
                                    ),
                                    3: (
                                        "wagtail.blocks.URLBlock",
                                        (),
                                        {"label": "or URL", "required": False},
                                    ),
                                    4: (
                                        "wagtail.blocks.StructBlock",
                                        [[("label", 1), ("page", 2), ("link_url", 3)]],
                                        {},
                                    ),
                                    5: ("wagtail.blocks.ListBlock", (4,), {"label": "Links"}),
                                    6: (
                                        "wagtail.blocks.StructBlock",
                                        [[("heading", 0), ("links", 5)]],
                                        {},
                                    ),
                                },
                                verbose_name="footer links",
                            ),
                        ),
                        (
                            "social_links",
                            wagtail.fields.StreamField(
                                [("link", 2)],
                                blank=True,
                                block_lookup={
                                    0: (
                                        "wagtail.blocks.ChoiceBlock",
                                        [],
                                        {
                                            "choices": [
                                                ("instagram", "Instagram"),
                                                ("facebook", "Facebook"),
                                                ("pinterest", "Pinterest"),
                                                ("tiktok", "TikTok"),
                                                ("youtube", "YouTube"),
                                                ("x", "X"),
                                            ],
                                            "label": "Network",
                                        },
                                    ),
                                    1: ("wagtail.blocks.URLBlock", (), {"label": "URL"}),
                                    2: (
                                        "wagtail.blocks.StructBlock",
                                        [[("network", 0), ("url", 1)]],
                                        {},
                                    ),
                                },
                                verbose_name="social links",
                            ),
                        ),
                        (
                            "announcement_link",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.WAGTAIL_PAGE_MODEL,
                                verbose_name="announcement link",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "store settings",
                    },
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'ALTER TABLE "home_storesettings" RENAME TO "storefront_storesettings"',
                    'ALTER TABLE "storefront_storesettings" RENAME TO "home_storesettings"',
                ),
            ],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
