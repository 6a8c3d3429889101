"""Gaps found while building the synthetic city, outside ``fenghuang.synthetic`` (strict xfail)."""

from __future__ import annotations

from pathlib import Path

from fenghuang.sources import make_credit_code
from fenghuang.warehouse import Store, firm_facts, firm_register, import_files

A = make_credit_code("91360300M00000001")


def test_a_flags_only_registry_file_keeps_the_register(tmp_path: Path) -> None:
    reg = tmp_path / "名录.csv"
    reg.write_text(f"统一社会信用代码,企业名称,区县,是否规上企业\n{A},甲公司,安源区,是\n", "utf-8")
    flags = tmp_path / "2023年安全事故名单.csv"
    flags.write_text(
        f"统一社会信用代码,企业名称,年度,重大安全生产事故\n{A},甲公司,2023,是\n", "utf-8"
    )
    with Store(tmp_path / "fh.duckdb") as store:
        import_files(store, [reg])
        import_files(store, [flags])
        row = firm_register(store).to_pylist()[0]
        fact = firm_facts(store, 2023).to_pylist()[0]
    assert fact["accident_safety"] is True
    assert row["county"] == "安源区" and row["above_scale"] is True
