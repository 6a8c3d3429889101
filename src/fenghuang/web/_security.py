"""Passwords, tokens, the login rate limiter and the upload sniffer.

Nothing here holds global state: the limiter is an object the app factory
keeps on ``app.state``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

__all__ = [
    "LoginLimiter",
    "hash_password",
    "hash_token",
    "new_token",
    "same_token",
    "sniff_evidence",
    "verify_password",
]


def _hasher() -> PasswordHasher:
    # argon2id with the library's RFC 9106 "low memory" defaults.
    return PasswordHasher()


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    return _hasher().hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """True if ``password`` matches ``stored_hash``; never raises on a mismatch."""
    try:
        return bool(_hasher().verify(stored_hash, password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def new_token(nbytes: int = 32) -> str:
    """A URL-safe random token."""
    return secrets.token_urlsafe(nbytes)


def hash_token(token: str) -> str:
    """The SHA-256 of a session token, as stored (a stolen table gives no sessions)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same_token(a: str | None, b: str | None) -> bool:
    """Constant-time comparison of two tokens; False if either is missing."""
    if not a or not b:
        return False
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


class LoginLimiter:
    """Failed logins per (username, client address) in a sliding window.

    Parameters
    ----------
    max_failures : int
        Failures allowed in the window; the next attempt is refused.
    window_seconds : float
        Length of the window.
    clock : callable, optional
        Returns the time in seconds (tests pass a fake clock).

    Examples
    --------
    >>> now = [0.0]
    >>> lim = LoginLimiter(2, 60, clock=lambda: now[0])
    >>> lim.allowed("u", "1.2.3.4")
    True
    >>> lim.failed("u", "1.2.3.4"); lim.failed("u", "1.2.3.4")
    >>> lim.allowed("u", "1.2.3.4")
    False
    >>> now[0] = 61.0
    >>> lim.allowed("u", "1.2.3.4")
    True
    """

    def __init__(
        self,
        max_failures: int,
        window_seconds: float,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_failures = max_failures
        self.window_seconds = window_seconds
        self._clock = clock
        self._fails: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str]) -> deque[float]:
        q = self._fails.setdefault(key, deque())
        cutoff = self._clock() - self.window_seconds
        while q and q[0] <= cutoff:
            q.popleft()
        return q

    def allowed(self, username: str, ip: str) -> bool:
        """Whether another attempt may be made now."""
        with self._lock:
            return len(self._recent((username.lower(), ip))) < self.max_failures

    def failed(self, username: str, ip: str) -> None:
        """Record a failed attempt."""
        with self._lock:
            self._recent((username.lower(), ip)).append(self._clock())

    def succeeded(self, username: str, ip: str) -> None:
        """Forget the failures after a successful login."""
        with self._lock:
            self._fails.pop((username.lower(), ip), None)


# Magic bytes of the evidence types we accept, with their canonical suffix.
_MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
)


def sniff_evidence(head: bytes) -> tuple[str, str] | None:
    """The MIME type and suffix of an evidence file from its first bytes.

    Only PDF, PNG and JPEG are accepted; anything else returns None,
    whatever its file name says.

    Examples
    --------
    >>> sniff_evidence(b"%PDF-1.7 ...")
    ('application/pdf', '.pdf')
    >>> sniff_evidence(b"MZ\\x90\\x00") is None
    True
    """
    for magic, mime, suffix in _MAGIC:
        if head.startswith(magic):
            return mime, suffix
    return None
