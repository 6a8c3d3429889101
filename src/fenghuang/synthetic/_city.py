"""``generate_city``: write a synthetic city's department files, ground truth and fault list."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from fenghuang.errors import InputError
from fenghuang.facts import ARROW_TYPES, DEPARTMENTS, FIRM_FIELDS, FIRM_YEAR_FIELDS
from fenghuang.synthetic._annual import (
    write_conflict,
    write_energy,
    write_environment,
    write_science,
    write_stats,
)
from fenghuang.synthetic._calibration import SOURCE, TARGETS
from fenghuang.synthetic._context import MARK, Ctx
from fenghuang.synthetic._land import write_land
from fenghuang.synthetic._ledger import Ledger
from fenghuang.synthetic._monthly import write_power, write_social, write_tax
from fenghuang.synthetic._population import Population, make_population
from fenghuang.synthetic._register import write_register

__all__ = ["CITIES", "CityManifest", "generate_city", "truth_schema"]

#: Cities the generator knows (their places and chains are in ``_places``).
CITIES = ("pingxiang",)


@dataclass(frozen=True)
class CityManifest:
    """What :func:`generate_city` wrote.

    Attributes
    ----------
    out_dir : Path
    city : str
    firms, seed : int
    years : tuple of int
    department_files : dict of str to tuple of Path
        Per department (keys of :data:`fenghuang.facts.DEPARTMENTS`), exactly
        the files to import (xlsx and CSV).
    parquet_files : dict of Path to Path
        Parquet copies (in ``out_dir/parquet/``) → the department file each
        one can replace. Import one or the other, never both.
    truth_facts : Path
        Parquet: the firm-year facts the import must produce (one row per
        register firm and year, columns as :func:`fenghuang.warehouse.firm_facts`).
    truth_register : Path
        Parquet: the firm register.
    faults : Path
        JSON: the injected faults (see :class:`fenghuang.synthetic.Fault`).
    readme : Path
    """

    out_dir: Path
    city: str
    firms: int
    seed: int
    years: tuple[int, ...]
    department_files: dict[str, tuple[Path, ...]]
    parquet_files: dict[Path, Path] = field(default_factory=dict)
    truth_facts: Path = Path()
    truth_register: Path = Path()
    faults: Path = Path()
    readme: Path = Path()

    @property
    def files(self) -> list[Path]:
        """All department files to import, in a stable order."""
        return [p for dep in self.department_files.values() for p in dep]


def truth_schema() -> pa.Schema:
    """Columns of the truth table: register fields then firm-year fields (as ``firm_facts``)."""
    cols = {**FIRM_FIELDS, **FIRM_YEAR_FIELDS}
    return pa.schema([(name, ARROW_TYPES[spec.dtype]) for name, spec in cols.items()])


def _register_rows(pop: Population) -> list[dict[str, object]]:
    return [
        {
            "credit_code": pop.codes[i],
            "name": pop.names[i],
            "former_names": pop.former[i] or None,
            "industry_code": pop.industry[i],
            "chain": pop.chain[i],
            "county_code": pop.county_code[i],
            "county": pop.county[i],
            "park": pop.park[i],
            "above_scale": bool(pop.above[i]),
            "founded": pop.founded[i],
            "status": "存续",
            "exempt": pop.exempt[i] or None,
            "listed": bool(pop.listed[i]),
            "tech_growth": bool(pop.tech_growth[i]),
            "major_project": bool(pop.major_project[i]),
        }
        for i in range(pop.n)
    ]


def _truth(pop: Population, ledger: Ledger) -> pa.Table:
    schema = truth_schema()
    reg = sorted(_register_rows(pop), key=lambda r: str(r["credit_code"]))
    rows = []
    for y in pop.years:
        for r in reg:
            facts = ledger.facts.get((str(r["credit_code"]), y), {})
            row: dict[str, object] = dict(r)
            row["year"] = y
            for name, spec in FIRM_YEAR_FIELDS.items():
                if name in ("credit_code", "year"):
                    continue
                v = facts.get(name)
                if v is None:
                    row[name] = None
                elif spec.dtype == "bool":
                    row[name] = bool(v)
                elif spec.dtype == "int64":
                    row[name] = round(float(v))
                else:
                    row[name] = float(v)
            rows.append(row)
    return pa.Table.from_pylist(rows, schema=schema)


def _clear(out: Path) -> None:
    """Remove files an earlier run wrote here (only 模拟数据_* files), so none is imported twice."""
    for folder in (out, out / "parquet", out / "truth"):
        if folder.is_dir():
            for p in folder.glob(f"{MARK}_*"):
                if p.is_file():
                    p.unlink()


def _readme(city: str, firms: int, seed: int, years: tuple[int, ...]) -> str:
    return (
        f"{MARK}（synthetic data）\n"
        f"本文件夹中的全部文件均由凤凰平台（fenghuang.synthetic）生成，模拟一个类似萍乡的城市，"
        f"不代表任何真实企业或部门数据。\n"
        f"All files in this folder are synthetic, generated by fenghuang.synthetic; "
        f"no real firm or department data.\n\n"
        f"city={city} firms={firms} seed={seed} years={years[0]}-{years[-1]}\n"
        f"校准目标 / calibration targets: {SOURCE}\n"
        + "".join(f"  {t.zh}: {t.value} {t.unit}\n" for t in TARGETS.values())
        + "\n部门文件 department files: *.xlsx, *.csv（导入这些 / import these）\n"
        "parquet/: 与某个部门文件等价的 Parquet 副本（二选一导入 / import one or the other）\n"
        "truth/: 导入后应得到的企业年度事实与注入的数据问题清单 / ground truth and fault list\n"
    )


def generate_city(
    out_dir: str | Path,
    *,
    city: str = "pingxiang",
    firms: int = 591,
    seed: int = 1,
    years: tuple[int, ...] = (2021, 2022, 2023),
    progress: Callable[[str, int, int], None] | None = None,
) -> CityManifest:
    """Write a synthetic Pingxiang-like city's department files (模拟数据).

    Parameters
    ----------
    out_dir : str or Path
        Folder to write into (created). Files an earlier run wrote there
        (``模拟数据_*``) are removed first; other files are left alone.
    city : {"pingxiang"}
    firms : int
        Number of industrial firms (Pingxiang evaluated 591).
    seed : int
        The same arguments give byte-identical files.
    years : tuple of int
        Consecutive years, oldest first.
    progress : callable, optional
        ``progress(step, done, total)`` after each department is written.

    Returns
    -------
    CityManifest

    Raises
    ------
    fenghuang.errors.InputError
        ``E-SYNTHETIC-ARGS`` for an unknown city, fewer than 30 firms or no years.

    Examples
    --------
    >>> import tempfile
    >>> m = generate_city(tempfile.mkdtemp(), firms=40, seed=3, years=(2023,))
    >>> sorted(m.department_files)[:3]
    ['energy', 'environment', 'land']
    """
    years = tuple(int(y) for y in years)
    if city not in CITIES or firms < 30 or not years or list(years) != sorted(set(years)):
        raise InputError(
            "E-SYNTHETIC-ARGS",
            zh=f"模拟城市参数无效（城市 {city}，企业数 {firms}，年度 {years}）",
            en=f"invalid synthetic-city arguments (city {city}, firms {firms}, years {years})",
            hint_zh=f"城市可选 {'、'.join(CITIES)}；企业数至少 30；年度按升序且不重复",
            hint_en=f"city one of {', '.join(CITIES)}; at least 30 firms; years ascending",
        )
    out = Path(out_dir)
    _clear(out)
    (out / "truth").mkdir(parents=True, exist_ok=True)
    pop = make_population(firms, seed, years)
    ctx = Ctx(pop, Ledger(), np.random.default_rng([seed, 2]), out)
    steps = (
        write_register,
        write_land,
        write_tax,
        write_social,
        write_power,
        write_stats,
        write_energy,
        write_environment,
        write_science,
        write_conflict,
    )
    for k, write in enumerate(steps, start=1):
        write(ctx)
        if progress is not None:
            progress(write.__name__.removeprefix("write_"), k, len(steps) + 1)
    truth = _truth(pop, ctx.ledger)
    facts_path = out / "truth" / f"{MARK}_truth_firm_year_facts.parquet"
    pq.write_table(truth, facts_path)
    reg_path = out / "truth" / f"{MARK}_truth_register.parquet"
    reg = pa.Table.from_pylist(
        sorted(_register_rows(pop), key=lambda r: str(r["credit_code"])),
        schema=pa.schema([f for f in truth_schema() if f.name in FIRM_FIELDS]),
    )
    pq.write_table(reg, reg_path)
    faults_path = out / "truth" / f"{MARK}_faults.json"
    faults_path.write_text(
        json.dumps([f.to_dict() for f in ctx.ledger.faults], ensure_ascii=False, indent=1),
        encoding="utf-8",
    )
    readme = out / "README.txt"
    readme.write_text(_readme(city, firms, seed, years), encoding="utf-8")
    if progress is not None:
        progress("truth", len(steps) + 1, len(steps) + 1)
    order = [d for d in DEPARTMENTS if d in ctx.files]
    return CityManifest(
        out_dir=out,
        city=city,
        firms=firms,
        seed=seed,
        years=years,
        department_files={d: tuple(ctx.files[d]) for d in order},
        parquet_files=dict(ctx.parquet),
        truth_facts=facts_path,
        truth_register=reg_path,
        faults=faults_path,
        readme=readme,
    )
