"""Counts what schemathesis ran, for a line at the end of the session (and the closing note)."""

from collections import Counter

import pytest

FUZZ = {"operations": Counter(), "statuses": Counter()}


def pytest_terminal_summary(terminalreporter):
    if FUZZ["operations"]:
        statuses = dict(sorted(FUZZ["statuses"].items()))
        terminalreporter.write_line(
            f"schemathesis: {sum(FUZZ['operations'].values())} cases over "
            f"{len(FUZZ['operations'])} operations; statuses {statuses}"
        )


@pytest.fixture
def fuzz_counter():
    return FUZZ
