"""What happens to a shopper's account: the address book and the account's deletion."""

from __future__ import annotations

from django.db import transaction

from .models import Address, User


@transaction.atomic
def save_address(*, address: Address, user: User) -> Address:
    """Save an address of `user`'s; when it is the default, the previous default stops being one
    (in the same transaction, so the book never has two)."""
    address.user = user
    if address.is_default:
        Address.objects.filter(user=user, is_default=True).exclude(pk=address.pk).update(
            is_default=False
        )
    elif not Address.objects.filter(user=user).exclude(pk=address.pk).exists():
        address.is_default = True  # the only address is the default
    address.save()
    return address


@transaction.atomic
def make_default_address(*, address: Address) -> None:
    Address.objects.filter(user_id=address.user_id, is_default=True).update(is_default=False)
    Address.objects.filter(pk=address.pk).update(is_default=True)


@transaction.atomic
def delete_address(*, address: Address) -> None:
    was_default = address.is_default
    user_id = address.user_id
    address.delete()
    if was_default:
        successor = Address.objects.filter(user_id=user_id).order_by("-created_at").first()
        if successor is not None:
            make_default_address(address=successor)


def delete_account(*, user: User) -> None:
    """Remove the shopper's personal data: profile, addresses, email addresses, connected
    accounts and avatar go with the user row. (Apps that keep records of the user, such as
    checkout's orders, strip them of personal data when the row is deleted.)"""
    avatar = user.avatar.name if user.avatar else ""
    storage = user.avatar.storage if user.avatar else None
    with transaction.atomic():
        user.delete()  # addresses, email addresses and social accounts cascade
    if avatar and storage is not None:
        transaction.on_commit(lambda: storage.delete(avatar))
