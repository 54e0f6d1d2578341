"""Shoppers and staff as the store leaves them: a user whose email address is confirmed (as
allauth records it), and the entries of their address book."""

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from accounts.models import Address, User

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    """A shopper who can sign in: password `PASSWORD`, email address confirmed.

    `confirmed=False` leaves the address waiting for confirmation, as signup does;
    `groups=["Editors"]` puts the user in staff groups by name (they must exist)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"shopper{n}@example.com")
    first_name = "Ann"
    last_name = "Shopper"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(self, create, extracted, **kwargs):
        if create:
            self.save()

    @factory.post_generation
    def confirmed(self, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(
                user=self, email=self.email, primary=True, verified=extracted is not False
            )

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*(Group.objects.get(name=name) for name in extracted))


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    user = factory.SubFactory(UserFactory)
    full_name = factory.LazyAttribute(lambda o: o.user.get_full_name())
    line1 = "1 Linen Lane"
    city = "Portland"
    region = "OR"
    postcode = "97201"
    country = "US"
    phone = "+1 503 555 0100"
