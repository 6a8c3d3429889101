"""Shared state of one generation run and helpers to inject faults into rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from fenghuang.facts import SYNTHETIC_MARK
from fenghuang.sources import CHARSET, normalize_name
from fenghuang.synthetic._files import Sheet
from fenghuang.synthetic._ledger import Fault, Ledger
from fenghuang.synthetic._population import Population

__all__ = ["MARK", "NOTE", "YES", "Ctx", "Rec", "bad_check", "emit", "name_variant", "title"]

#: The label every generated file carries.
MARK = SYNTHETIC_MARK
NOTE = "注：本表为凤凰平台生成的模拟数据（synthetic data），不代表任何真实企业。"
YES = {True: "是", False: "否"}


@dataclass
class Rec:
    """One data row being built: its cells, the facts it contributes, its faults.

    Attributes
    ----------
    cells : list
    contrib : list of (credit_code, year, field, value)
        Added to the truth when the row is written (empty for a row the
        import must quarantine).
    firm : int
        Index of the firm (-1 for none).
    notes : list of dict
        Keyword arguments of :class:`~._ledger.Fault` without file/sheet/row.
    """

    cells: list[object]
    contrib: list[tuple[str, int, str, float]] = field(default_factory=list)
    firm: int = -1
    notes: list[dict[str, Any]] = field(default_factory=list)
    month: int = 0

    @property
    def faulty(self) -> bool:
        return bool(self.notes)


@dataclass
class Ctx:
    """One run: population, truth, random stream, output folder, files by department."""

    pop: Population
    ledger: Ledger
    rng: np.random.Generator
    out: Path
    files: dict[str, list[Path]] = field(default_factory=dict)
    parquet: dict[Path, Path] = field(default_factory=dict)

    def path(self, department: str, name: str) -> Path:
        """Register a new department file ``模拟数据_<name>`` and return its path."""
        p = self.out / f"{MARK}_{name}"
        self.files.setdefault(department, []).append(p)
        return p

    def count(self, rate: float, lo: int = 1) -> int:
        """How many faults of a kind to inject: ``rate`` × firms, at least ``lo``."""
        return max(lo, round(self.pop.n * rate))

    def pick(self, candidates: list[int], k: int) -> list[int]:
        """``k`` distinct items of ``candidates`` (fewer if there are fewer), in order."""
        if not candidates:
            return []
        k = min(k, len(candidates))
        idx = self.rng.choice(len(candidates), k, replace=False)
        return sorted(candidates[int(i)] for i in idx)


def emit(ctx: Ctx, recs: list[Rec], file: str, sheet: str, first_row: int) -> None:
    """Record the faults (with their final row numbers) and the truth of written rows."""
    for k, rec in enumerate(recs):
        for note in rec.notes:
            ctx.ledger.fault(Fault(file=file, sheet=sheet, row=first_row + k, **note))
        for code, year, f, value in rec.contrib:
            ctx.ledger.add(code, year, f, value)


def bad_check(code: str) -> str:
    """The same code with a wrong GB 32100-2015 check character."""
    return code[:-1] + CHARSET[(CHARSET.index(code[-1]) + 7) % 31]


def name_variant(name: str, rng: np.random.Generator) -> str:
    """A spelling of ``name`` that normalises to the same key (width, brackets, 有限责任公司)."""
    options = []
    if name.endswith("有限公司") and not name.endswith("股份有限公司"):
        options.append(name[: -len("有限公司")] + "有限责任公司")
    if "（" in name:
        options.append(name.replace("（", "(").replace("）", ")"))
        options.append(name.replace("（", "").replace("）", ""))
    else:
        options.append(name[:2] + "（" + name[2:4] + "）" + name[4:])
    options.append(name[:4] + "\u3000" + name[4:])
    options.append(name[:3] + " " + name[3:])
    key = normalize_name(name)
    good = [o for o in options if normalize_name(o) == key and o != name]
    return good[int(rng.integers(len(good)))]


def title(sheet: Sheet, text: str, width: int) -> None:
    """Append a title row merged across ``width`` columns."""
    sheet.rows.append([text])
    sheet.merges.append((sheet.next_row - 1, 1, sheet.next_row - 1, width))
