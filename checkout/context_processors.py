from storefront.shared import personal

from .basket import COUNT_KEY


def basket(request):
    # From the session, kept up to date by every basket change: the header costs no query. A
    # page rendered to be shared by shoppers gets a mark, filled per request (storefront.shared).
    session = getattr(request, "session", None)
    count = session.get(COUNT_KEY, 0) if session is not None else 0
    return {"basket_count": personal(request, "basket_count", count)}
