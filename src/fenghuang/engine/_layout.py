"""COINr iData/iMeta layout → :class:`IndexBuild`, and the standard pipeline."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from fenghuang.errors import EngineInputError

from ._build import IndexBuild
from ._framework import framework_from_rows

__all__ = ["build_from_rows", "coinr_pipeline", "example_build"]


def _cell(r: Mapping[str, str], col: str, row: int) -> float:
    s = (r.get(col) or "").strip()
    if s in ("", "NA", "NaN", "nan"):
        return math.nan
    try:
        return float(s)
    except ValueError as exc:
        raise EngineInputError(
            "E-ENGINE-NON-NUMERIC",
            zh=f"单元格不是数字：{s!r}",
            en=f"cell is not a number: {s!r}",
            indicator=col,
            unit=r.get("uCode"),
            row=row,
        ) from exc


def build_from_rows(
    data_rows: Sequence[Mapping[str, str]], meta_rows: Sequence[Mapping[str, str]]
) -> IndexBuild:
    """An :class:`IndexBuild` from COINr-layout rows (``uCode``, indicator
    columns, group and denominator columns; iMeta with ``Type``)."""
    fw = framework_from_rows(meta_rows)
    groups = [(r.get("iCode") or "").strip() for r in meta_rows if (r.get("Type") or "") == "Group"]
    denoms = [
        (r.get("iCode") or "").strip() for r in meta_rows if (r.get("Type") or "") == "Denominator"
    ]
    if not data_rows:
        raise EngineInputError("E-ENGINE-EMPTY", zh="数据为空", en="no data rows")
    for c in fw.indicators:
        if c not in data_rows[0]:
            raise EngineInputError(
                "E-ENGINE-MISSING-COLUMN",
                zh="数据缺少元数据中的指标列",
                en="data lack an indicator column named in the metadata",
                indicator=c,
            )
    X = np.array(
        [[_cell(r, c, i) for c in fw.indicators] for i, r in enumerate(data_rows, start=2)]
    )
    units = tuple((r.get("uCode") or "").strip() for r in data_rows)
    den = {
        d: np.array([_cell(r, d, i) for i, r in enumerate(data_rows, start=2)])
        for d in denoms
        if d in data_rows[0]
    }
    grp = {g: np.array([r.get(g, "") for r in data_rows]) for g in groups if g in data_rows[0]}
    return IndexBuild(X, units, fw, grp, den)


def coinr_pipeline(
    build: IndexBuild,
    *,
    impute_group: str | None = "EurAsia_group",
    normalise: str = "minmax",
) -> IndexBuild:
    """COINr's example pipeline: denominate, impute (group mean), screen at
    0.9, treat (winmax 5), normalise 0–100, arithmetic mean level by level.
    """
    has_den = any(build.framework.node(c).denominator for c in build.framework.indicators)
    if has_den:
        build.denominate()
    if impute_group is not None and impute_group in build.groups:
        build.impute("group_mean", impute_group)
    else:
        build.impute("mean")
    return build.screen(0.9).treat(5).normalise(normalise, 0.0, 100.0).aggregate("amean")


def example_build(name: str = "asem", *, normalise: str = "minmax") -> IndexBuild:
    """The shipped example built with :func:`coinr_pipeline`.

    Examples
    --------
    >>> b = example_build("asem")
    >>> round(float(b.scores("Index")[b.units.index("CHE")]), 2)
    68.38
    """
    from .examples import read_example

    data, meta = read_example(name)
    return coinr_pipeline(build_from_rows(data, meta), normalise=normalise)
