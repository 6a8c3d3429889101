"""Report text → observations, checked against figures read by hand."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fenghuang.errors import ExtractionError
from fenghuang.monitor import Extractor, Observation, extract_text, read_report

DATA = Path(__file__).parent / "data"
JX = DATA / "jiangxi-daily-2024-nine-papers.txt"
PX = DATA / "pingxiang-transformation-feature.txt"


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


@pytest.fixture(scope="module")
def jiangxi(extractor):
    report = read_report(JX)
    return report, extractor.extract(report, report_date=date(2024, 3, 5))


@pytest.fixture(scope="module")
def feature(extractor):
    report = read_report(PX)
    return report, extractor.extract(report)


def find(obs: list[Observation], written: str, text: str, **want: object) -> Observation:
    """The observation written as ``written`` in the text, checked against ``want``."""
    hits = [o for o in obs if written in text[o.span_start : o.span_end]]
    assert hits, f"no observation for {written!r}"
    o = hits[0]
    for key, value in want.items():
        assert getattr(o, key) == value, (written, key, getattr(o, key), value)
    assert text[o.sentence_start : o.sentence_end].replace("\n", "").replace(" ", "") == o.sentence
    assert o.status == "待核实"
    return o


# -- the Jiangxi Daily article: four sections, four subject places -------------


def test_growth_of_anaphoric_place(jiangxi) -> None:
    report, obs = jiangxi
    o = find(
        obs,
        "1.5%",
        report.text,
        place_name="萍乡市",
        place_code="360300",
        period="2023",
        indicator="工业用电量",
        indicator_code="industry_power",
        kind="growth",
        value=1.5,
        unit="%",
    )
    assert "该市工业用电量增长1.5%" in o.sentence


def test_projects_and_investment(jiangxi) -> None:
    report, obs = jiangxi
    find(
        obs,
        "102个",
        report.text,
        place_name="萍乡市",
        period="2024Q1",
        indicator="项目",
        kind="count",
        value=102.0,
        unit="个",
    )
    o = find(
        obs,
        "444.1亿元",
        report.text,
        place_name="萍乡市",
        period="2024Q1",
        indicator="总投资",
        kind="level",
        value=444.1,
        unit="亿元",
        unit_norm="元",
    )
    assert o.value_norm == pytest.approx(4.441e10)


def test_rank_within_province(jiangxi) -> None:
    report, obs = jiangxi
    find(
        obs,
        "列全省第六位",
        report.text,
        kind="rank",
        value=6.0,
        of="全省",
        place_name="萍乡市",
        period="2023",
        indicator_code="industry_power",
    )


def test_growth_of_industry_chain_and_new_firms(jiangxi) -> None:
    report, obs = jiangxi
    find(
        obs,
        "3.4%",
        report.text,
        kind="growth",
        value=3.4,
        period="2023",
        indicator_code="industry_va",
    )
    find(
        obs,
        "133家",
        report.text,
        kind="count",
        value=133.0,
        unit="家",
        indicator="新增规上工业企业",
        place_name="萍乡市",
        period="2023",
    )
    # "10条重点产业链" only modifies the growth figure: not an observation of its own
    assert not [o for o in obs if report.text[o.span_start : o.span_end] == "10条"]


def test_share_of_something_named(jiangxi) -> None:
    report, obs = jiangxi
    o = find(
        obs,
        "34.3%",
        report.text,
        kind="share",
        value=34.3,
        unit="%",
        of="规上工业增加值",
        indicator_code="emerging_share",
        period="2024",
    )
    assert o.indicator.startswith("战略性新兴产业增加值")
    find(obs, "20.1%", report.text, kind="growth", value=20.1, indicator="战略性新兴产业增加值")
    fifty = find(obs, "50%", report.text, kind="share", of="全省")
    twenty = find(obs, "20%", report.text, kind="share", of="全省")
    # 钢铁、煤炭产业去产能分别占…: the shared head goes to each part
    assert (fifty.indicator, twenty.indicator) == ("钢铁产业去产能", "煤炭产业去产能")


def test_qualifiers(jiangxi) -> None:
    report, obs = jiangxi
    o = find(
        obs,
        "超500亿千瓦时",
        report.text,
        qualifier="超",
        value=500.0,
        unit="亿千瓦时",
        place_name="玉门市",
        indicator="新能源累计发电量",
        kind="level",
    )
    assert o.value_norm == pytest.approx(5e10) and o.unit_norm == "kWh"
    find(obs, "240家以内", report.text, qualifier="以内", value=240.0, indicator="花炮企业数量")
    find(
        obs,
        "超过90%",
        report.text,
        qualifier="超过",
        value=90.0,
        place_name="中电阳泉数字经济产业园",
    )
    o = find(
        obs, "7万余名", report.text, qualifier="余", value=7.0, unit="万名", place_name="伊春市"
    )
    assert o.value_norm == 70000.0


def test_other_sections_have_their_own_place(jiangxi) -> None:
    report, obs = jiangxi
    o = find(
        obs,
        "553.9万千瓦",
        report.text,
        place_name="玉门市",
        place_code="620981",
        indicator_code="power_capacity",
        kind="level",
        period="2024",
    )
    assert o.value_norm == pytest.approx(5.539e6) and o.unit_norm == "kW"
    find(obs, "5座", report.text, place_name="阳泉市", period="2023", indicator_code="smart_mines")
    find(obs, "131处", report.text, place_name="阳泉市", kind="count", indicator="智能化采掘工作面")
    o = find(
        obs,
        "千亿元",
        report.text,
        place_name="阳泉市",
        period="2022",
        indicator="生产总值",
        indicator_code="gdp",
    )
    assert o.value_norm == pytest.approx(1e11)
    o = find(obs, "3.75亿立方米", report.text, place_name="伊春市", indicator_code="forest_stock")
    assert o.value_norm == pytest.approx(3.75e8) and o.unit_norm == "m³"
    find(
        obs,
        "83.8%",
        report.text,
        place_name="伊春市",
        indicator_code="forest_coverage",
        kind="level",
    )
    find(
        obs,
        "位列中国新能源产业百强县第二",
        report.text,
        kind="rank",
        value=2.0,
        place_name="玉门市",
    )


def test_since_and_now_resolve_from_the_report_date(jiangxi) -> None:
    report, obs = jiangxi
    find(obs, "139家", report.text, period="2024", indicator="战略性新兴产业规上企业")
    find(obs, "527.2亿元", report.text, period="2016-2024", indicator="签约金额")


def test_firm_figures_are_not_city_indicators(jiangxi) -> None:
    report, obs = jiangxi
    spans = [report.text[o.span_start : o.span_end] for o in obs]
    assert "1000万元" not in spans  # 该公司每年投入1000万元
    assert not any("1.3万平方米" in s for s in spans)  # a firm's factory
    assert not any("40公斤" in s or "0.8毫米" in s for s in spans)  # adjectival figures


# -- the Pingxiang feature (no date known) ---------------------------------------


def test_feature_growth_and_difference(feature) -> None:
    report, obs = feature
    find(
        obs,
        "7.9%",
        report.text,
        kind="growth",
        value=7.9,
        period="2023",
        place_name="萍乡市",
        indicator="4大新动能赛道规上工业增加值",
    )
    find(
        obs,
        "5.1个百分点",
        report.text,
        kind="growth",
        value=5.1,
        unit="个百分点",
        of="规上工业增加值增速",
    )
    find(obs, "591家", report.text, kind="count", value=591.0, place_name="萍乡市")
    find(obs, "30余家", report.text, qualifier="余", value=30.0, indicator="企业")
    o = find(obs, "112个", report.text, kind="count", indicator="亿元以上技改项目")
    # "2023年以来" without a report date: from 2023 to an unknown year, not the year 2023
    assert (o.period, o.year, o.period_basis) == ("2023至今", None, "relative")


# -- snippets in other styles -------------------------------------------------


BULLETIN = """萍乡市2023年国民经济和社会发展统计公报

全年全市地区生产总值1234.5亿元，比上年增长5.6%。其中，第一产业增加值98.7亿元，增长3.1%；第二产业增加值512.3亿元，增长6.2%；第三产业增加值623.5亿元，增长5.4%。三次产业结构为8.0:41.5:50.5。全年规模以上工业增加值比上年增长7.1%。年末全市常住人口185.6万人。城镇居民人均可支配收入45678元，增长5.0%。
"""


def test_statistical_bulletin() -> None:
    obs = extract_text(BULLETIN, report_date=date(2024, 3, 20))
    got = {(o.indicator_code, o.kind): (o.value, o.unit, o.period, o.place_name) for o in obs}
    assert got[("gdp", "level")] == (1234.5, "亿元", "2023", "萍乡市")
    assert got[("gdp", "growth")] == (5.6, "%", "2023", "萍乡市")
    assert got[("primary_va", "level")] == (98.7, "亿元", "2023", "萍乡市")
    assert got[("primary_va", "growth")] == (3.1, "%", "2023", "萍乡市")
    assert got[("tertiary_va", "growth")] == (5.4, "%", "2023", "萍乡市")
    assert got[("industry_va", "growth")] == (7.1, "%", "2023", "萍乡市")
    assert got[("population", "count")] == (185.6, "万人", "2023", "萍乡市")
    assert got[("urban_income", "growth")] == (5.0, "%", "2023", "萍乡市")
    assert not [o for o in obs if o.value in (8.0, 41.5, 50.5)]  # a ratio without units


WORK_REPORT = """政府工作报告

今年主要预期目标是：地区生产总值增长6%左右，规模以上工业增加值增长7%左右，固定资产投资增长8%，城镇调查失业率控制在5.5%以内，居民人均可支配收入增长与经济增长同步。
"""


def test_government_work_report_targets() -> None:
    obs = extract_text(WORK_REPORT, report_date=date(2024, 1, 20), place="长治市")
    assert [
        (o.indicator_code, o.kind, o.value, o.qualifier, o.period, o.place_code) for o in obs
    ] == [
        ("gdp", "target", 6.0, "左右", "2024", "140400"),
        ("industry_va", "target", 7.0, "左右", "2024", "140400"),
        ("fixed_investment", "target", 8.0, "", "2024", "140400"),
        ("unemployment", "target", 5.5, "以内", "2024", "140400"),
    ]


PROGRESS = """1—7月，全市规模以上工业企业实现营业收入856.3亿元，同比增长4.2%。前三季度，全市固定资产投资同比下降2.1%。去年，全市新增高新技术企业35家，总数达到210家。近三年累计完成造林面积12万至15万亩，全市煤矿从业人员近2万人，森林覆盖率达到65%以上。上半年，芦溪县规上工业增加值增长8.8%。"""


def test_months_quarters_ranges_and_declines() -> None:
    obs = extract_text(PROGRESS, report_date=date(2024, 8, 20), place="萍乡市")
    by_value = {o.value: o for o in obs}
    assert by_value[856.3].period == "2024M01-M07"
    assert by_value[856.3].indicator == "规模以上工业企业营业收入"
    assert by_value[4.2].kind == "growth"
    decline = by_value[-2.1]
    assert (decline.period, decline.kind, decline.indicator_code) == (
        "2024Q1-Q3",
        "growth",
        "fixed_investment",
    )
    assert by_value[35.0].period == "2023"
    assert by_value[210.0].indicator == "高新技术企业总数"
    forest = by_value[12.0]
    assert (forest.value_high, forest.unit, forest.value_norm, forest.unit_norm) == (
        15.0,
        "万亩",
        120000.0,
        "亩",
    )
    assert forest.indicator == "造林面积"
    assert (by_value[2.0].qualifier, by_value[2.0].value_norm) == ("近", 20000.0)
    assert by_value[65.0].qualifier == "以上"
    county = by_value[8.8]
    assert (county.place_name, county.place_code, county.period) == ("芦溪县", "360323", "2024H1")


def test_read_docx_and_html(tmp_path: Path) -> None:
    import docx

    doc = docx.Document()
    doc.add_paragraph("江西省 萍乡市")
    doc.add_paragraph("2023年，该市工业用电量增长1.5%，列全省第六位。")
    path = tmp_path / "r.docx"
    doc.save(str(path))
    obs = Extractor().extract(read_report(path))
    assert [(o.place_name, o.kind, o.value) for o in obs] == [
        ("萍乡市", "growth", 1.5),
        ("萍乡市", "rank", 6.0),
    ]
    html = tmp_path / "r.html"
    html.write_text(
        "<html><head><title>t</title><script>var x=5;</script></head><body><h2>甘肃省 玉门市</h2>"
        "<p>目前，全市各类电力装机累计达到553.9万千瓦。</p></body></html>",
        encoding="utf-8",
    )
    report = read_report(html)
    obs = Extractor().extract(report, report_date=date(2024, 3, 5))
    assert [(o.place_name, o.period, o.value, o.unit) for o in obs] == [
        ("玉门市", "2024", 553.9, "万千瓦")
    ]
    assert report.text[obs[0].span_start : obs[0].span_end] == "553.9万千瓦"


def test_gbk_text_and_bad_files(tmp_path: Path) -> None:
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes("该市2023年森林覆盖率达到65.2%。".encode("gb18030"))
    obs = Extractor().extract(read_report(gbk), place="伊春市")
    assert [(o.place_name, o.value, o.indicator_code) for o in obs] == [
        ("伊春市", 65.2, "forest_coverage")
    ]
    with pytest.raises(ExtractionError) as err:
        read_report(tmp_path / "missing.txt")
    assert "无法读取" in err.value.message("zh")
    bad = tmp_path / "x.docx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(ExtractionError):
        read_report(bad)
    with pytest.raises(ExtractionError):
        read_report(tmp_path / "x.pdf")


_TOKENS = st.sampled_from(
    [
        *"0123456789.%,，。；、：“”年月季度增长占比重达超近以上万亿元吨千瓦时个家第列该市全市萍乡玉门",
        *"江西省县区公司的了 \n—-至由从分之成一二三十百两半前上下比较同期去今过其中分别和",
        "江西省 萍乡市\n",
        "东山区、兴山区分别",
        "1—7月",
        "三分之一",
        "由2020年的",
        "占全省的",
        "比上年",
        "列全省第",
        "２０２３年",
        "１２．５％",
    ]
)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(_TOKENS, max_size=60).map("".join) | st.text(max_size=80),
    st.sampled_from([None, date(2024, 3, 5)]),
    st.sampled_from([None, "萍乡市", "360300", "火星"]),
)
def test_any_text_gives_observations_or_nothing(
    text: str, when: date | None, place: str | None
) -> None:
    obs = extract_text(text, report_date=when, place=place, extractor=_SHARED)
    for o in obs:
        assert isinstance(o, Observation)
        assert 0 <= o.span_start < o.span_end <= len(text)
        assert o.indicator


_SHARED = Extractor()


ECONOMY = """大同市2023年经济运行情况

2023年，全市实现地区生产总值1100.2亿元，同比增长4.5%，增速高于全省0.4个百分点。全市规模以上工业增加值同比增长6.1%，其中，战略性新兴产业增加值增长12.3%，高于全市规上工业5.2个百分点。全年空气质量优良天数比例达到88.5%，PM2.5平均浓度为32微克/立方米，下降5.9%。全市原煤产量由2015年的5000万吨下降到2023年的3200万吨。高新技术企业达到215家，比上年净增38家。第三产业增加值占地区生产总值的比重为48.6%，比上年提高1.2个百分点。煤炭占工业比重由2012年的60%下降至35%。上半年完成投资45亿元，占年度计划的52%。
"""


def test_comparisons_from_to_and_changes() -> None:
    obs = extract_text(ECONOMY, report_date=date(2024, 2, 10))
    assert {o.place_name for o in obs} == {"大同市"}
    by = {(o.value, o.unit): o for o in obs}
    diff = by[(0.4, "个百分点")]
    assert (diff.kind, diff.indicator_code, diff.of) == ("growth", "gdp", "全省")
    above = by[(5.2, "个百分点")]
    assert (above.indicator_code, above.of) == ("emerging_va", "全市规上工业")
    pm = by[(32.0, "微克/立方米")]
    assert (pm.indicator_code, pm.kind, pm.unit_norm) == ("pm25", "level", "μg/m³")
    assert by[(-5.9, "%")].indicator_code == "pm25"
    coal_2015, coal_2023 = by[(5000.0, "万吨")], by[(3200.0, "万吨")]
    assert (coal_2015.indicator_code, coal_2015.period, coal_2015.kind) == (
        "coal_output",
        "2015",
        "level",
    )
    assert (coal_2023.indicator_code, coal_2023.period, coal_2023.kind) == (
        "coal_output",
        "2023",
        "level",
    )
    assert by[(38.0, "家")].indicator == "高新技术企业净增"
    pp = by[(1.2, "个百分点")]
    assert (pp.kind, pp.indicator_code, pp.of) == ("growth", "tertiary_share", "")
    assert (by[(60.0, "%")].kind, by[(60.0, "%")].of) == ("share", "工业")
    assert (by[(35.0, "%")].kind, by[(35.0, "%")].indicator) == ("share", "煤炭占工业比重")
    # "年度计划" is not a target: these are actual figures
    assert by[(45.0, "亿元")].kind == "level" and by[(52.0, "%")].kind == "share"


NEWS = """鹤岗市：转型发展跑出加速度

本报讯（记者 张三）今年以来，鹤岗市坚持以项目建设为抓手，1—5月，全市固定资产投资同比增长15.2%，高于全省平均水平6.3个百分点。其中，工业投资增长32.1%。全市规上工业企业达到186户，比去年同期增加12户。
截至5月末，全市金融机构各项存款余额达812.4亿元。东山区、兴山区分别完成投资3.2亿元和1.5亿元。
萝北县石墨产业园区已入驻企业43家，年产石墨精粉60万吨，约占全国的三分之一。全市煤炭产量占工业总产值的五成以上。
"""


def test_news_respectively_bases_fractions() -> None:
    obs = extract_text(NEWS, report_date=date(2024, 6, 20), place="萍乡市")  # the title wins
    assert obs[0].place_name == "鹤岗市"
    by = {(o.value, o.unit): o for o in obs}
    assert by[(32.1, "%")].period == "2024M01-M05"  # 其中 inherits the period before it
    added = by[(12.0, "户")]
    # 去年同期 is the comparison base, not the period; the change keeps its verb
    assert added.period != "2023" and added.indicator == "规上工业企业增加"
    assert by[(812.4, "亿元")].period == "2024M05"
    east, xing = by[(3.2, "亿元")], by[(1.5, "亿元")]
    assert (east.place_name, east.place_code) == ("东山区", "230406")
    assert (xing.place_name, xing.place_code) == ("兴山区", "230407")
    third = next(o for o in obs if o.unit == "%" and o.of == "全国")
    assert (
        third.value == pytest.approx(100 / 3) and third.kind == "share" and third.qualifier == "约"
    )
    half = next(o for o in obs if o.qualifier == "以上" and o.kind == "share")
    # a share of coal in industry is the mining share, not the coal output (a level in 吨)
    assert (half.value, half.of, half.indicator_code) == (50.0, "工业总产值", "mining_share")
    park = by[(43.0, "家")]
    assert park.place_name == "萝北县石墨产业园区" and park.place_code == "230421"


def test_full_width_digits_keep_their_offsets() -> None:
    text = "２０２３年，全市地区生产总值１２３４．５亿元，增长５．６％。出口额增长1.2倍。"
    obs = extract_text(text, place="萍乡市")
    assert [(o.period, o.indicator_code, o.kind, o.value, o.unit) for o in obs] == [
        ("2023", "gdp", "level", 1234.5, "亿元"),
        ("2023", "gdp", "growth", 5.6, "%"),
        ("2023", None, "growth", 1.2, "倍"),
    ]
    assert text[obs[0].span_start : obs[0].span_end] == "１２３４．５亿元"
    assert text[obs[1].span_start : obs[1].span_end] == "５．６％"


REVIEW = """2024年长治市人民政府工作报告

过去一年，全市地区生产总值完成2850亿元，增长5.8%，增速居全省第2位；一般公共预算收入突破300亿元，同比增长8.2%。全年接待游客1200万人次、实现旅游收入120亿元。森林覆盖率由2020年的33.5%提高到35.2%。
今年经济社会发展的主要预期目标是：地区生产总值增长5.5%左右；单位地区生产总值能耗下降3%。
"""


def test_work_report_review_and_targets() -> None:
    obs = extract_text(REVIEW, report_date=date(2024, 2, 1))
    by = {(o.value, o.unit): o for o in obs}
    assert {o.place_name for o in obs} == {"长治市"}
    # 过去一年 scopes the review paragraph; 全年 there is that year
    assert by[(2850.0, "亿元")].period == "2023" and by[(1200.0, "万人次")].period == "2023"
    assert (by[(2.0, "位")].kind, by[(2.0, "位")].of) == ("rank", "全省")
    assert by[(300.0, "亿元")].qualifier == "突破"
    assert by[(33.5, "%")].period == "2020"
    assert by[(35.2, "%")].period != "2020"  # the from-period belongs to the figure after it
    assert (by[(5.5, "%")].kind, by[(5.5, "%")].period) == ("target", "2024")
    energy = by[(-3.0, "%")]
    assert (energy.kind, energy.indicator_code, energy.indicator) == (
        "target",
        "energy_intensity",
        "单位地区生产总值能耗增速",
    )


def test_province_as_place_and_as_base() -> None:
    text = "全省规上工业增加值增长5.1%，萍乡市增长6.2%，高于全省平均水平1.1个百分点，居全省第3位，占全省的8.5%。"
    got = [(o.place_name, o.kind, o.value, o.of) for o in extract_text(text, place="萍乡市")]
    assert got == [
        ("江西省", "growth", 5.1, ""),
        ("萍乡市", "growth", 6.2, ""),
        ("萍乡市", "growth", 1.1, "全省平均水平"),
        ("萍乡市", "rank", 3.0, "全省"),
        ("萍乡市", "share", 8.5, "全省"),
    ]
