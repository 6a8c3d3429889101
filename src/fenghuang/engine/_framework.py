"""Indicator metadata and the hierarchy (COINr iMeta)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from fenghuang.errors import EngineInputError, HierarchyError

__all__ = ["Framework", "IndicatorMeta", "framework_from_rows"]


@dataclass(frozen=True)
class IndicatorMeta:
    """One indicator or aggregate: code, name, direction, weight, parent …"""

    code: str
    name: str = ""
    direction: int = 1
    weight: float = 1.0
    parent: str | None = None
    unit: str = ""
    denominator: str | None = None
    target: float | None = None
    goalposts: tuple[float, float] | None = None


@dataclass(frozen=True)
class Framework:
    """Validated metadata: leaves (indicators) and aggregates by level.

    ``levels[0]`` are the indicator codes (the columns of the data matrix);
    ``levels[i]`` the aggregate codes of level ``i + 1``.
    """

    nodes: tuple[IndicatorMeta, ...]
    levels: tuple[tuple[str, ...], ...]

    def node(self, code: str) -> IndicatorMeta:
        for n in self.nodes:
            if n.code == code:
                return n
        raise HierarchyError(
            "E-ENGINE-UNKNOWN-CODE", zh="未知代码", en="unknown code", indicator=code
        )

    @property
    def indicators(self) -> tuple[str, ...]:
        return self.levels[0]

    def children(self, code: str) -> list[str]:
        return [n.code for n in self.nodes if n.parent == code]

    def directions(self) -> npt.NDArray[np.float64]:
        return np.array([self.node(c).direction for c in self.indicators], dtype=np.float64)

    @classmethod
    def build(cls, nodes: Sequence[IndicatorMeta], indicators: Sequence[str]) -> Framework:
        """Check codes, parents, cycles and directions; derive the levels.

        Examples
        --------
        >>> fw = Framework.build(
        ...     [IndicatorMeta("a", parent="P"), IndicatorMeta("b", parent="P"),
        ...      IndicatorMeta("P")], ["a", "b"])
        >>> fw.levels
        (('a', 'b'), ('P',))
        """
        by = {}
        for n in nodes:
            if n.code in by:
                raise HierarchyError(
                    "E-ENGINE-DUP-CODE", zh="代码重复", en="duplicate code", indicator=n.code
                )
            if n.direction not in (1, -1):
                raise EngineInputError(
                    "E-ENGINE-DIRECTION",
                    zh="方向必须为 1 或 -1",
                    en="direction must be 1 or -1",
                    indicator=n.code,
                )
            if not math.isfinite(n.weight) or n.weight < 0:
                from fenghuang.errors import WeightsError

                raise WeightsError(
                    "E-ENGINE-WEIGHT",
                    zh="权重缺失或为负",
                    en="weight is missing or negative",
                    indicator=n.code,
                )
            by[n.code] = n
        for n in nodes:
            if n.parent is not None and n.parent not in by:
                raise HierarchyError(
                    "E-ENGINE-UNKNOWN-PARENT",
                    zh=f"上级 {n.parent} 不存在",
                    en=f"parent {n.parent} does not exist",
                    indicator=n.code,
                )
        depth: dict[str, int] = {}
        for c in indicators:
            if c not in by:
                raise HierarchyError(
                    "E-ENGINE-UNKNOWN-CODE",
                    zh="数据列不在元数据中",
                    en="data column is missing from the metadata",
                    indicator=c,
                )
        for start in by:
            seen = [start]
            p = by[start].parent
            while p is not None:
                if p in seen:
                    raise HierarchyError(
                        "E-ENGINE-CYCLE",
                        zh="指标层级存在循环：" + " → ".join([*seen, p]),
                        en="cycle in the hierarchy: " + " → ".join([*seen, p]),
                        indicator=start,
                    )
                seen.append(p)
                p = by[p].parent
        leaf = set(indicators)
        # level of an aggregate = 1 + max level of its children
        kids: dict[str, list[str]] = {}
        for n in nodes:
            if n.parent is not None:
                kids.setdefault(n.parent, []).append(n.code)
        for c in leaf:
            if c in kids:
                raise HierarchyError(
                    "E-ENGINE-LEAF-PARENT",
                    zh="指标不能同时是上级",
                    en="an indicator cannot also be a parent",
                    indicator=c,
                )

        def lvl(c: str) -> int:
            if c in depth:
                return depth[c]
            if c in leaf:
                depth[c] = 0
            elif c not in kids:
                raise HierarchyError(
                    "E-ENGINE-EMPTY-GROUP",
                    zh="聚合项没有下级且不是数据列",
                    en="aggregate has no children and is not a data column",
                    indicator=c,
                )
            else:
                depth[c] = 1 + max(lvl(k) for k in kids[c])
            return depth[c]

        for c in by:
            lvl(c)
        top = max(depth.values())
        levels = [tuple(indicators)] + [
            tuple(c for c in by if depth[c] == i) for i in range(1, top + 1)
        ]
        return cls(tuple(by[c] for c in by), tuple(levels))


def _num(s: str | None) -> float | None:
    if s is None or s.strip() in ("", "NA"):
        return None
    return float(s)


def framework_from_rows(rows: Sequence[Mapping[str, str]]) -> Framework:
    """Framework from COINr iMeta rows (iCode, iName, Direction, Weight, Parent,
    Type, Denominator, Unit, Target); rows of Type Group/Denominator/Other are
    skipped.
    """
    nodes: list[IndicatorMeta] = []
    indicators: list[str] = []
    for i, r in enumerate(rows, start=2):
        typ = (r.get("Type") or "").strip()
        if typ not in ("Indicator", "Aggregate"):
            continue
        code = (r.get("iCode") or "").strip()
        try:
            direction = int(_num(r.get("Direction")) or 1)
            weight = _num(r.get("Weight"))
            target = _num(r.get("Target"))
        except ValueError as exc:
            raise EngineInputError(
                "E-ENGINE-META-NUMBER",
                zh="元数据中方向/权重/目标不是数字",
                en="direction/weight/target in the metadata is not a number",
                indicator=code,
                row=i,
            ) from exc
        nodes.append(
            IndicatorMeta(
                code=code,
                name=(r.get("iName") or "").strip(),
                direction=direction,
                weight=1.0 if weight is None else weight,
                parent=(r.get("Parent") or "").strip() or None,
                unit=(r.get("Unit") or "").strip(),
                denominator=(r.get("Denominator") or "").strip() or None,
                target=target,
            )
        )
        if typ == "Indicator":
            indicators.append(code)
    return Framework.build(nodes, indicators)
