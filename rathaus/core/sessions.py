"""Django's database sessions with the one read every signed-in request makes written out.

Loading a session is a primary-key read; building it through the ORM cost more than
PostgreSQL needs to answer it (rathaus/core/sql.py). Everything else — creating, saving,
deleting, the expiry clean-up — is Django's `db` backend unchanged, on the same table.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.contrib.sessions.backends import db
from django.utils import timezone

from . import sql

_LOAD = "SELECT session_data FROM django_session WHERE session_key = %s AND expire_date > %s"


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> SimpleNamespace | None:
        found = sql.rows(_LOAD, [self.session_key, timezone.now()])
        if not found:
            self._session_key = None
            return None
        return SimpleNamespace(session_data=found[0][0])
