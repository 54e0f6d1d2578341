from django.utils.functional import SimpleLazyObject

from .store import store_for


def store(request):
    # Lazy: admin pages render templates too, and never look at the store's shell.
    return {"store": SimpleLazyObject(lambda: store_for(request))}
