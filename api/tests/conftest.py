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


def pytest_collection_modifyitems(items):
    """schemathesis gives every operation's test one node id (the operation is only in its
    name): pytest-xdist, which tells tests apart by node id, would run one of them. Name each."""
    from _pytest.nodeid import NodeId  # pytest 9 keeps the node id parsed; no public setter

    for item in items:
        if type(item).__name__ == "SchemathesisFunction" and "[" not in item.nodeid:
            item._id = NodeId.parse(f"{item.nodeid.rpartition('::')[0]}::{item.name}")
