"""Files written with any header synonym and unit read back to the same values."""

from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sources_builders import valid_code, workbook_bytes

from fenghuang.sources import load_mapping, read_source, unit_factor

_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_UNIT_FORMS = ("（{u}）", "({u})", "/{u}", "【{u}】")


@st.composite
def tax_file(draw: st.DrawFn) -> tuple[list[list[object]], list[tuple[str, int, int, float]]]:
    m = load_mapping("tax")
    code_h = draw(st.sampled_from(m.fields["credit_code"].headers))
    period_h = draw(st.sampled_from(m.fields["period"].headers))
    tax_h = draw(st.sampled_from(m.fields["tax_paid"].headers))
    unit = draw(st.sampled_from(m.fields["tax_paid"].units))
    form = draw(st.sampled_from(_UNIT_FORMS))
    n = draw(st.integers(1, 8))
    facts = []
    rows: list[list[object]] = [[code_h, period_h, tax_h + form.format(u=unit)]]
    for i in range(n):
        year = draw(st.integers(2000, 2030))
        month = draw(st.integers(1, 12))
        yuan = draw(st.integers(0, 10**10)) / 100
        factor = unit_factor("money", unit)
        assert factor is not None
        value = yuan / factor
        text = draw(st.sampled_from([f"{value:,.6f}", f"{value:.6f}", repr(value)]))
        ptext = draw(
            st.sampled_from(
                [
                    f"{year}年{month:02d}月",
                    f"{year}{month:02d}",
                    f"{year}-{month:02d}",
                    f"{year}/{month}/1",
                ]
            )
        )
        code = valid_code(i + 1)
        rows.append([code, ptext, text])
        facts.append((code, year, month, float(text.replace(",", "")) * factor))
    return rows, facts


def _check(batch_rows: list[dict[str, object]], facts: list[tuple[str, int, int, float]]) -> None:
    got = [(r["credit_code"], r["year"], r["month"], r["tax_paid"]) for r in batch_rows]
    assert len(got) == len(facts)
    for g, f in zip(got, facts, strict=True):
        assert g[:3] == f[:3]
        assert g[3] == pytest.approx(f[3], rel=1e-9, abs=1e-4)


@_SETTINGS
@given(tax_file(), st.sampled_from(["utf-8", "utf-8-sig", "gbk", "gb18030"]))
def test_csv_round_trip(
    data: tuple[list[list[object]], list[tuple[str, int, int, float]]], encoding: str
) -> None:
    import csv

    rows, facts = data
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    batch = read_source(buf.getvalue().encode(encoding))
    assert batch.department == "tax" and batch.rejects.num_rows == 0
    _check(batch.rows.to_pylist(), facts)


@_SETTINGS
@given(tax_file(), st.booleans())
def test_xlsx_round_trip(
    data: tuple[list[list[object]], list[tuple[str, int, int, float]]], title: bool
) -> None:
    rows, facts = data
    if title:
        rows = [["萍乡市税收入库明细（模拟数据）"], *rows]
    batch = read_source(workbook_bytes({"Sheet1": rows}))
    assert batch.department == "tax" and batch.rejects.num_rows == 0
    _check(batch.rows.to_pylist(), facts)
