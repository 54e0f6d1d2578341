"""The Wagtail admin's answers, as a staff member meets them."""


def answer(response) -> tuple[list, list]:
    """Where the admin sent the staff member (the test client followed the redirects), and what
    it told them there, with each message's level."""
    told = [(m.level_tag, str(m.message).strip()) for m in response.context["messages"]]
    return response.redirect_chain, told


# What Wagtail answers a staff member who may not do something: back to the dashboard, told so.
REFUSED = (
    [("/admin/", 302)],
    [("error", "Sorry, you do not have permission to access this area.")],
)
