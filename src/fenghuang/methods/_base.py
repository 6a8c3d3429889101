"""The pydantic bases of the method schemas: frozen models, and a loaded method file.

:class:`Frozen` is every schema model's base (``frozen=True``,
``extra="forbid"``, ``strict=True``). Strict, because a method file is typed
TOML: pydantic's lax mode would take ``weight = "30"`` or ``weight = true``
as 30 and 1, ``reconstruction = "yes"`` as true and ``year = 2022.0`` as
2022, so a wrong type would load silently. An integer is still taken where
a number is asked for (``weight = 30``); tuple fields say ``strict=False``
so that a TOML array (a list) is taken, their elements staying strict.
Numbers must be finite (``allow_inf_nan=False``): TOML's ``inf`` and ``nan``
would pass ``weight > 0`` or a benchmark and score every firm inf or nan. :class:`MethodFile` is the base of the two method kinds
(:class:`~fenghuang.methods.Method`, :class:`~fenghuang.methods.CityIndexMethod`):
it adds no field, so each kind keeps its own fields in its own order (a
monitor run hashes ``model_dump_json()``), only the file's text, its SHA-256
and where it came from as private attributes (set by the loader through
:meth:`MethodFile._stamp`, never validated or dumped) and the read-only
properties over them. ``meta`` is declared by each kind; it is named here for
the type checker only, so pydantic needs no forward reference resolved.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, PrivateAttr

if TYPE_CHECKING:
    from fenghuang.methods._schema import Meta

__all__ = ["Frozen", "MethodFile"]


class Frozen(BaseModel):
    """A frozen pydantic model that refuses unknown keys, wrong types and inf/nan."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, allow_inf_nan=False)


class MethodFile(Frozen):
    """A validated method file of either kind: its text, hash and origin.

    Attributes
    ----------
    name : str
        ``meta.name``.
    text : str
        The file's text as loaded (stored with a run).
    sha256 : str
        SHA-256 of ``text`` (hex), as :func:`fenghuang.methods.method_sha256`.
    file : str
        Where it was loaded from (a path or the ``file`` given to parse_method).
    """

    if TYPE_CHECKING:
        meta: Meta  # a field of each kind, declared there

    _text: str = PrivateAttr(default="")
    _sha256: str = PrivateAttr(default="")
    _file: str = PrivateAttr(default="")

    @property
    def name(self) -> str:
        """The method's name (``meta.name``)."""
        return self.meta.name

    @property
    def text(self) -> str:
        """The method file's text."""
        return self._text

    @property
    def sha256(self) -> str:
        """SHA-256 of the text (hex)."""
        return self._sha256

    @property
    def file(self) -> str:
        """Where it was loaded from (a path or the ``file`` given to parse_method)."""
        return self._file

    def _stamp(self, text: str, file: str) -> None:
        """Record the text the model was validated from, its hash and its origin."""
        self._text = text
        self._sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
        self._file = file
