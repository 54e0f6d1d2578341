"""Django's database sessions, read with one prepared statement instead of the ORM.

Every page a shopper with a session views reads the session's row: with the page itself from
the cache (catalog.page_cache) the ORM's building of that one query cost as much as the rest
of the request. The row is read with the same conditions (this key, not expired); writing,
expiring and deleting stay Django's.
"""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        model = self.model
        table = connections[router.db_for_read(model)].ops.quote_name(model._meta.db_table)
        with connections[router.db_for_read(model)].cursor() as cursor:
            cursor.execute(
                f"SELECT session_data, expire_date FROM {table} "  # noqa: S608 - the model's own table
                "WHERE session_key = %s AND expire_date > %s",
                [self.session_key, timezone.now()],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return model(session_key=self.session_key, session_data=row[0], expire_date=row[1])
