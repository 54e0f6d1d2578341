"""The Wagtail admin's answers, as a staff member meets them."""

from bs4 import BeautifulSoup


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


def errors_beside_fields(response) -> dict[str, str]:
    """What the admin's form (answered with status 200 or 400) shows beside each field it
    refused, by the field's name."""
    assert response.status_code in (200, 400), response.status_code
    soup = BeautifulSoup(response.content, "html.parser")
    return {
        field.select_one("[name]")["name"]: " ".join(
            field.select_one(".error-message").get_text().split()
        )
        for field in soup.select(".w-field--error")
    }
