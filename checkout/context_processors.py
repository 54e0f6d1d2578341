from storefront.personal import BASKET_COUNT_KEY, by_ssi
from storefront.shared import mark, rendering_to_share


def basket(request):
    """The header's basket count, from the session, kept up to date by every basket change: the
    header costs no query. A page Nginx shares (storefront.personal) does not read the session
    at all: Nginx shows the count from the visitor's header cookie. A page the store keeps for
    shoppers not signed in (storefront.shared) gets a mark, filled per request."""
    if by_ssi(request):
        return {}
    if rendering_to_share(request):
        return {"basket_count": mark("basket_count")}
    session = getattr(request, "session", None)
    return {"basket_count": session.get(BASKET_COUNT_KEY, 0) if session is not None else 0}
