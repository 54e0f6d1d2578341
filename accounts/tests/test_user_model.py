import pytest
from django.db import IntegrityError

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_email_is_the_login_and_is_case_insensitive():
    user = User.objects.create_user("Ann@Example.COM", password="a long enough password")
    assert user.email == "ann@example.com"
    assert User.objects.get_by_natural_key("ANN@example.com") == user
    with pytest.raises(IntegrityError):
        User.objects.create_user("ann@EXAMPLE.com", password="another long password")


def test_superuser_needs_no_username():
    admin = User.objects.create_superuser("boss@example.com", "a long enough password")
    assert admin.is_staff
    assert admin.is_superuser
    assert not hasattr(admin, "username") or admin.username is None
