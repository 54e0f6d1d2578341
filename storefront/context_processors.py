from django.utils.functional import SimpleLazyObject

from .shell import shell_for


def store(request):
    # Lazy: admin pages render templates too, and never look at the store's shell.
    return {"store": SimpleLazyObject(lambda: shell_for(request))}
