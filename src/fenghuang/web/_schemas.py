"""Public schemas: what routes and templates see, kept apart from storage rows.

A stored user row has a password hash; :class:`UserPublic` does not, so a
template can never show it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

__all__ = [
    "ROLES",
    "AppealPublic",
    "AuditEntry",
    "CurrentSession",
    "PublicationPublic",
    "Role",
    "UploadPublic",
    "UserPublic",
]

Role = Literal["admin", "analyst", "department", "leader", "firm"]
ROLES: tuple[Role, ...] = ("admin", "analyst", "department", "leader", "firm")


class UserPublic(BaseModel):
    """A user as shown to the application (no password hash)."""

    model_config = ConfigDict(frozen=True)

    username: str
    role: Role
    department: str | None = None
    credit_code: str | None = None
    display_name: str | None = None

    @property
    def is_staff(self) -> bool:
        """Admin or analyst: may change results."""
        return self.role in ("admin", "analyst")

    @property
    def can_read_results(self) -> bool:
        """May see city-wide results (not firms or department submitters)."""
        return self.role in ("admin", "analyst", "leader")


class CurrentSession(BaseModel):
    """The logged-in user and the session's CSRF token."""

    model_config = ConfigDict(frozen=True)

    user: UserPublic
    csrf_token: str
    expires_at: datetime


class AuditEntry(BaseModel):
    """One line of the audit log."""

    audit_id: int
    at: datetime
    actor: str | None
    role: str | None
    action: str
    object: str | None
    detail: str | None
    ip: str | None


class UploadPublic(BaseModel):
    """Evidence metadata (the stored file name stays private)."""

    upload_id: str
    original_name: str | None
    mime: str
    size_bytes: int
    credit_code: str | None


class AppealPublic(BaseModel):
    """An appeal as shown to the firm and to analysts."""

    appeal_id: str
    credit_code: str
    year: int
    run_id: str | None
    field: str
    current_value: float | None
    claimed_value: float
    reason: str
    upload_id: str | None
    status: Literal["pending", "accepted", "rejected"]
    filed_by: str
    filed_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision_reason: str | None
    new_run_id: str | None


class PublicationPublic(BaseModel):
    """A run published for 公示 and its notice period."""

    publication_id: str
    run_id: str
    published_by: str
    published_at: datetime
    opens_on: date
    closes_on: date

    def is_open(self, today: date) -> bool:
        """Whether ``today`` falls in the notice period."""
        return self.opens_on <= today <= self.closes_on
