"""The city transformation index kind of method file (``kind = "city-index"``).

Same format as the firm methods (:mod:`fenghuang.methods._schema`): one TOML
file, frozen pydantic models with ``extra="forbid"``, the same ``[meta]`` /
``[meta.source]`` block, validated by the same loader
(:func:`fenghuang.methods.parse_method`) with every problem at once as
``file:line:column key.path``. Its tables, in order: ``kind = "city-index"``
(top level), ``[meta]`` (with ``[meta.source]``), ``[index]`` (normaliser,
aggregator, score) and ``[[pillars]]`` with ``[[pillars.dimensions]]`` whose
``indicators`` name indicator codes of the monitor's catalogue by string
(this package does not import the monitor; the loader checks the codes when
given ``catalogue=``).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from fenghuang.methods._base import Frozen, MethodFile
from fenghuang.methods._schema import Code, Meta, Text

__all__ = [
    "CityIndexMethod",
    "IndexDimension",
    "IndexIndicator",
    "IndexPillar",
    "IndexRule",
]

#: The kinds of a panel observation an indicator reference may ask for.
ObservedKind = Literal["level", "growth", "share", "count", "rank", "target"]


class IndexIndicator(Frozen):
    """One indicator of a dimension: a catalogue code observed as a kind.

    ``direction`` is relative to the pillar: 1 = more of it is more pressure
    (or more capacity), -1 = the opposite. ``weight`` is relative within the
    dimension (renormalised over the indicators a city has).
    """

    indicator: Code  # catalogue code (monitor/data/indicators.toml)
    kind: ObservedKind = "level"
    direction: Literal[1, -1] = 1
    weight: Annotated[float, Field(gt=0)] = 1.0


class IndexDimension(Frozen):
    """A dimension: the weighted mean of its normalised indicators."""

    code: Code
    zh: Text
    en: Text
    indicators: Annotated[list[IndexIndicator], Field(min_length=1)]


class IndexPillar(Frozen):
    """A pillar (e.g. pressure, capacity): the mean of its dimensions."""

    code: Code
    zh: Text
    en: Text
    dimensions: Annotated[list[IndexDimension], Field(min_length=1)]


class IndexRule(Frozen):
    """How indicators are normalised and aggregated, and what the score is.

    ``score = "warning"``: warning = pillar ``pressure`` / pillar ``capacity``
    (lower is better); ``score = "mean"``: the mean of all dimensions (higher
    is better). ``normalise`` and ``aggregate`` name the engine's functions.
    """

    normalise: Literal["n_minmax", "n_percentile"] = "n_minmax"
    aggregate: Literal["a_amean"] = "a_amean"
    score: Literal["warning", "mean"] = "warning"
    pressure: Code = "pressure"  # pillar code of the ratio's numerator
    capacity: Code = "capacity"  # pillar code of the ratio's denominator
    min_cities: Annotated[int, Field(ge=1)] = 2  # cities an indicator needs to be normalised


class CityIndexMethod(MethodFile):
    """A validated city-index method file (``kind = "city-index"``).

    Attributes
    ----------
    kind : "city-index"
    meta : Meta
        Identity and provenance, as in the firm methods.
    index : IndexRule
        Normaliser, aggregator, score and the pillars of the warning ratio.
    pillars : list of IndexPillar
        Pillars → dimensions → indicator references.
    text, sha256, file
        The file's text as loaded, its SHA-256 and where it came from.

    Examples
    --------
    >>> from fenghuang.methods import load_method
    >>> m = load_method("pressure-capacity", kind="city-index")
    >>> m.name, m.index.score, [p.code for p in m.pillars]
    ('pressure-capacity', 'warning', ['pressure', 'capacity'])
    """

    kind: Literal["city-index"]
    meta: Meta
    index: IndexRule = IndexRule()
    pillars: Annotated[list[IndexPillar], Field(min_length=1)]

    @property
    def dimensions(self) -> list[IndexDimension]:
        """Every dimension, pillar by pillar, in file order."""
        return [d for p in self.pillars for d in p.dimensions]

    def pillar(self, code: str) -> IndexPillar:
        """The pillar with this code."""
        for p in self.pillars:
            if p.code == code:
                return p
        raise KeyError(code)
