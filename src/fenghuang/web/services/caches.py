"""In-process caches of the web server and what makes them stale: its own writes.

While ``fenghuang serve`` runs it holds the DuckDB file's write lock, so
every change to the store is made through this process: a form post
(import, confirmation, appeal, decision, role change, login, logout …) or a
background job. :class:`WriteTracker` counts those writes; a cache entry
is kept with the write generation it was read at and is valid only while
no write has begun since. :class:`SessionCache` keeps resolved login
sessions, checked against their expiry on every hit.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from fenghuang.web._schemas import CurrentSession
from fenghuang.web._security import hash_token

__all__ = ["SessionCache", "WriteTracker", "utc_now"]


def utc_now() -> datetime:
    """The time now in UTC, without time zone (as the session table stores it)."""
    return datetime.now(UTC).replace(tzinfo=None)


class WriteTracker:
    """Generations of the store's writes made through this process.

    ``generation`` goes up when any write begins and when it ends;
    ``sources_generation`` the same, but only for writes that may change
    the source tables (imports). A reader notes :meth:`snapshot` before it
    reads and keeps what it read only if :meth:`unchanged_since` holds after:
    then no write overlapped the read.

    Examples
    --------
    >>> w = WriteTracker()
    >>> snap = w.snapshot()
    >>> w.unchanged_since(snap)
    True
    >>> with w.writing(sources=False):
    ...     w.unchanged_since(w.snapshot())
    False
    >>> w.unchanged_since(snap), w.sources_generation
    (False, 0)
    """

    def __init__(self) -> None:
        self.generation = 0
        self.sources_generation = 0
        self._in_flight = 0
        self._lock = threading.Lock()

    def _bump(self, sources: bool, step: int) -> None:
        with self._lock:
            self.generation += 1
            if sources:
                self.sources_generation += 1
            self._in_flight += step

    @contextmanager
    def writing(self, *, sources: bool = True) -> Iterator[None]:
        """Mark a write (a form post, a job) for its whole duration."""
        self._bump(sources, +1)
        try:
            yield
        finally:
            self._bump(sources, -1)

    def snapshot(self) -> tuple[int, int, int]:
        """``(generation, sources_generation, writes in flight)`` now."""
        with self._lock:
            return self.generation, self.sources_generation, self._in_flight

    def unchanged_since(self, snap: tuple[int, int, int]) -> bool:
        """No write was in flight at ``snap`` and none has begun since."""
        return snap[2] == 0 and self.snapshot()[0] == snap[0]

    def sources_unchanged_since(self, snap: tuple[int, int, int]) -> bool:
        """No write that may touch the sources was in flight at ``snap`` or began since."""
        return snap[2] == 0 and self.snapshot()[1] == snap[1]


class SessionCache:
    """Resolved sessions by token hash, so a page needs no session query.

    An entry is used only while the session has not expired
    (``expires_at`` checked on every hit, with ``clock``) and for at most
    ``ttl_seconds`` after it was read; :meth:`clear` drops all (the app
    calls it around every write: logout, role change, a new login).
    Unknown tokens are never cached.

    Parameters
    ----------
    ttl_seconds : float
        Longest time an entry is used before the store is asked again.
    max_entries : int
        Entries kept (the oldest dropped first).
    clock : callable, optional
        The time now, naive UTC (tests pass a fake clock).

    Examples
    --------
    >>> from datetime import datetime, timedelta
    >>> from fenghuang.web._schemas import CurrentSession, UserPublic
    >>> now = [datetime(2026, 1, 1)]
    >>> cache = SessionCache(ttl_seconds=60, clock=lambda: now[0])
    >>> user = UserPublic(username="a", role="analyst")
    >>> cache.put("tok", CurrentSession(user=user, csrf_token="c", expires_at=now[0] + timedelta(minutes=5)))
    >>> cache.get("tok").user.username
    'a'
    >>> now[0] += timedelta(seconds=61)
    >>> cache.get("tok") is None  # older than the ttl: ask the store again
    True
    """

    def __init__(
        self,
        ttl_seconds: float = 30.0,
        max_entries: int = 10_000,
        *,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.ttl = timedelta(seconds=ttl_seconds)
        self.max_entries = max_entries
        self.clock = clock
        self._entries: OrderedDict[str, tuple[CurrentSession, datetime]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, token: str) -> CurrentSession | None:
        """The cached session of ``token``, or None (not cached, expired or too old)."""
        key = hash_token(token)
        now = self.clock()
        with self._lock:
            hit = self._entries.get(key)
            if hit is None:
                return None
            sess, until = hit
            if sess.expires_at <= now or until <= now:
                del self._entries[key]
                return None
            return sess

    def put(self, token: str, sess: CurrentSession) -> None:
        """Keep ``sess`` for ``token`` (read from the store just now)."""
        until = self.clock() + self.ttl
        with self._lock:
            self._entries[hash_token(token)] = (sess, until)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        """Forget every session (after any write)."""
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
