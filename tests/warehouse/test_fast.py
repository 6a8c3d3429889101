"""The fast (DuckDB-direct) import path gives what the general path gives."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from store_digests import table_digests, visible_digests

from fenghuang.errors import FenghuangError
from fenghuang.sources import make_credit_code, plan_columns
from fenghuang.warehouse import Store, fact_lineage, firm_facts, import_files

_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def code(i: int) -> str:
    body = ""
    n = i
    for _ in range(8):
        body = _ALPHABET[n % 31] + body
        n //= 31
    return make_credit_code("91360300M" + body)


def bad_check(c: str) -> str:
    return c[:-1] + _ALPHABET[(_ALPHABET.index(c[-1]) + 1) % 31]


A, B, C, D = code(1), code(2), code(3), code(4)

REGISTER = (
    "统一社会信用代码,企业名称,曾用名\n"
    f"{A},甲公司,\n{B},乙有限公司,旧乙公司\n{C},丙公司,\n{D},丁公司,\n"
)

#: A messy tax file: every kind of fault the readers know, in a CSV without quotes.
MESSY_LINES = [
    "萍乡市税务局2023年税收入库情况",
    "单位：万元",
    "纳税人识别号,纳税人名称,所属期,实缴税额,退税额",
    f"{A},甲公司,2023-01,1.5,",
    f"{A},甲公司,2023-02,2,0.5",
    f"{A},甲公司,2023-02,2,0.5",  # exact duplicate of the line above
    f"{A},甲公司,2023-03,１２,",  # full-width digits: repaired
    f"{A},甲公司,2023-03,12,",  # same canonical values as the full-width row: duplicate
    f"{B},乙公司,2023年5月,3,",
    f"{B},乙公司,202306,3,",
    f"{B},乙公司,2023/7,4,1",
    f"{B},乙公司,2023/7,5,1",  # same key, other value: conflict
    f"{bad_check(C)},丙公司,2023-01,7,",  # wrong check character
    f"{C.lower()},丙公司,2023-02,7,",  # lower case: normalised
    f" {C} ,丙公司,2023-03,7,",  # spaces: normalised
    f"{C}X,丙公司,2023-04,7,",  # 19 characters
    f"{C},丙公司,2023-13,7,",  # no such month
    f"{C},丙公司,,7,",  # no period
    f"{C},丙公司,2023-05,-7,",  # negative
    f"{C},丙公司,2023-06,abc,",  # not a number
    f"{C},丙公司,2023-07,1e12,",  # absurd (1e16 元)
    f"{C},丙公司,2023-08,—,",  # a dash: no value
    f"{C},丙公司,2023-09,1，234.5,",  # full-width thousands separator
    f"{C},丙公司,2023-10,3,2,多余",  # one field too many: the extra is ignored
    f"{C},丙公司,2023-11",  # short row
    f"{C}, 丙公司 ,2023-12,1,",  # name with spaces
    ",乙有限责任公司,2023-08,9,",  # name only: linked by name
    ",旧乙公司,2023-09,9,",  # linked by former name
    ",不存在公司,2023-10,9,",  # unmatched
    ",,2023-10,9,",  # neither code nor name
    f"{D},NULL,2023-01,1,",
    "",
    f"{D},丁公司,二〇二三年二月,1,",  # Chinese numerals
    f"{D},丁公司,2023-03,,",  # no amount at all
    "合计,,,999,",
    f"{D},小计,2023-04,1,",
    "注：本表为模拟数据",
    "制表人：张三",
]


def _write(tmp: Path, lines: list[str], name: str = "税务_2023.csv") -> Path:
    path = tmp / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _register(tmp: Path) -> Path:
    """The firm register file (REGISTER) in ``tmp``."""
    path = tmp / "企业名录.csv"
    path.write_text(REGISTER, encoding="utf-8")
    return path


def _store_with_register(path: Path, tmp: Path) -> Path:
    """A store at ``path`` holding only the register; returns the register file."""
    reg = _register(tmp)
    with Store(path) as s:
        import_files(s, [reg])
    return reg


def _tables(store: Store) -> dict[str, list[tuple[object, ...]]]:
    out = {}
    for t in ("source_values", "quarantine", "name_links", "firm_register"):
        out[t] = sorted(store.fetch_all(f"select * from {t}"), key=repr)
    out["imports"] = store.fetch_all(
        "select import_id, file_name, department, rows_read, rows_loaded, rows_rejected "
        "from imports order by 1"
    )
    return out


def _both(tmp: Path, files: list[Path]) -> tuple[dict[str, list[tuple[object, ...]]], ...]:
    results = []
    for fast in (False, True):
        with Store(tmp / f"fh_{fast}.duckdb") as s:
            report = import_files(s, files, fast=fast)
            assert [f.fast for f in report.files if f.kind == "monthly"] == [fast] * sum(
                f.kind == "monthly" for f in report.files
            )
            results.append(_tables(s))
    return results[0], results[1]


def test_fast_path_equals_general_path_on_a_messy_csv(tmp_path: Path) -> None:
    reg = _register(tmp_path)
    tax = _write(tmp_path, MESSY_LINES)
    general, fast = _both(tmp_path, [tax, reg])
    assert fast == general
    codes = {r[5] for r in general["quarantine"]}
    assert codes == {
        "E-ROW-DUPLICATE",
        "E-ROW-CONFLICT",
        "E-ROW-CREDIT-CODE-CHECK",
        "E-ROW-CREDIT-CODE-FORMAT",
        "E-ROW-DATE",
        "E-ROW-MISSING",
        "E-ROW-NEGATIVE",
        "E-ROW-NUMBER",
        "E-ROW-ABSURD",
        "E-ROW-UNMATCHED",
    }
    assert len(general["source_values"]) > 15 and len(general["name_links"]) == 2


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_native_csv_parse_equals_general_path(tmp_path: Path, newline: str) -> None:
    """Without blank lines DuckDB's CSV parser splits the cells (Staged.native): short
    rows, a cell too many, notes and 合计 rows, dirty rows read back from their JSON cells."""
    from fenghuang.warehouse._fast import fast_candidate

    reg = _register(tmp_path)
    tax = tmp_path / "税务_2023.csv"
    lines = [x for x in MESSY_LINES if x]
    tax.write_bytes((newline.join(lines) + newline).encode("utf-8"))
    staged = fast_candidate(tax, True, set())
    assert staged is not None and staged.native
    general, fast = _both(tmp_path, [tax, reg])
    assert fast == general
    # row numbers are the file's line numbers: the full-width row is line 7
    rows = {r[2]: r for r in fast["source_values"] if r[3] == A}
    assert rows[7][7] == 120000.0  # １２ 万元
    assert {r[3] for r in fast["quarantine"] if r[5] == "E-ROW-DUPLICATE"} == {6, 8}


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.lists(st.text(alphabet="a 1１甲\t", max_size=3), min_size=4, max_size=4),
        min_size=1,
        max_size=25,
    ),
    odd=st.sampled_from(["", "", "", "", "short", "long", "cr"]),
    newline=st.sampled_from(["\n", "\r\n"]),
    last_newline=st.booleans(),
)
def test_pyarrow_cells_are_numbered_as_duckdb_numbers_them(
    tmp_path_factory: pytest.TempPathFactory,
    rows: list[list[str]],
    odd: str,
    newline: str,
    last_newline: bool,
) -> None:
    """Step 1's pyarrow parse (Staged.arrow) gives DuckDB's cells and line numbers, or refuses.

    ``odd``: one row a cell short or long (pyarrow refuses the file), or a
    carriage return inside a cell (the file is not given to pyarrow).
    """
    from fenghuang.warehouse._fast import _arrow_cells, _source_sql, fast_candidate

    tmp = tmp_path_factory.mktemp("cells")
    rows = [list(r) for r in rows]
    if odd == "short":
        rows[-1].pop()
    elif odd == "long":
        rows[0].append("1")
    elif odd == "cr":
        rows[len(rows) // 2][1] += "\r甲"
    lines = ["统一社会信用代码,企业名称,所属期,用电量(千瓦时)", *(",".join(r) for r in rows)]
    path = tmp / "供电.csv"
    path.write_bytes((newline.join(lines) + (newline if last_newline else "")).encode())
    staged = fast_candidate(path, True, set())
    if staged is None or staged.fp.plan.delimiter != ",":
        return  # tabs read as the delimiter, or no plan: not this test's matter
    if odd == "cr":
        assert not staged.arrow  # DuckDB's parser splits it its own way
        return
    assert staged.arrow
    with Store(":memory:") as s:
        duck = s.fetch_arrow(f"select * from ({_source_sql(staged)}) order by row_no")
        try:
            with s.registered("_cells", _arrow_cells(staged)):
                got = s.fetch_arrow(
                    f"select * from ({_source_sql(staged, '_cells')}) order by row_no"
                )
        except (pa.ArrowException, duckdb.Error):
            assert odd in ("short", "long")  # step 1 then uses DuckDB's parser
            return
    assert not odd
    assert got.to_pylist() == duck.to_pylist()


def test_a_blank_line_keeps_line_numbers_on_the_line_path(tmp_path: Path) -> None:
    from fenghuang.warehouse._fast import _arrow_cells, drop_arrow, fast_candidate

    lines = [x for x in MESSY_LINES if x]
    width = len(lines[2].split(","))  # the header (below a title and a unit line)
    lines = lines[:3] + [x for x in lines[3:] if len(x.split(",")) == width]  # pyarrow reads these
    for cut in (3, 10, len(lines)):  # after the header, in the middle, at the end (+ "\n\n")
        tax = _write(tmp_path, [*lines[:cut], "", *lines[cut:]], f"税务_{cut}.csv")
        staged = fast_candidate(tax, True, set())
        assert staged is not None and staged.arrow and staged.native, cut
        # pyarrow numbers a blank line as a row of NULLs, so the numbers stay line numbers
        cells = _arrow_cells(staged).read_all()
        blank = cells.filter(pa.compute.is_null(cells.column("c0"))).column("row_no")
        assert cut + 1 in blank.to_pylist(), cut
        general, fast = _both(tmp_path / str(cut), [tax])
        assert fast == general, cut
        drop_arrow(staged)  # DuckDB's parser skips blank lines: the line path
        assert not staged.native and not staged.arrow, cut
    clean = _write(tmp_path, lines, "税务_clean.csv")
    staged = fast_candidate(clean, True, set())
    assert staged is not None and staged.native and staged.arrow
    assert _arrow_cells(staged).read_all().num_rows == len(lines) - 3
    drop_arrow(staged)
    assert staged.native and not staged.arrow


def test_fast_path_lineage_and_facts(tmp_path: Path) -> None:
    reg = _register(tmp_path)
    tax = _write(tmp_path, MESSY_LINES)
    with Store(tmp_path / "fh.duckdb") as s:
        import_files(s, [tax, reg], fast=True)
        by = {r["credit_code"]: r for r in firm_facts(s, 2023).to_pylist()}
        # A: 1.5 + 2 + 12 万元 (one duplicate of each dropped)
        assert by[A]["tax_paid"] == pytest.approx(155000.0)
        assert by[A]["tax_refund"] == pytest.approx(5000.0)
        # B: 3 + 3 (2023/7 conflicts) + 9 + 9 linked by name and former name
        assert by[B]["tax_paid"] == pytest.approx(240000.0)
        lin = [r for r in fact_lineage(s, A, 2023).to_pylist() if r["field"] == "tax_paid"]
        assert [(r["file"], r["row"], r["unit"]) for r in lin] == [
            ("税务_2023.csv", 4, "万元"),
            ("税务_2023.csv", 5, "万元"),
            ("税务_2023.csv", 7, "万元"),
        ]


def test_fast_path_equals_general_path_on_parquet(tmp_path: Path) -> None:
    reg = _register(tmp_path)
    table = pa.table(
        {
            "统一社会信用代码": [A, A, A, bad_check(B), B, B, None, C, C],
            "企业名称": ["甲", "甲", "甲", "乙", "乙", "乙", "旧乙公司", "丙", "丙"],
            "所属期": [
                *("2023-01", "2023-02", "2023-02", "2023-01", "2023-13"),
                *("202303", "2023-04", "2023-05", "2023-06"),
            ],
            "用电量(万千瓦时)": [1.0, 2.0, 2.0, 3.0, 4.0, -1.0, 5.0, float("nan"), None],
        }
    )
    path = tmp_path / "供电_2023.parquet"
    pq.write_table(table, path)
    general, fast = _both(tmp_path, [path, reg])
    assert fast == general
    assert {r[5] for r in general["quarantine"]} >= {
        "E-ROW-DUPLICATE",
        "E-ROW-CREDIT-CODE-CHECK",
        "E-ROW-DATE",
        "E-ROW-NEGATIVE",
        "E-ROW-NUMBER",
    }


#: Cells at the edges of the fast path's cheap per-row tests (no regex per row: an
#: 18-byte code, digits by ltrim, the period's tail after the year).
_ODD_CODES = [
    A[:9] + "计计计",  # 18 bytes, not 18 characters
    A[:10] + "O" + A[11:],  # an O: 18 characters, not the format
    "91360300M计" + A[12:],
]
_ODD_PERIODS = [
    *("2023.1", "2023/12", "2023年12月", "2023-01月", "20231", "2023-1-", "2023月"),
    *("2023年", "2023012", "202313", "1899-01", "2023--1", "2023年1月份", "２０２３-01"),
]
_ODD_NUMBERS = [".5", "5.", "1.2.3", "1..2", "007", "1.50", "0.0", " 1", "1_000", "+1", "1."]


def test_cheap_row_tests_agree_with_the_general_path(tmp_path: Path) -> None:
    """Every odd code, period and number cell: the fast path gives what the general path gives."""
    reg = _register(tmp_path)
    lines = ["统一社会信用代码,企业名称,所属期,用电量(千瓦时)"]
    lines += [f"{c},甲公司,2023-0{i % 9 + 1},1" for i, c in enumerate(_ODD_CODES)]
    lines += [f"{B},乙公司,{p},2" for p in _ODD_PERIODS]
    lines += [f"{C},丙公司,2023-{i % 12 + 1:02d},{x}" for i, x in enumerate(_ODD_NUMBERS)]
    lines += [f"{D},小计,2023-01,1", f"{D},注：丁,2023-02,1", f"{D},丁:公司,2023-03,1"]
    lines += [f"{D},丁公司,2023-04,1"] * 3  # exact duplicates
    power = _write(tmp_path, lines, "供电.csv")
    general, fast = _both(tmp_path, [reg, power])
    assert fast == general
    codes = {r[5] for r in general["quarantine"]}
    assert {"E-ROW-CREDIT-CODE-FORMAT", "E-ROW-DATE", "E-ROW-DUPLICATE"} <= codes
    # the repaired and the plain forms are all loaded (2023年12月 and 2023.1 as months 12, 1)
    months = {(r[3], r[4], r[5]) for r in general["source_values"] if r[3] == B}
    assert {(B, 2023, 12), (B, 2023, 1)} <= months


_CELLS = st.fixed_dictionaries(
    {
        "code": st.sampled_from(
            [A, B, C, D, bad_check(A), A.lower(), f" {B}", "", "91360300", code(5), *_ODD_CODES]
        ),
        "name": st.sampled_from(
            ["甲公司", "乙有限责任公司", "旧乙公司", "", "NULL", "合计", "x y", "注：甲", "甲:乙"]
        ),
        "period": st.sampled_from(
            [
                "2023-01",
                "2023-02",
                "202303",
                "2023年4月",
                "2023-13",
                "",
                "二〇二三年五月",
                *_ODD_PERIODS,
            ]
        ),
        "amount": st.sampled_from(
            ["1", "2.5", "0", "-1", "1e12", "", "—", "１", "abc", "3%", *_ODD_NUMBERS]
        ),
    }
)


#: The flaky example (found by the property): a repeated code and month where the name
#: 'NULL' and an empty name are the same (no name), so the second row is an exact
#: duplicate and the third, with a name, a conflict. The old fast path compared the
#: raw names and reported three conflicts.
_NULL_NAMES = [
    {"code": A, "name": "NULL", "period": "2023-01", "amount": "1"},
    {"code": A, "name": "", "period": "2023-01", "amount": "1"},
    {"code": A, "name": "甲公司", "period": "2023-01", "amount": "1"},
]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(_CELLS, min_size=1, max_size=40))
@example(rows=_NULL_NAMES)
@example(
    rows=[
        {"code": A, "name": "甲公司", "period": "2023-01", "amount": "1"},
        {"code": A, "name": "甲公司", "period": "2023-01", "amount": "１"},  # repaired: equal
        {"code": A, "name": "x y", "period": "2023-01", "amount": "2"},
        {"code": A.lower(), "name": "甲公司", "period": "二〇二三年一月", "amount": "1"},
    ]
)
def test_fast_path_equals_general_path_property(
    tmp_path_factory: pytest.TempPathFactory, rows: list[dict[str, str]]
) -> None:
    tmp = tmp_path_factory.mktemp("prop")
    reg = _register(tmp)
    lines = ["统一社会信用代码,企业名称,所属期,用电量(千瓦时)"]
    lines += [f"{r['code']},{r['name']},{r['period']},{r['amount']}" for r in rows]
    power = _write(tmp, lines, "供电.csv")
    try:
        general, fast = _both(tmp, [reg, power])
    except FenghuangError as exc:  # the file as a whole is refused: by both paths alike
        with Store(tmp / "again.duckdb") as s, pytest.raises(FenghuangError) as again:
            import_files(s, [reg, power], fast=True)
        assert again.value.code == exc.code
        return
    assert fast == general


def test_duplicate_and_conflict_in_one_month_agree(tmp_path: Path) -> None:
    lines = ["统一社会信用代码,企业名称,所属期,用电量(千瓦时)"]
    lines += [f"{r['code']},{r['name']},{r['period']},{r['amount']}" for r in _NULL_NAMES]
    general, fast = _both(tmp_path, [_write(tmp_path, lines, "供电.csv")])
    assert fast == general
    assert sorted((r[3], r[5]) for r in fast["quarantine"]) == [
        (2, "E-ROW-CONFLICT"),
        (3, "E-ROW-DUPLICATE"),
        (4, "E-ROW-CONFLICT"),
    ]


#: Excel's CSV export quotes a cell holding the delimiter (a thousands separator, a name);
#: a doubled quote is a quote; an empty quoted cell is empty.
QUOTED_LINES = [
    "统一社会信用代码,企业名称,所属期,用电量(千瓦时)",
    f'{A},"甲,公司",2023-01,1',
    f'{A},甲公司,2023-02,"1,234.5"',
    f'"{B}","乙""有限""公司","2023-03","7"',
    f'{B},"",2023-04,""',
    f'{C},丙"公司,2023-05,3',  # a quote inside an unquoted cell is a character
    f'{C},"丙"公司,2023-06,3',  # text after a closing quote joins the cell
    f"{C},丙公司,2023-07,9",
]


def test_quoted_cells_take_the_fast_path(tmp_path: Path) -> None:
    from fenghuang.warehouse._fast import fast_candidate

    path = _write(tmp_path, QUOTED_LINES, "供电.csv")
    staged = fast_candidate(path, True, set())
    assert staged is not None and staged.quoted
    general, fast = _both(tmp_path, [path])
    assert fast == general
    values = {r[2]: r[7] for r in fast["source_values"]}
    assert values[3] == 1234.5 and values[4] == 7.0 and values[8] == 9.0


@pytest.mark.parametrize(
    "line",
    [
        f'{A},"甲\n公司",2023-01,1',  # a line break in a quoted cell: a record of two lines
        f'{A},"甲公司,2023-01,1',  # never closed: the cell runs on over the next lines
        f'{A},"甲"公司,"2023"-01,"1',  # closed, then opened again and never closed
        f'{A},"甲,公司",2023-01,1,"x,y"',  # a cell too many (pyarrow would refuse the file)
    ],
)
def test_quoting_the_general_path_reads_otherwise_is_left_to_it(tmp_path: Path, line: str) -> None:
    from fenghuang.warehouse._fast import fast_candidate

    lines = [*QUOTED_LINES, line, f"{D},丁公司,2023-08,2"]
    path = _write(tmp_path, lines, "供电.csv")
    assert fast_candidate(path, True, set()) is None
    with Store(tmp_path / "fh.duckdb") as s:
        report = import_files(s, [path], fast=True)
        assert [f.fast for f in report.files] == [False]


@pytest.mark.parametrize(
    ("line", "plain"),
    [
        ('a,"b,c",d', True),
        ('"a","b","c"', True),
        ('a,"",c', True),
        ('a,b,"c"\r', True),  # before CR LF
        ('a,"b""x",c', False),  # a doubled quote
        ('a,b"x,c', False),  # a quote inside an unquoted cell
        ('a,"b"x,c', False),  # text after a closing quote
        ('a, "b",c', False),  # a space before an opening quote
        ('a,"b,c', False),  # never closed (a line break inside quotes)
        ('a,"b,c",d,e', False),  # a cell too many
        ('a,"b,c"', False),  # a cell too few
    ],
)
def test_plainly_quoted_lines(line: str, plain: bool) -> None:
    """Lines with quotes only around whole cells, of the file's width, are read alike by
    Python's csv module and pyarrow without parsing them (numpy over the bytes)."""
    from fenghuang.warehouse._fast import _plain_quoted

    b = np.frombuffer(f"x,y,z\n{line}\nx,y,z\n".encode(), dtype=np.uint8)
    lines, flags = _plain_quoted(b, np.flatnonzero(b == 10), ",", 3)
    assert lines.tolist() == [1] and flags.tolist() == [plain]


def test_a_file_quoting_every_cell_takes_the_fast_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Some systems quote every cell. Its lines are plainly quoted, so none is parsed in
    Python, and the file stays on the fast path however many lines it has; past
    QUOTED_LINES_MAX lines of other quoting, the general path reads a file."""
    from fenghuang.warehouse import _fast
    from fenghuang.warehouse._fast import fast_candidate

    monkeypatch.setattr(_fast, "QUOTED_LINES_MAX", 2)
    rows = [[A, "甲,公司", "2023-01", "1,234.5"], [B, "乙", "2023-02", ""]]
    rows += [[C, f"丙{m}", f"2023-{m:02d}", str(m)] for m in range(3, 13)]
    lines = ['"统一社会信用代码","企业名称","所属期","用电量(千瓦时)"']
    lines += [",".join(f'"{c}"' for c in r) for r in rows]
    path = _write(tmp_path, lines, "供电.csv")
    staged = fast_candidate(path, True, set())
    assert staged is not None and staged.quoted
    staged.close()
    general, fast = _both(tmp_path, [path])
    assert fast == general
    values = {r[2]: r[7] for r in fast["source_values"]}
    assert values[2] == 1234.5 and 3 not in values and values[13] == 12.0
    other = [*lines, f'{D},"丁""公司",2023-01,1', f'{D},丁"公司,2023-02,2', f'{D},"丁"x,2023-03,3']
    assert fast_candidate(_write(tmp_path, other, "供电2.csv"), True, set()) is None


_QUOTED_CELL = st.text(alphabet='a1,"甲 ', max_size=5)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cells=st.lists(st.tuples(_QUOTED_CELL, _QUOTED_CELL), min_size=1, max_size=12),
    quote=st.lists(st.booleans(), min_size=24, max_size=24),
)
@example(cells=[('"a', "1")], quote=[False] * 24)
@example(cells=[("", ",")], quote=[False] * 24)
@example(cells=[("a", '1"')], quote=[True] + [False] * 23)
def test_quoted_csv_fast_path_equals_general_path_property(
    tmp_path_factory: pytest.TempPathFactory, cells: list[tuple[str, str]], quote: list[bool]
) -> None:
    """Any quoting of the name and value cells: the fast path refuses the file, or gives
    exactly what the general path gives."""
    from fenghuang.warehouse._fast import fast_candidate

    tmp = tmp_path_factory.mktemp("quoted")
    lines = ["统一社会信用代码,企业名称,所属期,用电量(千瓦时)"]
    for i, (name, amount) in enumerate(cells):
        q = quote[2 * i : 2 * i + 2]
        name = '"' + name.replace('"', '""') + '"' if q[0] else name
        amount = '"' + amount.replace('"', '""') + '"' if q[1] else amount
        lines.append(f"{code(i % 3 + 1)},{name},2023-{i % 12 + 1:02d},{amount}")
    lines.append(f'{A},"甲",2023-12,1')  # the file has a quote
    path = _write(tmp, lines, "供电.csv")
    staged = fast_candidate(path, True, set())
    if staged is None:
        return
    staged.close()
    results = []
    for fast in (False, True):  # a row of another width: pyarrow refuses, the general path reads
        with Store(tmp / f"fh_{fast}.duckdb") as s:
            import_files(s, [path], fast=fast)
            results.append(_tables(s))
    assert results[1] == results[0]


def test_plain_plan_only(tmp_path: Path) -> None:
    wide = _write(tmp_path, ["信用代码,户名,2023年1月,2023年2月", f"{A},甲,1,2"], "供电_宽.csv")
    assert plan_columns(wide).wide
    with Store(tmp_path / "fh.duckdb") as s:
        report = import_files(s, [wide], fast=True)
        assert [f.fast for f in report.files] == [False]
        assert sorted(s.fetch_all("select month, value from source_values")) == [(1, 1.0), (2, 2.0)]


def test_fast_reimport_is_a_noop(tmp_path: Path) -> None:
    tax = _write(tmp_path, MESSY_LINES)
    with Store(tmp_path / "fh.duckdb") as s:
        import_files(s, [tax], fast=True)
        before = _tables(s)
        again = import_files(s, [tax], fast=True)
        assert [f.skipped for f in again.files] == [True]
        assert _tables(s) == before


def test_quoted_header_alone_keeps_the_fast_path(tmp_path: Path) -> None:
    lines = ['"统一社会信用代码","企业名称","所属期","用电量(千瓦时)"']
    lines += [f"{A},甲,2023-{m:02d},{m}" for m in range(1, 13)]
    path = _write(tmp_path, lines, "供电.csv")
    general, fast = _both(tmp_path, [path])
    assert fast == general
    assert sorted(r[2] for r in fast["source_values"]) == list(range(2, 14))


def _big_messy(tmp: Path, n: int) -> Path:
    """The messy lines plus n clean rows (over 1 MiB, so the CLI takes the fast path)."""
    extra = [f"{code(100 + i // 12)},企业{i // 12},2023-{i % 12 + 1:02d},{i}.5," for i in range(n)]
    return _write(tmp, MESSY_LINES + extra)


def test_cli_import_summary_and_error_workbook_on_the_fast_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import openpyxl

    monkeypatch.setenv("COLUMNS", "300")  # one line per file in the Rich table
    from fenghuang.cli import main
    from fenghuang.warehouse import quarantine

    tax = _big_messy(tmp_path, 30000)
    assert tax.stat().st_size > 1 << 20
    errors = tmp_path / "errors.xlsx"
    store = tmp_path / "fh.duckdb"
    rc = main(["import", str(tax), "--store", str(store), "--errors", str(errors)])
    assert rc in (0, None)
    out = capsys.readouterr().out
    assert "导入结果" in out and "税务_2023.csv" in out and "E-ROW-CREDIT-CODE-CHECK" in out
    with Store(store, read_only=True) as s:
        q = quarantine(s).to_pylist()
        loaded = s.fetch_all("select rows_loaded from imports")[0][0]
    assert str(loaded) in out
    ws = openpyxl.load_workbook(errors).active
    assert ws is not None
    rows = list(ws.iter_rows(values_only=True))[1:]  # below the title row
    assert rows[0] == ("文件", "工作表", "行号", "列", "错误代码", "原因", "Reason", "原始值")
    got = sorted((r[2], r[4]) for r in rows[1:])
    assert got == sorted((r["row_no"], r["code"]) for r in q)
    assert len(got) >= 10 and {r[1] for r in got} >= {"E-ROW-CONFLICT", "E-ROW-UNMATCHED"}


@pytest.mark.slow
def test_kill_9_during_a_fast_import_lands_all_or_nothing(tmp_path: Path) -> None:
    import os
    import shutil
    import signal
    import subprocess
    import sys
    import time

    pristine = tmp_path / "pristine.duckdb"
    _store_with_register(pristine, tmp_path)
    tax = _big_messy(tmp_path, 200_000)
    before = table_digests(pristine, skip_import_time=True)
    code_ = "from fenghuang.cli import main; import sys; sys.exit(main(sys.argv[1:]))"

    def start(path: Path) -> subprocess.Popen[bytes]:
        shutil.copy(pristine, path)
        return subprocess.Popen(
            [sys.executable, "-c", code_, "import", str(tax), "--store", str(path)],
            cwd=tmp_path,  # where the error list goes
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    ref = tmp_path / "ref.duckdb"
    t0 = time.perf_counter()
    assert start(ref).wait() == 0
    duration = time.perf_counter() - t0
    after = table_digests(ref, skip_import_time=True)
    assert after != before
    seen = {
        before["imports"]: visible_digests(pristine, 2023),
        after["imports"]: visible_digests(ref, 2023),
    }
    killed_early = 0
    for i, frac in enumerate((0.3, 0.6, 0.8, 0.9, 0.97)):
        path = tmp_path / f"kill{i}.duckdb"
        proc = start(path)
        time.sleep(duration * frac)
        running = proc.poll() is None
        if running:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        # what a reader sees at once (rows of an import that did not land stay unseen) ...
        visible = visible_digests(path, 2023)
        with Store(path):  # ... and the next writer removes those rows (migration 054)
            pass
        got = table_digests(path, skip_import_time=True)
        assert got in (before, after)  # whole or not at all, at every moment
        assert visible == seen[got["imports"]]
        killed_early += running and got == before
    assert killed_early >= 1  # at least one kill landed mid-import and left nothing


def test_a_process_dying_between_rows_and_import_leaves_nothing_seen(tmp_path: Path) -> None:
    """Rows first, then the import (migration 054): a crash in between is invisible, then gone."""
    import subprocess
    import sys

    path = tmp_path / "wh.duckdb"
    _store_with_register(path, tmp_path)
    before, seen = table_digests(path, skip_import_time=True), visible_digests(path, 2023)
    tax = _big_messy(tmp_path, 20_000)
    crash = (  # the process dies when the import's own transaction begins
        "import os, sys\n"
        "import fenghuang.warehouse._import as imp\n"
        "imp._register_index = lambda store: os._exit(9)\n"
        "from fenghuang.warehouse import Store, import_files\n"
        "import_files(Store(sys.argv[1]), [sys.argv[2]], fast=True)\n"
    )
    assert subprocess.run([sys.executable, "-c", crash, str(path), str(tax)]).returncode == 9
    with Store(path, read_only=True) as s:
        (pending,), *_ = s.fetch_all(
            "select count(*) from source_rows where import_key in "
            "(select import_key from import_pending)"
        )
    assert pending > 20_000  # the rows were written and committed ...
    assert visible_digests(path, 2023) == seen  # ... but no reader sees them
    with Store(path) as s:  # the next writer removes them
        assert s.fetch_all("select count(*) from import_pending") == [(0,)]
        report = import_files(s, [tax], fast=True)
        assert report.files[0].fast and report.files[0].rows_loaded > 0
    assert table_digests(path, skip_import_time=True) != before
    with Store(path) as s:
        keys = s.fetch_all("select distinct import_key from source_rows")
        assert set(keys) <= set(s.fetch_all("select import_key from imports")) and keys


def test_tax_items_in_the_key_on_the_fast_path(tmp_path: Path) -> None:
    """A text cell in the key (征收项目): rows differ by item, or duplicate/conflict within one."""
    lines = ["纳税人识别号,纳税人名称,所属期,征收项目,实缴税额"]
    lines += [
        f"{A},甲公司,2023-01,增值税,1",
        f"{A},甲公司,2023-01,企业所得税,2",  # another item: no conflict
        f"{A},甲公司,2023-01,增值税,1",  # exact duplicate of the first line
        f"{A},甲公司,2023-02,增值税,3",
        f"{A},甲公司,2023-02,增值税,4",  # same item and month, other value: conflict
        f"{A},甲公司 ,2023-03,印花税,5",  # trailing space: repaired, then a duplicate
        f"{A},甲公司,2023-03,印花税,5",
        f"{B},乙公司,2023-01,,6",
        f"{B},乙公司,2023-01,—,6",  # no item either way: duplicate
    ]
    general, fast = _both(tmp_path, [_write(tmp_path, lines)])
    assert fast == general
    assert sorted((r[3], r[5]) for r in fast["quarantine"]) == [
        (4, "E-ROW-DUPLICATE"),
        (5, "E-ROW-CONFLICT"),
        (6, "E-ROW-CONFLICT"),
        (8, "E-ROW-DUPLICATE"),
        (10, "E-ROW-DUPLICATE"),
    ]


def test_a_file_duckdb_cannot_read_falls_back_to_the_general_path(tmp_path: Path) -> None:
    lines = ["统一社会信用代码,企业名称,所属期,用电量(千瓦时)"]
    lines += [f"{code(10 + i)},企业{i},2023-{i % 12 + 1:02d},{i}" for i in range(3000)]
    path = tmp_path / "供电.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode() + b"\xff\xfe,bad,2023-01,1\n")
    with Store(tmp_path / "fh.duckdb") as s:
        try:
            report = import_files(s, [path], fast=True)
        except FenghuangError as exc:  # the general path refuses the file as a whole
            assert exc.code.startswith("E-SOURCE")
            assert s.fetch_all("select count(*) from imports") == [(0,)]
            return
        assert [f.fast for f in report.files] == [False]
        assert s.fetch_all("select count(*) from source_values")[0][0] >= 3000


@pytest.mark.parametrize("fast", [True, False])
def test_a_file_titled_synthetic_makes_its_import_and_the_store_synthetic(
    tmp_path: Path, fast: bool
) -> None:
    from fenghuang.warehouse import is_synthetic

    reg = _register(tmp_path)
    lines = [MESSY_LINES[0] + "（模拟数据）", *MESSY_LINES[1:]]
    tax = _write(tmp_path, lines)
    with Store(tmp_path / "fh.duckdb") as s:
        import_files(s, [reg], fast=fast)
        assert not is_synthetic(s)
        report = import_files(s, [tax], fast=fast)
        assert [f.fast for f in report.files] == [fast]
        got = dict(s.fetch_all("select file_name, synthetic from imports"))
        assert got == {reg.name: False, tax.name: True} and is_synthetic(s)


def test_progress_counts_the_rows_of_a_fast_file_as_a_step(tmp_path: Path) -> None:
    reg = _register(tmp_path)
    tax = _write(tmp_path, MESSY_LINES)
    seen: list[tuple[str, int, int]] = []
    with Store(tmp_path / "fh.duckdb") as s:
        report = import_files(s, [tax, reg], fast=True, progress=lambda *a: seen.append(a))
    assert [f.fast for f in report.files if f.kind == "monthly"] == [True]
    # both files read (total: twice the files), the tax file's rows (step 1, one step more),
    # then the register and the tax file in the import's transaction
    assert seen == [
        (tax.name, 1, 4),
        (reg.name, 2, 4),
        (tax.name, 3, 5),
        (reg.name, 4, 5),
        (tax.name, 5, 5),
    ]


def test_a_workbook_is_not_planned_for_the_fast_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """fast_candidate tells a workbook by its first bytes: planning one parses all of it
    (9-16 s for a 2 MB workbook of 20,000 firms), and a workbook never takes the fast path."""
    import openpyxl

    from fenghuang.warehouse import _fast

    book = tmp_path / "供电_2023.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["统一社会信用代码", "户名", "年月", "用电量(千瓦时)"])
    wb.active.append([A, "甲公司", "2023-01", 12.5])
    wb.save(book)
    assert plan_columns(book).format == "xlsx"

    def planned(*args: object, **kwargs: object) -> None:
        raise AssertionError("a workbook was planned")

    monkeypatch.setattr(_fast, "plan_columns", planned)
    assert _fast.fast_candidate(book, True, set()) is None


@pytest.fixture
def temp_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The temporary folder of this test (where the UTF-8 copies of GBK files go)."""
    import tempfile

    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_fast_path_equals_general_path_on_a_gbk_csv(
    tmp_path: Path, temp_folder: Path, encoding: str
) -> None:
    """A GBK or GB18030 file takes the fast path through a UTF-8 copy, deleted afterwards."""
    from fenghuang.warehouse._fast import fast_candidate

    reg = _register(tmp_path)
    lines = list(MESSY_LINES)
    if encoding == "gb18030":  # a character GBK does not have (four bytes in GB18030)
        lines.insert(5, f"{D},丁公司\U00020000,2023-05,1,")
    tax = tmp_path / "税务_2023.csv"
    tax.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    assert plan_columns(tax).encoding == encoding
    staged = fast_candidate(tax, True, set())
    assert staged is not None and staged.utf8 is not None
    assert staged.utf8.read_text(encoding="utf-8") == tax.read_bytes().decode(encoding)
    staged.close()
    assert list(temp_folder.iterdir()) == []
    general, fast = _both(tmp_path, [tax, reg])
    assert fast == general
    assert {r[5] for r in fast["quarantine"]} >= {"E-ROW-DUPLICATE", "E-ROW-CREDIT-CODE-CHECK"}
    assert list(temp_folder.iterdir()) == []  # the import deleted its copy


def test_copies_left_by_a_killed_import_are_deleted(tmp_path: Path, temp_folder: Path) -> None:
    """A process killed during an import (kill -9) leaves its UTF-8 copy, named with its
    pid. The next GBK import deletes the copies of processes that are gone, and leaves
    those of live ones (another import running) and files not named so."""
    import os
    import subprocess
    import sys

    from fenghuang.warehouse._fast import fast_candidate

    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    stale = temp_folder / f"fenghuang-utf8-{int(gone.stdout)}-k9x.csv"
    live = temp_folder / f"fenghuang-utf8-{os.getpid()}-abc.csv"
    other = temp_folder / "fenghuang-utf8-old.csv"
    for f in (stale, live, other):
        f.write_bytes(b"x" * 1000)
    tax = tmp_path / "税务_2023.csv"
    tax.write_bytes(("\n".join(MESSY_LINES) + "\n").encode("gbk"))
    staged = fast_candidate(tax, True, set())
    assert staged is not None and staged.utf8 is not None
    staged.close()
    assert sorted(p.name for p in temp_folder.iterdir()) == sorted([live.name, other.name])


def _long_file(tmp: Path, last: str, encoding: str = "gbk") -> Path:
    """A tax file longer than the planner's sample (1 MiB), ending with the line ``last``."""
    lines = ["纳税人识别号,纳税人名称,所属期,实缴税额"]
    lines += [f"{code(i)},萍乡陶瓷公司{i},2023-{i % 12 + 1:02d},{i % 97}" for i in range(30_000)]
    path = tmp / "税务_长.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding) + last.encode("gb18030") + b"\n")
    assert path.stat().st_size > (1 << 20)
    return path


def test_a_gbk_file_with_a_gb18030_character_past_the_sample(
    tmp_path: Path, temp_folder: Path
) -> None:
    """Planned as GBK from its first MiB, decoded as GB18030 as a whole (as the general path does)."""
    from fenghuang.warehouse._fast import fast_candidate

    tax = _long_file(tmp_path, f"{A},甲公司\U00020000,2023-01,5")
    assert plan_columns(tax).encoding == "gbk"
    staged = fast_candidate(tax, True, set())
    assert staged is not None and staged.utf8 is not None
    assert staged.utf8.read_text(encoding="utf-8") == tax.read_bytes().decode("gb18030")
    staged.close()
    general, fast = _both(tmp_path, [tax])
    assert fast == general
    assert general["imports"][0][3] == 30_001  # rows read
    last = [r for r in fast["source_values"] if r[2] == 30_002]  # the last line's value
    assert [(r[3], r[7]) for r in last] == [(A, 5.0)]


def test_a_file_that_is_not_gbk_throughout_takes_the_general_path(
    tmp_path: Path, temp_folder: Path
) -> None:
    """A byte no Chinese encoding decodes, past the sample: no fast path, no copy left behind."""
    from fenghuang.warehouse._fast import fast_candidate

    tax = _long_file(tmp_path, "")
    tax.write_bytes(tax.read_bytes() + f"{A},甲".encode("gbk") + b"\xff\xff,2023-02,5\n")
    assert plan_columns(tax).encoding == "gbk"
    assert fast_candidate(tax, True, set()) is None
    assert list(temp_folder.iterdir()) == []


@pytest.mark.parametrize("quoted", [True, False])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_rows_of_another_width_are_put_back_in_place(
    tmp_path: Path, quoted: bool, newline: str
) -> None:
    """A 注 line, a short row and a long one: pyarrow refuses them, so it skips them and
    step 1 puts them back under their line numbers (padded or cut, as the general path
    reads them); a quoted file then stays on the fast path."""
    from fenghuang.warehouse import _fast
    from fenghuang.warehouse._fast import fast_candidate

    body = [f"{code(10 + i % 7)},企业{i},2023-{i % 12 + 1:02d},{i}" for i in range(40)]
    body[5] = f"{A},甲公司,2023-03"  # short: no value
    body[17] = f"{B},乙公司,2023-04,4,多余"  # long: the extra cell is ignored
    body[30] = ""  # a blank line: pyarrow's row of NULLs, not refused
    if quoted:
        body[9] = f'{C},"丙,公司",2023-05,"1,234.5"'
    lines = ["统一社会信用代码,企业名称,所属期,用电量(千瓦时)", *body, "注：本表为模拟数据"]
    path = tmp_path / "供电.csv"
    path.write_bytes((newline.join(lines) + newline).encode("utf-8"))
    assert _fast.ragged_lines(path, 1, ",", 4).tolist() == [7, 19, 42]
    assert fast_candidate(path, True, set()) is not None
    general, fast = _both(tmp_path, [path])
    assert fast == general
    with Store(tmp_path / "fh_True.duckdb", read_only=True) as s:
        (n,) = s.fetch_all("select count(*) from source_values where row_no = 19")[0]
    assert n == 1


@pytest.mark.parametrize("piece", [5, 64, 1 << 22])
def test_ragged_lines_across_pieces_and_a_last_line_without_a_break(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, piece: int
) -> None:
    from fenghuang.warehouse import _fast

    monkeypatch.setattr(_fast, "SCAN_PIECE", piece)

    path = tmp_path / "x.csv"
    cycle = ["1,2,3", "4,5", '6,"7,8",9', "\r", "x,y,z,w", 'p,q"r,s']
    lines = ["a,b,c"] + cycle * 300 + ["注"]
    path.write_bytes("\n".join(lines).encode("utf-8"))  # no break after the last line
    want = [
        i + 1 for i, t in enumerate(lines) if i and t.strip() and '"' not in t and t.count(",") != 2
    ]
    assert _fast.ragged_lines(path, 1, ",", 3).tolist() == want
    quoted = _fast._quote_lines(path, 1, ",", 3)  # not the plainly quoted 6,"7,8",9
    assert quoted is not None
    assert [n for n, _ in quoted] == [i + 1 for i, t in enumerate(lines) if 'q"' in t]
    assert {raw for _, raw in quoted} == {b'p,q"r,s\n'}
