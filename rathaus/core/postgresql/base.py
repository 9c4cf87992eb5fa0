"""Django's PostgreSQL backend, except for the check of a persistent connection.

With CONN_HEALTH_CHECKS Django asks `is_usable` before a request reuses its connection, and
the stock answer is a `SELECT 1`: one round trip for every request that touches the database,
as much as a whole INSERT on the hammered paths. An idle connection has nothing to read, so
when the server has ended it (restart, terminated backend, idle timeout) its socket is
readable: the goodbye message or the end of the stream. Only then is the round trip made.
A connection lost without a word (a cable, a firewall) fails its next statement either way.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        if self.connection is None or self.connection.closed:
            return False
        try:
            poll = select.poll()
            poll.register(self.connection.fileno(), select.POLLIN)
            waiting = bool(poll.poll(0))
        except (OSError, ValueError):
            return False
        return not waiting or bool(super().is_usable())
