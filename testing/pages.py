"""Pages the test client fetched, read as a shopper's browser reads them."""

from bs4 import BeautifulSoup


def soup_of(response) -> BeautifulSoup:
    """The parsed page of a response that must have answered 200 (so a 500 fails here)."""
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")
