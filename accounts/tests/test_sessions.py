"""Sessions are read with one prepared statement (accounts.sessions), with Django's rules."""

from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.sessions.models import Session
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from accounts.sessions import SessionStore

pytestmark = pytest.mark.django_db


def a_saved_session(**data) -> str:
    store = SessionStore()
    store.update(data)
    store.save()
    return store.session_key


def test_a_session_is_read_without_the_orm_building_a_query():
    # Given a saved session with a basket count
    key = a_saved_session(basket_count=2)

    # When it is read, with the ORM's query building forbidden
    with mock.patch.object(SQLCompiler, "as_sql", side_effect=AssertionError("ORM used")):
        store = SessionStore(key)
        count = store["basket_count"]

    # Then it holds what was saved
    assert count == 2
    assert store.session_key == key


def test_an_expired_session_is_not_read():
    # Given a session that expired a minute ago
    key = a_saved_session(basket_count=2)
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - timedelta(minutes=1)
    )

    # When it is read
    store = SessionStore(key)

    # Then it is empty, and a new one would get a new key
    assert store.get("basket_count") is None
    assert store.session_key is None


def test_an_unknown_session_is_not_read():
    store = SessionStore("k" * 32)
    assert dict(store.items()) == {}
    assert store.session_key is None
