"""Extraction on reports the rules were not developed on (大同, 鹤岗, 攀枝花, 白银).

The four fixtures in ``data/unseen/`` are test fixtures with invented figures
(测试用例：虚构数据), written in the style of a 统计公报, a 政府工作报告, a news
page (html) and a department's half-year summary (docx). The expected
observations below were written by hand from the text.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fenghuang.monitor import Extractor, Observation, read_report
from fenghuang.monitor._extract import dateline
from fenghuang.monitor._text import split_blocks

UNSEEN = Path(__file__).parent / "data" / "unseen"

# (figure as written, a word of its sentence, expected fields)
Row = tuple[str, str, dict[str, object]]

DATONG: list[Row] = [
    (
        "1862.3亿元",
        "全年全市地区生产总值",
        dict(
            place_name="大同市",
            place_code="140200",
            period="2023",
            indicator="地区生产总值",
            indicator_code="gdp",
            kind="level",
            value=1862.3,
            unit="亿元",
            unit_norm="元",
        ),
    ),
    ("5.2%", "比上年增长5.2%", dict(indicator_code="gdp", kind="growth", value=5.2)),
    ("96.4亿元", "第一产业", dict(indicator_code="primary_va", kind="level", period="2023")),
    # 年末 in a bulletin on 2023 is the end of 2023
    ("304.5万人", "常住人口", dict(indicator_code="population", kind="count", period="2023")),
    # 比上年末减少: the comparison base is not the indicator, the change keeps its verb
    ("1.2万人", "减少", dict(indicator="常住人口减少", kind="count", value=1.2)),
    (
        "0.62个百分点",
        "提高",
        dict(indicator="城镇化率", indicator_code="urbanisation", kind="growth", value=0.62),
    ),
    ("1.75亿吨", "原煤", dict(indicator_code="coal_output", kind="level", value=1.75)),
    ("553.9亿千瓦时", "发电量", dict(indicator_code="power_generation", kind="level")),
    (
        "46.8%",
        "比重",
        dict(kind="share", of="全市电力总装机", indicator_code=None, value=46.8),
    ),
    ("3.1%", "民间投资", dict(indicator="民间投资", kind="growth", value=-3.1)),
    ("52家", "净增", dict(indicator="高新技术企业净增", kind="count", value=52.0)),
    # a number of days is a count, not a duration
    (
        "297天",
        "优良天数",
        dict(indicator_code="good_air_day_count", kind="count", value=297.0, unit="天"),
    ),
    ("31微克/立方米", "PM2.5", dict(indicator_code="pm25", kind="level", value=31.0)),
    ("3.2%", "能耗", dict(indicator_code="energy_intensity", kind="growth", value=-3.2)),
    ("31256元", "全体居民", dict(indicator_code="disposable_income", kind="level")),
    # a district named in the sentence is the place
    (
        "16410元",
        "云州区",
        dict(
            place_name="云州区",
            place_code="140215",
            indicator_code="rural_income",
            value=16410.0,
        ),
    ),
]

HEGANG: list[Row] = [
    # 过去一年 from the dateline (2024年1月10日): 2023
    (
        "395.6亿元",
        "过去一年",
        dict(
            place_name="鹤岗市",
            place_code="230400",
            period="2023",
            indicator_code="gdp",
            kind="level",
        ),
    ),
    ("12.4%", "一般公共预算收入", dict(indicator_code="fiscal_revenue", kind="growth")),
    # the section heading 一、2023年工作回顾 dates the paragraphs under it
    ("32.5亿元", "石墨产业", dict(indicator="石墨产业产值", period="2023", kind="level")),
    ("一百二十万吨", "石墨精粉", dict(value=120.0, unit="万吨", value_norm=1.2e6)),
    ("116户", "总数", dict(indicator="规上工业企业总数", kind="count")),
    (
        "37.2%",
        "接续替代",
        dict(kind="share", of="规上工业增加值", indicator_code=None, value=37.2),
    ),
    ("3.5个百分点", "提高", dict(kind="growth", indicator_code=None, value=3.5)),
    (
        "近十六平方公里",
        "沉陷区",
        dict(indicator_code="subsidence_area", qualifier="近", value=16.0, unit="平方公里"),
    ),
    ("两千余户", "搬迁", dict(kind="count", qualifier="余", value=2000.0)),
    # a county in the sentence; 连续十六年 is not part of the indicator
    (
        "12亿斤以上",
        "萝北县",
        dict(
            place_name="萝北县",
            indicator="粮食产量",
            indicator_code="grain_output",
            qualifier="以上",
            value=12.0,
            value_norm=pytest.approx(6e5),
            unit_norm="吨",
        ),
    ),
    # 今年 … 预期目标: targets for 2024
    (
        "5.5%左右",
        "预期目标",
        dict(
            kind="target",
            period="2024",
            indicator="地区生产总值增速",
            indicator_code="gdp",
            qualifier="左右",
        ),
    ),
    ("8%以上", "规模以上工业", dict(kind="target", period="2024", qualifier="以上", value=8.0)),
]

PANZHIHUA: list[Row] = [
    # 前三季度 with the year of the dateline (2024年10月28日)
    (
        "975.4亿元",
        "前三季度",
        dict(
            place_name="攀枝花市",
            place_code="510400",
            period="2024Q1-Q3",
            indicator_code="gdp",
            kind="level",
        ),
    ),
    (
        "0.4个百分点",
        "高于全省",
        dict(kind="growth", of="全省平均水平", indicator_code="gdp", value=0.4),
    ),
    ("7.9%", "1月—8月", dict(period="2024M01-M08", indicator_code="industry_va", kind="growth")),
    ("突破600亿元", "钒钛产业", dict(qualifier="突破", value=600.0, kind="level")),
    # a park named in the sentence
    ("312.8亿元", "钒钛高新区", dict(place_name="钒钛高新区", indicator="工业总产值")),
    ("32.6亿元", "上半年", dict(period="2024H1", indicator_code="foreign_trade", kind="level")),
    ("超3000户", "米易县", dict(place_name="米易县", qualifier="超", value=3000.0, kind="count")),
    ("48.2亿元", "仁和区", dict(place_name="仁和区", indicator_code="fixed_investment")),
    # no period in the sentence: the news item's date (2024年10月28日) dates it, and says so
    (
        "28.7%",
        "战略性新兴产业",
        dict(
            kind="share",
            indicator_code="emerging_share",
            of="规上工业增加值",
            period="2024",
            period_basis="document_date",
        ),
    ),
    (
        "三分之一",
        "钛白粉",
        dict(kind="share", of="全国", qualifier="约", value=pytest.approx(100 / 3)),
    ),
]

BAIYIN: list[Row] = [
    # the title names the period: 2024年上半年
    ("341.7亿元", "上半年", dict(place_name="白银市", period="2024H1", indicator_code="gdp")),
    # 增速较一季度加快: a growth compared with another period
    ("0.8个百分点", "加快", dict(kind="growth", of="一季度", indicator_code="gdp", value=0.8)),
    ("10.2%", "1—6月", dict(period="2024M01-M06", indicator_code="industry_va")),
    ("12.7%", "有色金属", dict(indicator="有色金属冶炼和压延加工业", kind="growth")),
    ("286.3亿元", "白银高新区", dict(place_name="白银高新区", indicator="营业收入")),
    # no period in the sentence: the title's period
    ("113.5亿元", "社会消费品", dict(period="2024H1", indicator_code="retail_sales")),
    ("3260座", "5G基站", dict(period="2024M06", kind="count", value=3260.0)),
    ("3.75亿立方米", "天然气", dict(value=3.75, unit="亿立方米", value_norm=pytest.approx(3.75e8))),
    ("500万千瓦以上", "新能源", dict(qualifier="以上", value_norm=5e6, unit_norm="kW")),
    # 分别: the n-th place gets the n-th figure
    ("26.4亿元", "靖远县", dict(place_name="靖远县", indicator_code="fixed_investment")),
    ("18.9亿元", "景泰县", dict(place_name="景泰县", indicator_code="fixed_investment")),
]

CASES = {
    "datong-2023-bulletin.txt": DATONG,
    "hegang-2024-work-report.txt": HEGANG,
    "panzhihua-2024-news.html": PANZHIHUA,
    "baiyin-2024h1-economy.docx": BAIYIN,
}


@pytest.fixture(scope="module")
def extracted() -> dict[str, tuple[str, list[Observation]]]:
    ex = Extractor()
    out = {}
    for name in CASES:
        report = read_report(UNSEEN / name)
        out[name] = (report.text, ex.extract(report))
    return out


def _pick(text: str, obs: list[Observation], written: str, near: str) -> Observation:
    """The observation written as ``written`` whose sentence contains ``near``."""
    hits = [o for o in obs if text[o.span_start : o.span_end] == written and near in o.sentence]
    assert hits, f"no observation {written!r} near {near!r}"
    return hits[0]


@pytest.mark.parametrize(
    ("name", "written", "near", "want"),
    [(name, w, n, want) for name, rows in CASES.items() for w, n, want in rows],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_unseen_report_figure(extracted, name, written, near, want) -> None:
    text, obs = extracted[name]
    o = _pick(text, obs, written, near)
    for key, value in want.items():
        assert getattr(o, key) == value, (written, key, getattr(o, key), value)
    # the source sentence and span point back into the file's text
    assert text[o.span_start : o.span_end] == written
    assert o.sentence_start <= o.span_start < o.span_end <= o.sentence_end
    assert written in o.sentence
    assert o.source == name and o.status == "待核实"


def test_nothing_from_headings_datelines_or_scripts(extracted) -> None:
    for name, (text, obs) in extracted.items():
        for o in obs:
            written = text[o.span_start : o.span_end]
            # no observation from the 2024年3月20日 dateline, 第十二届, the html script
            assert o.unit not in {"", "届"}, (name, written)
            assert "虚构数据" not in o.sentence
        assert not any(o.value == 2024.0 for o in obs), name


def test_every_figure_of_a_fixture_is_accounted_for(extracted) -> None:
    """Every figure written in the fixtures is extracted, once (counted by hand)."""
    counts = {name: len(obs) for name, (_, obs) in extracted.items()}
    # all figures except 三次产业结构 (5.2:43.6:51.2) and the duration 连续十六年
    for _, obs in extracted.values():
        spans = [(o.span_start, o.span_end) for o in obs]
        assert len(set(spans)) == len(spans)
    assert counts == {
        "datong-2023-bulletin.txt": 41,
        "hegang-2024-work-report.txt": 18,
        "panzhihua-2024-news.html": 14,
        "baiyin-2024h1-economy.docx": 24,
    }


def test_dateline_gives_the_report_date() -> None:
    blocks = split_blocks("攀枝花：钒钛产业跑出转型“加速度”\n2024年10月28日 来源：测试日报\n正文。")
    assert dateline(blocks) == date(2024, 10, 28)
    # a date inside a long body paragraph is not a dateline
    body = "2024年3月5日，该市召开全市转型发展大会，会议总结了过去一年的工作并部署了今年的任务。"
    assert dateline(split_blocks(body)) is None
    assert dateline(split_blocks("2024年2月30日\n正文。")) is None


def test_report_date_argument_overrides_the_dateline() -> None:
    report = read_report(UNSEEN / "panzhihua-2024-news.html")
    obs = Extractor().extract(report, report_date=date(2025, 10, 1))
    gdp = next(o for o in obs if o.indicator_code == "gdp" and o.kind == "level")
    assert gdp.period == "2025Q1-Q3"


BULLETIN_SNIPPETS = """鹤岗市2023年统计公报
全年实现旅游收入120亿元，接待游客1200万人次，分别增长15.3%和12.6%。
第一季度，全市规模以上工业增加值增长4.5%。
全年粮食总产量达到一百五十二万吨，增长百分之三点二。
全市煤炭产业增加值占规模以上工业增加值的比重下降1.5个百分点。
城镇新增就业2.1万人，城镇登记失业率控制在3.5%以内。
"""


def test_respectively_percent_words_and_year_less_quarters() -> None:
    from fenghuang.monitor import extract_text

    obs = extract_text(BULLETIN_SNIPPETS, report_date=date(2024, 3, 1))
    by = {(o.value, o.unit): o for o in obs}
    # 分别 after two figures: the n-th growth belongs to the n-th figure before it
    assert (by[(15.3, "%")].indicator, by[(15.3, "%")].kind) == ("旅游收入", "growth")
    assert (by[(12.6, "%")].indicator, by[(12.6, "%")].kind) == ("接待游客", "growth")
    # a year-less quarter in a bulletin on 2023 is in 2023, not in the report's year
    assert by[(4.5, "%")].period == "2023Q1"
    grain = by[(152.0, "万吨")]
    assert (grain.indicator_code, grain.value_norm) == ("grain_output", 1.52e6)
    assert by[(3.2, "%")].kind == "growth"  # 百分之三点二
    share = by[(-1.5, "个百分点")]
    assert share.indicator == "煤炭产业增加值占规模以上工业增加值比重"
    assert share.kind == "growth"
    jobless = by[(3.5, "%")]
    assert (jobless.indicator_code, jobless.qualifier) == ("unemployment", "以内")


JIAOZUO_NEWS = """焦作：老工业基地焕发新活力
2024年5月16日 来源：测试日报（测试用例：虚构数据）
“十四五”以来，焦作市地区生产总值年均增长6.2%，2023年达到2290亿元。
今年一季度，全市规上工业增加值同比增长8.1%，高于全国2.0个百分点，居全省第四位。
目前，全市高新技术企业突破600家，较2020年增长1.5倍，科技型中小企业达到1.2万余家。
焦作市数字经济核心产业增加值突破百亿元，占GDP比重超过四成。
去年全市新能源汽车产量增长两成，达到3.5万辆。
修武县云台山景区接待游客1500万人次以上，实现门票收入8.3亿元。
据统计，该市煤炭消费量由2015年的2350万吨下降到2023年的1680万吨，下降28.5%。
全市城镇登记失业率为3.2%，低于4.5%的控制目标。
"""


def test_news_with_plans_ranks_tenths_and_targets_named_after() -> None:
    from fenghuang.monitor import extract_text

    obs = extract_text(JIAOZUO_NEWS)  # the date comes from the dateline
    by = {(o.value, o.unit): o for o in obs}
    assert {o.place_name for o in obs} == {"焦作市", "修武县"}
    assert (by[(6.2, "%")].period, by[(6.2, "%")].kind) == ("2021-2024", "growth")  # 十四五以来
    assert by[(2290.0, "亿元")].period == "2023"
    assert (by[(2.0, "个百分点")].of, by[(2.0, "个百分点")].period) == ("全国", "2024Q1")
    rank = by[(4.0, "位")]
    assert (rank.kind, rank.of, rank.indicator_code) == ("rank", "全省", "industry_va")
    assert (by[(1.5, "倍")].kind, by[(1.5, "倍")].indicator_code) == ("growth", "high_tech_firms")
    smes = by[(1.2, "万家")]
    assert (smes.qualifier, smes.value_norm, smes.kind) == ("余", 12000.0, "count")
    hundred = by[(100.0, "亿元")]  # no period written: the dateline's year, marked as such
    assert (hundred.qualifier, hundred.period, hundred.period_basis) == (
        "突破",
        "2024",
        "document_date",
    )
    four = by[(40.0, "%")]
    assert (four.kind, four.of, four.qualifier) == ("share", "GDP", "超过")
    assert (by[(20.0, "%")].kind, by[(20.0, "%")].period) == ("growth", "2023")  # 增长两成, 去年
    # from-to: each level with its own year, and the decline
    assert (by[(2350.0, "万吨")].period, by[(1680.0, "万吨")].period) == ("2015", "2023")
    assert by[(-28.5, "%")].kind == "growth"
    # the target named after its figure; the figure before it is a level
    assert (by[(3.2, "%")].kind, by[(4.5, "%")].kind) == ("level", "target")
    assert by[(4.5, "%")].indicator_code == "unemployment"
    assert by[(1500.0, "万人次")].place_name == "修武县"


YICHUN_WORK_REPORT = """伊春市2024年政府工作报告
（测试用例：虚构数据）
过去五年，全市森林蓄积量由3.3亿立方米增加到3.7亿立方米，森林覆盖率提高到83.8%。
2023年，全市接待游客2100万人次，同比增长45.6%；旅游收入达到230亿元，增长58.3%。
全市规上工业企业营业收入同比增长-2.3%。
全市第三产业增加值占地区生产总值的比重提高到52.1%。
"""


def test_work_report_title_year_is_the_delivery_year() -> None:
    from fenghuang.monitor import extract_text

    obs = extract_text(YICHUN_WORK_REPORT)
    by = {(o.value, o.unit): o for o in obs}
    # 过去五年 in a report delivered in 2024: 2019-2023; the title's 2024 is not their period
    assert by[(3.7, "亿立方米")].period == "2019-2023"
    assert by[(83.8, "%")].kind == "level" and by[(83.8, "%")].period == "2019-2023"
    assert by[(45.6, "%")].period == "2023"
    # a figure written with a minus sign; no period of its own, and the title does not give one
    minus = by[(-2.3, "%")]
    assert (minus.kind, minus.indicator, minus.period) == ("growth", "规上工业企业营业收入", None)
    assert by[(52.1, "%")].indicator_code == "tertiary_share"


BAIYIN_BULLETIN = """白银市2023年国民经济和社会发展统计公报
（测试用例：虚构数据）
年末全市金融机构人民币各项存款余额1456.3亿元，比年初增加115.6亿元。
全年全市出生人口1.52万人，出生率为9.3‰。
全年全市空气质量优良天数比例为86.3%。全年居民消费价格比上年上涨0.3%。
全市有普通高校3所，在校学生4.2万人。
平川区、会宁县全年地区生产总值分别为112.3亿元、98.6亿元，分别增长5.1%、6.3%。
"""


def test_bulletin_sections_and_places_listed_before_respectively() -> None:
    from fenghuang.monitor import extract_text

    obs = extract_text(BAIYIN_BULLETIN)
    by = {(o.value, o.unit): o for o in obs}
    assert by[(115.6, "亿元")].indicator == "金融机构人民币各项存款余额增加"  # 比年初 is a base
    assert (by[(9.3, "‰")].indicator, by[(9.3, "‰")].value_norm) == ("出生率", pytest.approx(0.93))
    assert (by[(86.3, "%")].indicator_code, by[(86.3, "%")].kind) == ("good_air_days", "share")
    assert (by[(0.3, "%")].indicator, by[(0.3, "%")].kind) == ("居民消费价格", "growth")
    assert by[(4.2, "万人")].indicator == "在校学生"
    # two places, then two 分别: levels and growths paired with the places in order
    got = {(o.place_name, o.kind): o.value for o in obs if o.indicator_code == "gdp"}
    assert got == {
        ("平川区", "level"): 112.3,
        ("会宁县", "level"): 98.6,
        ("平川区", "growth"): 5.1,
        ("会宁县", "growth"): 6.3,
    }


def _table_rows() -> list[list[str]]:
    return [
        ["指标", "数值", "比上年增长（%）"],
        ["地区生产总值（亿元）", "856.2", "5.1"],
        ["规模以上工业增加值", "—", "6.0"],
        ["原煤产量（万吨）", "6,500", "-2.3"],
    ]


def _expect_table(obs: list[Observation]) -> None:
    got = {(o.indicator_code, o.kind): (o.value, o.unit) for o in obs}
    assert got == {
        ("gdp", "level"): (856.2, "亿元"),
        ("gdp", "growth"): (5.1, "%"),
        ("industry_va", "growth"): (6.0, "%"),
        ("coal_output", "level"): (6500.0, "万吨"),
        ("coal_output", "growth"): (-2.3, "%"),
    }
    assert {o.place_name for o in obs} == {"阳泉市"} and {o.period for o in obs} == {"2023"}


def test_tables_in_html_and_docx(tmp_path: Path) -> None:
    import docx

    from fenghuang.monitor import report_from_bytes

    cells = "".join(
        "<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in _table_rows()
    )
    html = (
        "<html><body><h1>阳泉市2023年主要经济指标</h1><p>2024年2月1日</p>"
        f"<table>{cells}</table><script>var x = 1;</script></body></html>"
    )
    report = report_from_bytes(html.encode("utf-8"), "table.html")
    obs = Extractor().extract(report)
    _expect_table(obs)
    gdp = next(o for o in obs if o.kind == "level" and o.indicator_code == "gdp")
    assert report.text[gdp.span_start : gdp.span_end] == "856.2亿元"  # the row as read
    doc = docx.Document()
    doc.add_heading("阳泉市2023年主要经济指标", level=1)
    rows = _table_rows()
    table = doc.add_table(rows=len(rows), cols=3)
    for i, row in enumerate(rows):
        for j, c in enumerate(row):
            table.cell(i, j).text = c
    path = tmp_path / "table.docx"
    doc.save(path)
    _expect_table(Extractor().extract(read_report(path)))


DATONG_NEWS = """大同：从“煤都”到“新能源之都”
2024年8月2日 来源：测试网（测试用例：虚构数据）
上半年，大同市实现地区生产总值（GDP）912.6亿元，同比增长5.3%，增速排名全省第一。
大同市云冈区规上工业企业实现营业收入超百亿元。
煤炭工业增加值占全市工业比重由2012年的65%下降到2023年的32%。
2023年全市人均GDP突破1万美元，建成区绿化覆盖率达到42.6%。
左云县光伏装机达到120万千瓦，年发电量约15亿千瓦时。
"""


def test_glosses_districts_of_a_city_and_share_names() -> None:
    from fenghuang.monitor import extract_text

    obs = extract_text(DATONG_NEWS)
    by = {(o.value, o.unit): o for o in obs}
    gdp = by[(912.6, "亿元")]
    assert (gdp.indicator, gdp.indicator_code, gdp.period) == ("地区生产总值", "gdp", "2024H1")
    assert (by[(1.0, "位")].kind, by[(1.0, "位")].of) == ("rank", "全省")
    hundred = by[(100.0, "亿元")]
    assert (hundred.place_name, hundred.qualifier) == ("云冈区", "超")
    # the share's part named with its measure (增加值) still finds the share indicator
    assert {by[(65.0, "%")].indicator_code, by[(32.0, "%")].indicator_code} == {"mining_share"}
    assert (by[(65.0, "%")].period, by[(32.0, "%")].period) == ("2012", "2023")
    assert by[(1.0, "万美元")].indicator_code == "gdp_per_capita"
    assert by[(42.6, "%")].indicator == "建成区绿化覆盖率"
    assert by[(15.0, "亿千瓦时")].place_name == "左云县"


def test_respectively_with_listed_indicators_and_a_city_before_its_districts() -> None:
    from fenghuang.monitor import extract_text

    obs = extract_text(
        "2023年，全市规上工业营业收入、利润总额分别增长8.2%、15.6%。"
        "萍乡市安源区、湘东区固定资产投资分别增长12%和9%。"
        "钢铁、煤炭产业去产能分别占全省的50%和20%。",
        place="萍乡市",
    )
    by = {o.value: o for o in obs}
    assert (by[8.2].indicator, by[15.6].indicator) == ("规上工业营业收入", "利润总额")
    assert (by[12.0].place_name, by[9.0].place_name) == ("安源区", "湘东区")
    assert by[12.0].indicator_code == by[9.0].indicator_code == "fixed_investment"
    # a shared head (…产业去产能) goes to each listed part, not a bare 钢铁
    assert (by[50.0].indicator, by[20.0].indicator) == ("钢铁产业去产能", "煤炭产业去产能")
    assert by[50.0].kind == by[20.0].kind == "share"
    assert by[50.0].indicator_code == by[20.0].indicator_code == "capacity_cut"


def test_changes_of_a_level_are_not_the_level() -> None:
    from fenghuang.monitor import extract_text

    obs = extract_text(
        "攀枝花市2023年统计公报\n"
        "全年城镇新增就业2.3万人，比上年多增0.2万人。\n"
        "年末光伏装机容量达到120万千瓦，全年新增光伏装机容量20万千瓦。"
        "全年光伏装机容量新增20万千瓦。\n"
    )
    by = {(o.value, o.sentence[:4]): o for o in obs}
    jobs, more = by[(2.3, "全年城镇")], by[(0.2, "全年城镇")]
    assert (jobs.indicator_code, more.indicator, more.indicator_code) == (
        "new_jobs",
        "城镇新增就业多增",
        None,
    )
    assert by[(120.0, "年末光伏")].indicator_code == "power_capacity"
    # the change written after its indicator does not count as the capacity itself
    after = by[(20.0, "全年光伏")]
    assert after.indicator == "光伏装机容量新增" and after.indicator_code is None
    lead = extract_text("全年新增光伏装机容量20万千瓦。新增规上工业企业18户。", place="攀枝花市")
    assert [o.indicator_code for o in lead] == [None, "industry_firms_new"]
