"""Demo staff accounts for `make run`. Their password is public, so `seed_demo` makes them only
when asked with --demo-staff, and never under DEBUG = False."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group

from accounts.groups import EDITORS, MERCHANDISERS
from accounts.models import User

DEMO_PASSWORD = "dress-store-demo"  # noqa: S105 - a published demo credential, DEBUG only
DEMO_STAFF = [
    ("admin@example.com", "Ada", "Admin", None),
    ("editor@example.com", "Edie", "Editor", EDITORS),
    ("merchandiser@example.com", "Max", "Merchandiser", MERCHANDISERS),
]


def ensure_demo_staff() -> list[str]:
    if not settings.DEBUG:
        return ["Demo staff accounts are only made with DEBUG on; none were made."]
    lines = [
        "Wagtail admin: http://127.0.0.1:8000/admin/ (password for all: " + DEMO_PASSWORD + ")"
    ]
    for email, first, last, group_name in DEMO_STAFF:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(email=email, first_name=first, last_name=last, is_staff=True)
            user.is_superuser = group_name is None
            user.set_password(DEMO_PASSWORD)
            user.save()
        # Demo accounts sign in to the shop too, so their address counts as confirmed.
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        if group_name:
            user.groups.add(Group.objects.get(name=group_name))
        lines.append(f"  {email:<28} {group_name or 'superuser'}")
    return lines
