from .basket import COUNT_KEY


def basket(request):
    # From the session, kept up to date by every basket change: the header costs no query. A
    # page that Nginx shares (storefront/personal.py) must not read the session at all: Nginx
    # shows the count from the visitor's header cookie.
    if getattr(request, "personal_by_ssi", False):
        return {}
    session = getattr(request, "session", None)
    return {"basket_count": session.get(COUNT_KEY, 0) if session is not None else 0}
