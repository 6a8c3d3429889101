"""CLI commands (registered on import)."""

from __future__ import annotations

from fenghuang.cli import app  # noqa: F401
