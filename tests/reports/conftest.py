from __future__ import annotations

import pyarrow as pa
import pytest

from fenghuang.reports import RunInfo


@pytest.fixture
def results() -> pa.Table:
    """Six firms in two pools, with one veto and one firm not rated."""
    return pa.table(
        {
            "credit_code": [f"9136030000000000{i:02d}" for i in range(6)],
            "name": [
                "甲电瓷有限公司",
                "乙陶瓷有限公司",
                "丙钢铁有限公司",
                "丁花炮厂",
                "戊食品有限公司",
                "己水务公司",
            ],
            "county": ["安源区", "湘东区", "安源区", "上栗县", "芦溪县", "安源区"],
            "park": ["安源工业园", "湘东产业园", "安源工业园", "上栗工业园", "芦溪工业园", ""],
            "industry_code": ["3824", "3073", "3120", "2672", "1391", "4610"],
            "chain": ["电瓷电气", "工业陶瓷", "钢铁", "花炮", "食品", "公用事业"],
            "pool": ["above", "above", "above", "below_ge3", "below_ge3", "above"],
            "score": [98.5, 71.25, 40.0, 55.0, 20.0, None],
            "rank_in_pool": [1, 2, 3, 1, 2, None],
            "class_raw": ["A", "B", "C", "A", "D", ""],
            "class_final": ["A", "B", "C", "C", "D", ""],
            "rated": [True, True, True, True, True, False],
            "not_rated_reason": [None, None, None, None, None, "不定等级，参照B类（公用事业）"],
            "flags": [[], ["数据缺失"], [], [], [], []],
            "reasons": [[], [], [], ["一票否决：重大安全事故，不得评为A、B类"], [], []],
        }
    )


@pytest.fixture
def info() -> RunInfo:
    return RunInfo(
        run_id="run-2023-0001",
        method="huangyan-2022",
        method_title="黄岩区工业企业亩均效益综合评价（2022）",
        year=2023,
        city="萍乡市",
        synthetic=True,
        method_sha256="ab" * 32,
        input_sha256="cd" * 32,
        created_at="2026-11-22T14:00:00",
    )
