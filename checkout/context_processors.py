from .basket import COUNT_KEY


def basket(request):
    # From the session, kept up to date by every basket change: the header costs no query.
    session = getattr(request, "session", None)
    return {"basket_count": session.get(COUNT_KEY, 0) if session is not None else 0}
