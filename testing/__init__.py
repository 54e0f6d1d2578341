"""What the tests of several apps share that is neither a fixture (those are in the root
`conftest.py`) nor a factory (each app's `tests/factories.py`): the steps a shopper or a server
takes, in modules named for what they drive. A helper only one app's tests use lives in that
app's `tests/helpers.py`. No test module imports another test module or a conftest."""
