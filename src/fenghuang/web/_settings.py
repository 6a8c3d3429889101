"""Settings of the web application: one typed model, built in the app factory.

Values come from keyword arguments or ``FENGHUANG_*`` environment variables
(:meth:`Settings.from_env`); nothing is read at import time.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = ["Settings"]

_ENV_PREFIX = "FENGHUANG_"


class Settings(BaseModel):
    """Everything the web application can be configured with.

    Attributes
    ----------
    store_path : Path
        The DuckDB warehouse file (``":memory:"`` only for tests).
    upload_dir : Path or None
        Where appeal evidence is stored, outside the web root, under random
        names. Defaults to ``<store dir>/uploads``.
    cache_dir : Path or None
        Cache for derived files (simplified map geometry, downloads).
        Defaults to ``<store dir>/cache``.
    session_minutes : int
        Absolute lifetime of a login session.
    login_max_failures, login_window_seconds : int
        Login rate limit per username and client address.
    max_upload_bytes : int
        Largest evidence file accepted.
    publicity_days : int
        How long a published list stays open for 公示.
    default_lang : {"zh", "en"}
        Language when the user has not chosen one.
    cookie_secure : bool
        Mark cookies ``Secure`` (set behind HTTPS).
    synthetic : bool or None
        Label pages 模拟数据; ``None`` detects it from the store.
    city_name : str
        Shown in the header; empty to take it from the data.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    store_path: Path = Field(default=Path("var/fenghuang.duckdb"))
    upload_dir: Path | None = None
    cache_dir: Path | None = None
    session_minutes: int = Field(default=480, ge=1, le=7 * 24 * 60)
    login_max_failures: int = Field(default=5, ge=1)
    login_window_seconds: int = Field(default=300, ge=1)
    max_upload_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    publicity_days: int = Field(default=7, ge=1, le=60)
    default_lang: Literal["zh", "en"] = "zh"
    cookie_secure: bool = False
    synthetic: bool | None = None
    city_name: str = ""
    default_method: str = ""

    @field_validator("store_path", mode="before")
    @classmethod
    def _path(cls, v: Any) -> Any:
        return Path(v) if isinstance(v, str) else v

    @model_validator(mode="after")
    def _memory_needs_dirs(self) -> Settings:
        if str(self.store_path) == ":memory:" and self.upload_dir is None:
            raise ValueError("an in-memory store needs an explicit upload_dir")
        return self

    @property
    def uploads(self) -> Path:
        """The evidence directory (resolved)."""
        return self.upload_dir or self.store_path.parent / "uploads"

    @property
    def cache(self) -> Path:
        """The cache directory (resolved)."""
        if self.cache_dir is not None:
            return self.cache_dir
        return self.uploads.parent / "cache"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Build settings from ``FENGHUANG_<FIELD>`` variables, then ``overrides``.

        Examples
        --------
        >>> Settings.from_env({"FENGHUANG_SESSION_MINUTES": "30"}).session_minutes
        30
        """
        source = os.environ if env is None else env
        values: dict[str, Any] = {}
        for name in cls.model_fields:
            key = _ENV_PREFIX + name.upper()
            if key in source:
                values[name] = source[key]
        if "FENGHUANG_STORE" in source and "store_path" not in values:
            values["store_path"] = source["FENGHUANG_STORE"]
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls.model_validate(values)
