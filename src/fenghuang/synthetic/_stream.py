"""``stream_city``: large monthly files for benchmarks, written chunk by chunk.

A million firms × 12 months × 3 monthly sources is 36 million rows; they are
never held at once. Each chunk of firms is drawn with numpy (credit codes,
names and values vectorised, no Python loop over rows) and appended to every
output file (CSV through :class:`pyarrow.csv.CSVWriter`, Parquet through
:class:`pyarrow.parquet.ParquetWriter`), so memory is bounded by the chunk
size whatever the number of firms. Every file name carries 模拟数据 (a title
line would break a bare ``read_csv``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from fenghuang.errors import InputError
from fenghuang.sources import CHARSET
from fenghuang.synthetic._calibration import TARGETS
from fenghuang.synthetic._context import MARK
from fenghuang.synthetic._places import CHAINS, COUNTIES, COUNTY_WEIGHTS

__all__ = ["MONTHLY_SOURCES", "StreamManifest", "credit_codes", "stream_city"]

_WEIGHTS = np.asarray([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28])
_ALPHABET = np.frombuffer(CHARSET.encode(), dtype=np.uint8)
_DIGITS = {ch: i for i, ch in enumerate(CHARSET)}
# ASCII code of a check character → another valid character (a wrong check character).
_BUMP = np.arange(256, dtype=np.uint8)
for _i, _ch in enumerate(CHARSET):
    _BUMP[ord(_ch)] = ord(CHARSET[(_i + 7) % 31])

#: The monthly files: key → (file stem, headers: code, name, period, value).
MONTHLY_SOURCES: dict[str, tuple[str, tuple[str, str, str, str]]] = {
    "tax": ("税务_月报", ("统一社会信用代码", "企业名称", "所属期", "实缴税金(元)")),
    "power": ("供电_月报", ("统一社会信用代码", "户名", "年月", "用电量(千瓦时)")),
    "social": ("社保_月报", ("统一社会信用代码", "企业名称", "所属期", "社保费(元)")),
}
_REGISTER = (
    "统一社会信用代码",
    "企业名称",
    "区县代码",
    "区县",
    "园区",
    "产业链",
    "行业代码",
    "是否规上企业",
)


@dataclass(frozen=True)
class StreamManifest:
    """What :func:`stream_city` wrote.

    Attributes
    ----------
    out_dir : Path
    firms, rows : int
        Firms, and monthly rows per source (firms × 12).
    register : Path
        CSV firm register.
    csv, parquet : dict of str to Path
        Monthly files by source (``tax``, ``power``, ``social``).
    faults : dict of str to dict of str to int
        Per source, rows injected with each quarantine code (``fault_rate``);
        duplicates are extra rows, so a source has ``rows`` + duplicates rows.
    """

    out_dir: Path
    firms: int
    rows: int
    register: Path
    csv: dict[str, Path] = field(default_factory=dict)
    parquet: dict[str, Path] = field(default_factory=dict)
    faults: dict[str, dict[str, int]] = field(default_factory=dict)


def _code_matrix(index: np.ndarray, division: np.ndarray) -> np.ndarray:
    """Credit codes as an (n, 18) uint8 matrix of ASCII characters."""
    n = len(index)
    vals = np.zeros((n, 17), dtype=np.int64)
    vals[:, 0], vals[:, 1] = 9, 1
    div = np.asarray(division).astype("S6").view(np.uint8).reshape(n, 6)
    vals[:, 2:8] = div - ord("0")
    vals[:, 8], vals[:, 9] = _DIGITS["M"], _DIGITS["A"]
    x = (np.asarray(index, dtype=np.int64) * 7_919 + 104_729) % (31**7)
    for k in range(16, 9, -1):
        vals[:, k] = x % 31
        x //= 31
    check = (31 - (vals @ _WEIGHTS) % 31) % 31
    out: np.ndarray = np.ascontiguousarray(
        _ALPHABET[np.concatenate([vals, check[:, None]], axis=1)]
    )
    return out


def _as_strings(matrix: np.ndarray) -> pa.Array:
    raw = np.ascontiguousarray(matrix).view("S18").ravel()
    return pa.array(raw, pa.binary(18)).cast(pa.string())


def credit_codes(index: np.ndarray, division: np.ndarray) -> pa.Array:
    """Valid, distinct credit codes for firm numbers ``index`` (vectorised).

    ``91`` + 6-digit division + ``MA`` + 7 base-31 characters of a bijection of
    the index + the GB 32100-2015 check character. The same codes as the
    small generator gives the same firm numbers.

    Parameters
    ----------
    index : ndarray of int, (n,)
    division : ndarray of str, (n,)
        Six-digit division codes.

    Returns
    -------
    pyarrow.StringArray
    """
    return _as_strings(_code_matrix(index, division))


def _writer(path: Path, schema: pa.Schema, header: tuple[str, ...]) -> Any:
    fh = path.open("wb")
    fh.write((",".join(header) + "\n").encode("utf-8"))
    opts = pacsv.WriteOptions(include_header=False, quoting_style="none")
    return fh, pacsv.CSVWriter(fh, schema, write_options=opts)


def stream_city(
    out_dir: str | Path,
    *,
    firms: int = 1_000_000,
    seed: int = 1,
    year: int = 2023,
    chunk: int = 20_000,
    formats: tuple[str, ...] = ("csv", "parquet"),
    fault_rate: float = 0.0,
    progress: Callable[[int, int], None] | None = None,
) -> StreamManifest:
    """Write the register and the monthly tax, power and social-insurance files.

    Parameters
    ----------
    out_dir : str or Path
    firms : int
    seed : int
        Same arguments, same bytes.
    year : int
    chunk : int
        Firms per chunk: memory is bounded by it, not by ``firms``.
    formats : tuple of {"csv", "parquet"}
    fault_rate : float
        Share of monthly rows given a wrong check character (the import
        quarantines them as ``E-ROW-CREDIT-CODE-CHECK``), and the same share
        written twice (``E-ROW-DUPLICATE``). Counts are in ``StreamManifest.faults``.
    progress : callable, optional
        ``progress(firms_done, firms)`` after each chunk.

    Returns
    -------
    StreamManifest

    Examples
    --------
    >>> import tempfile
    >>> m = stream_city(tempfile.mkdtemp(), firms=100, chunk=40)
    >>> m.rows, sorted(m.csv)
    (1200, ['power', 'social', 'tax'])
    """
    bad = [f for f in formats if f not in ("csv", "parquet")]
    if firms < 1 or chunk < 1 or bad or not formats or not 0.0 <= fault_rate <= 0.1:
        raise InputError(
            "E-SYNTHETIC-ARGS",
            zh=f"流式生成参数无效（企业数 {firms}，分块 {chunk}，格式 {formats}，问题比例 {fault_rate}）",
            en=f"invalid streaming arguments (firms {firms}, chunk {chunk}, formats {formats}, "
            f"fault rate {fault_rate})",
            hint_zh="企业数与分块大小须为正数；格式可选 csv、parquet；问题比例在 0 到 0.1 之间",
            hint_en="firms and chunk must be positive; formats: csv, parquet; fault rate 0 to 0.1",
        )
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng([seed, 3])
    periods = np.asarray([f"{year}-{m:02d}" for m in range(1, 13)])
    division = np.asarray([c.code for c in COUNTIES])
    p_county = np.asarray(COUNTY_WEIGHTS) / sum(COUNTY_WEIGHTS)
    chain_names = np.asarray(list(CHAINS))
    chain_codes = np.asarray([CHAINS[c].industries[0][0] for c in chain_names])
    csv_paths = {k: out / f"{MARK}_{stem}_{year}.csv" for k, (stem, _) in MONTHLY_SOURCES.items()}
    pq_paths = {
        k: out / f"{MARK}_{stem}_{year}.parquet" for k, (stem, _) in MONTHLY_SOURCES.items()
    }
    reg_path = out / f"{MARK}_企业名录_{year}.csv"
    schemas = {
        k: pa.schema(
            [(h[0], pa.string()), (h[1], pa.string()), (h[2], pa.string()), (h[3], pa.float64())]
        )
        for k, (_, h) in MONTHLY_SOURCES.items()
    }
    reg_schema = pa.schema([(h, pa.string()) for h in _REGISTER])
    writers: dict[str, Any] = {}
    handles = []
    if "csv" in formats:
        for k, (_, h) in MONTHLY_SOURCES.items():
            fh, w = _writer(csv_paths[k], schemas[k], h)
            handles.append(fh)
            writers[f"csv:{k}"] = w
    if "parquet" in formats:
        meta = {b"fenghuang.synthetic": "模拟数据 synthetic".encode()}
        for k in MONTHLY_SOURCES:
            writers[f"pq:{k}"] = pq.ParquetWriter(
                pq_paths[k], schemas[k].with_metadata(meta), compression="zstd"
            )
    reg_fh, reg_w = _writer(reg_path, reg_schema, _REGISTER)
    handles.append(reg_fh)
    tax_mu = TARGETS["below.tax_per_mu"].value * 1e4
    counts = {k: {"E-ROW-CREDIT-CODE-CHECK": 0, "E-ROW-DUPLICATE": 0} for k in MONTHLY_SOURCES}
    try:
        for start in range(0, firms, chunk):
            n = min(chunk, firms - start)
            idx = np.arange(start, start + n)
            county = rng.choice(len(division), n, p=p_county)
            matrix = _code_matrix(idx, division[county])
            codes = _as_strings(matrix)
            num = pa.array(idx).cast(pa.string())
            names = pa.compute.binary_join_element_wise("萍乡模拟", num, "号工业有限公司", "")
            above = rng.random(n) < 0.6
            chain = rng.integers(len(chain_names), size=n)
            reg_w.write_table(
                pa.table(
                    [
                        codes,
                        names,
                        pa.array(division[county]),
                        pa.array(np.asarray([c.name for c in COUNTIES])[county]),
                        pa.array(np.asarray([c.park for c in COUNTIES])[county]),
                        pa.array(chain_names[chain]),
                        pa.array(chain_codes[chain]),
                        pa.array(np.where(above, "是", "否")),
                    ],
                    schema=reg_schema,
                )
            )
            z = rng.standard_normal(n)
            land = np.where(above, 32.0, 6.0) * np.exp(0.85 * z)
            tax = land * tax_mu * np.exp(0.6 * rng.standard_normal(n) + 0.3 * z)
            season = rng.gamma(40.0, 1 / 40.0, (n, 12))
            season /= season.sum(axis=1, keepdims=True)
            monthly = {
                "tax": np.round(tax[:, None] * season, 2),
                "power": np.round(tax[:, None] * season / TARGETS["below.tax_per_kwh"].value),
                "social": np.round((tax * 0.08)[:, None] * season, 2),
            }
            rep = np.repeat(np.arange(n), 12)
            rep_names = names.take(pa.array(rep))
            per = pa.array(np.tile(periods, n))
            for k, values in monthly.items():
                rows = np.repeat(matrix, 12, axis=0)
                n_bad = round(len(rows) * fault_rate)
                picked = rng.choice(len(rows), 2 * n_bad, replace=False) if n_bad else rep[:0]
                bad_rows, dup_rows = picked[:n_bad], picked[n_bad:]
                rows[bad_rows, 17] = _BUMP[rows[bad_rows, 17]]
                t = pa.table(
                    [_as_strings(rows), rep_names, per, pa.array(values.ravel())],
                    schema=schemas[k],
                )
                if n_bad:
                    t = pa.concat_tables([t, t.take(pa.array(np.sort(dup_rows)))])
                counts[k]["E-ROW-CREDIT-CODE-CHECK"] += n_bad
                counts[k]["E-ROW-DUPLICATE"] += n_bad
                if f"csv:{k}" in writers:
                    writers[f"csv:{k}"].write_table(t)
                if f"pq:{k}" in writers:
                    writers[f"pq:{k}"].write_table(t)
            if progress is not None:
                progress(start + n, firms)
    finally:
        for w in writers.values():
            w.close()
        reg_w.close()
        for fh in handles:
            fh.close()
    return StreamManifest(
        out_dir=out,
        firms=firms,
        rows=firms * 12,
        register=reg_path,
        csv=csv_paths if "csv" in formats else {},
        parquet=pq_paths if "parquet" in formats else {},
        faults=counts,
    )
