"""Where saved pieces follow the accounts app, which knows nothing of them: a session's saved
pieces join the account's on sign-in. (A deleted account's list goes with it: it cascades.)"""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from . import pieces


@receiver(user_logged_in, dispatch_uid="saved-merge-on-sign-in")
def merge_saved_pieces(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        pieces.merge_on_sign_in(request, user)
