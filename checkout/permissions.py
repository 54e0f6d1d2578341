"""Who may do what with orders in the admin."""

from wagtail.permission_policies import ModelPermissionPolicy

CHANGE_ORDER = "checkout.change_order"


class OrderPermissionPolicy(ModelPermissionPolicy):
    """Orders come from checkouts, and stay for the books: nobody adds or deletes them here."""

    def user_has_permission(self, user, action):
        if action in ("add", "delete"):
            return False
        return super().user_has_permission(user, action)
