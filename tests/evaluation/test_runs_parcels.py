"""A method that combines firms sharing a parcel gets the warehouse's parcels in a run."""

from __future__ import annotations

from pathlib import Path

from fenghuang.evaluation import run_evaluation
from fenghuang.sources import make_credit_code
from fenghuang.warehouse import Store, import_files, year_parcels

A = make_credit_code("91360300M00000021")
B = make_credit_code("91360300M00000022")
C = make_credit_code("91360300M00000023")


def _files(d: Path) -> list[Path]:
    reg = d / "企业名录.csv"
    reg.write_text(
        f"统一社会信用代码,企业名称,规上企业\n{A},甲公司,是\n{B},乙公司,是\n{C},丙公司,是\n",
        encoding="utf-8",
    )
    land = d / "土地_2023.csv"
    land.write_text(
        "宗地编号,统一社会信用代码,企业名称,面积,权属,分摊比例,年度\n"
        f"P1,{A},甲,10,自有,0.5,2023\nP1,{B},乙,10,自有,0.5,2023\nP2,{C},丙,12,自有,,2023\n",
        encoding="utf-8",
    )
    tax = d / "税务_2023.csv"
    tax.write_text(
        "统一社会信用代码,企业名称,所属期,实缴税金(万元)\n"
        f"{A},甲公司,2023-01,30\n{B},乙公司,2023-01,10\n{C},丙公司,2023-01,20\n",
        encoding="utf-8",
    )
    return [reg, land, tax]


def test_kaihua_run_combines_the_firms_of_a_shared_parcel(tmp_path: Path) -> None:
    with Store(tmp_path / "fh.duckdb") as store:
        import_files(store, _files(tmp_path))
        parcels = year_parcels(store, 2023).to_pylist()
        assert [(p["parcel_id"], p["credit_code"], p["share"]) for p in parcels] == [
            ("P1", A, 0.5),
            ("P1", B, 0.5),
            ("P2", C, None),
        ]
        run = run_evaluation(store, "kaihua-2014", 2023)
        combined = {
            e["credit_code"] for e in run.evaluation.events.to_pylist() if e["kind"] == "combined"
        }
        assert combined == {A, B}
        scores = {r["credit_code"]: r["score"] for r in run.evaluation.results.to_pylist()}
        # One unit: A and B share one score (their facts summed), C scored alone.
        assert scores[A] == scores[B] != scores[C]
        assert not any(
            s.get("skipped")
            for s in run.evaluation.log
            if s.get("step") == "combine_shared_parcels"
        )
        # Parcels are part of the run's context: the same input gives the same run back.
        assert run_evaluation(store, "kaihua-2014", 2023).run_id == run.run_id
