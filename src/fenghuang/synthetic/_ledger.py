"""The ground truth: facts the import must produce, and the list of injected faults."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

__all__ = ["Fault", "Ledger", "Outcome", "load_faults"]

Outcome = Literal["repaired", "quarantined", "flagged", "accepted"]


@dataclass(frozen=True)
class Fault:
    """One injected fault and what the import must do with it.

    Attributes
    ----------
    file : str
        File name (no folder).
    sheet : str
        Sheet name ('' for CSV and Parquet).
    row : int or None
        1-based row as Excel or an editor shows it; None for a file-wide fault.
    column : str
        Header of the affected column ('' for a whole row or file).
    kind : str
        ``unit``, ``encoding``, ``duplicate``, ``name_variant``, ``former_name``,
        ``missing_month``, ``check_char``, ``fullwidth``, ``thousands``,
        ``chinese_date``, ``conflict`` or ``unmatched``.
    outcome : {"repaired", "quarantined", "flagged", "accepted"}
        ``repaired``: the facts are right anyway; ``quarantined``: the row is in
        the quarantine with ``code``; ``flagged``: ``fact_checks`` reports
        ``code``; ``accepted``: nothing to repair (e.g. a month not reported).
    code : str
        A :data:`fenghuang.sources.CODES` code, or ''.
    credit_code : str
        The firm concerned ('' if none or unknown).
    year : int or None
    field : str
        Canonical field concerned ('' for none).
    detail : str
        What was written (zh).
    """

    file: str
    sheet: str
    row: int | None
    column: str
    kind: str
    outcome: Outcome
    code: str = ""
    credit_code: str = ""
    year: int | None = None
    field: str = ""
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Ledger:
    """Accumulates the true firm-year facts while files are written, and the faults."""

    def __init__(self) -> None:
        self.facts: dict[tuple[str, int], dict[str, float | bool | int]] = {}
        self.faults: list[Fault] = []

    def add(self, code: str, year: int, field: str, value: float) -> None:
        """Add ``value`` to a summed fact (monthly rows, parcels)."""
        row = self.facts.setdefault((code, year), {})
        row[field] = float(row.get(field, 0.0)) + value

    def set(self, code: str, year: int, field: str, value: float | bool | int) -> None:
        """Set an annual fact."""
        self.facts.setdefault((code, year), {})[field] = value

    def fault(self, fault: Fault) -> None:
        self.faults.append(fault)

    def fault_file(
        self,
        file: str,
        kind: str,
        detail: str,
        *,
        sheet: str = "",
        field: str = "",
        column: str = "",
    ) -> None:
        """A file-wide fault the import repairs (an encoding, a unit for the whole file)."""
        self.faults.append(
            Fault(file, sheet, None, column, kind, "repaired", field=field, detail=detail)
        )


def load_faults(path: str | Path) -> list[Fault]:
    """The fault list written by :func:`fenghuang.synthetic.generate_city`.

    Parameters
    ----------
    path : str or Path
        ``CityManifest.faults`` (JSON).

    Returns
    -------
    list of Fault
    """
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return [Fault(**d) for d in data]
