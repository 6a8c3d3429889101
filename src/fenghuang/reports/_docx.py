"""Word documents: the firm's 体检报告 and the leaders' summary report."""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from fenghuang.reports._charts import class_distribution_png, indicator_bars_png
from fenghuang.reports._labels import SYNTHETIC_NOTE
from fenghuang.reports._xlsx import RunInfo

__all__ = ["FirmReportData", "IndicatorLine", "write_firm_report", "write_summary_report"]

_EAST_ASIAN_FONT = "宋体"
_RATED = ("A", "B", "C", "D")


@dataclass(frozen=True)
class IndicatorLine:
    """One indicator of a firm's diagnostic."""

    code: str
    name: str
    unit: str
    value: float | None
    benchmark: float | None
    item_score: float
    max_score: float | None = None
    industry_median_item: float | None = None


@dataclass(frozen=True)
class FirmReportData:
    """Everything a firm's 体检报告 shows (built from a run's diagnostic)."""

    credit_code: str
    name: str
    county: str
    industry: str
    pool_name: str
    score: float | None
    class_final: str
    rank_in_pool: int | None
    pool_size: int | None
    percentile_pool: float | None
    percentile_industry: float | None
    indicators: Sequence[IndicatorLine]
    previous: Mapping[str, Any] | None = None
    counterfactuals: Sequence[str] = ()
    bill: Sequence[tuple[str, float]] = ()
    measures: Sequence[str] = ()
    notes: Sequence[str] = ()
    extra: Mapping[str, str] = field(default_factory=dict)


def _new_document(title: str, synthetic: bool) -> Any:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(11)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), _EAST_ASIAN_FONT)
    for s in ("Title", "Heading 1", "Heading 2"):
        rpr = doc.styles[s].element.get_or_add_rPr()
        rpr.get_or_add_rFonts().set(qn("w:eastAsia"), _EAST_ASIAN_FONT)
    for section in doc.sections:
        section.left_margin = section.right_margin = Cm(2.2)
        if synthetic:
            p = section.header.paragraphs[0]
            p.text = "模拟数据 SYNTHETIC — 不代表任何真实企业"
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    head = doc.add_heading(title, level=0)
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if synthetic:
        p = doc.add_paragraph()
        run = p.add_run(SYNTHETIC_NOTE)
        run.bold = True
        run.font.color.rgb = RGBColor(0xC6, 0x28, 0x28)
    return doc


def _table(doc: Any, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> Any:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, h in zip(table.rows[0].cells, headers, strict=True):
        cell.text = str(h)
        for r in cell.paragraphs[0].runs:
            r.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, v in zip(cells, row, strict=True):
            cell.text = _fmt(v)
    return table


def _fmt(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        if 0 < abs(v) < 1:  # e.g. 0.058 元/千瓦时, 0.0302 (R&D share): keep 4 significant digits
            return f"{v:.4g}"
        return f"{v:,.2f}"
    return str(v)


def _provenance(doc: Any, info: RunInfo) -> None:
    doc.add_heading("数据与方法说明", level=1)
    for k, v in (
        ("评价方法", f"{info.method_title}（{info.method}）"),
        ("评价批次", info.run_id),
        ("方法文件 SHA-256", info.method_sha256),
        ("输入数据快照 SHA-256", info.input_sha256),
        ("生成时间", info.created_at),
    ):
        doc.add_paragraph(f"{k}：{v}")


def write_summary_report(
    results: pa.Table,
    info: RunInfo,
    path: str | Path,
    *,
    pool_names: Mapping[str, str] | None = None,
    by: Sequence[tuple[str, str]] = (("county", "区县"), ("park", "园区"), ("chain", "产业链")),
    surcharges: Sequence[Mapping[str, Any]] | None = None,
) -> Path:
    """Write the leaders' Word summary of one run.

    Parameters
    ----------
    results : pyarrow.Table
        One row per firm: ``credit_code``, ``name``, ``pool``, ``score``,
        ``class_final``, ``rated`` and optionally ``county``, ``park``,
        ``chain``, ``rank_in_pool``, ``flags``, ``reasons``.
    info : RunInfo
        The run (title, hashes, synthetic label).
    path : str or Path
        Where to write the .docx.
    pool_names : mapping, optional
        Pool id → Chinese name.
    by : sequence of (column, Chinese label)
        One class-distribution chart per column (rated firms only).
    surcharges : sequence of mapping, optional
        :func:`fenghuang.policy.bill_summary` rows of the run (``item_zh``,
        ``policy_class``, ``firms``, ``amount``, ``missing``): section 五 then
        gives the differentiated prices per item and class, with the total.

    Returns
    -------
    Path
        The written file.
    """
    names = dict(pool_names or {})
    rows = results.to_pylist()
    doc = _new_document(f"{info.city}{info.year}年度工业企业综合评价汇总报告", info.synthetic)
    rated = [r for r in rows if r.get("class_final") in _RATED]
    counts = Counter(str(r.get("class_final") or "") for r in rows)
    doc.add_heading("一、总体情况", level=1)
    doc.add_paragraph(
        f"本次评价采用“{info.method_title}”方法，共纳入企业 {len(rows)} 家，其中定级企业 {len(rated)} 家："
        + "，".join(f"{c} 类 {counts.get(c, 0)} 家" for c in _RATED)
        + f"；不定级企业 {len(rows) - len(rated)} 家。"
    )
    by_pool: dict[str, Counter[str]] = defaultdict(Counter)
    for r in rows:
        pool = str(r.get("pool") or "")
        by_pool[names.get(pool, pool)][str(r.get("class_final") or "")] += 1
    _table(
        doc,
        ["评价分组", *(f"{c}类" for c in _RATED), "不定级", "合计"],
        [
            [
                pool,
                *(c[k] for k in _RATED),
                sum(v for k, v in c.items() if k not in _RATED),
                sum(c.values()),
            ]
            for pool, c in by_pool.items()
        ],
    )
    doc.add_heading("二、分" + "、".join(label for _, label in by) + "等级分布", level=1)
    for key, label in by:
        groups: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for r in rated:
            groups[str(r.get(key) or "未填报")][str(r["class_final"])] += 1
        if not groups:
            continue
        png = class_distribution_png(
            dict(sorted(groups.items())), _RATED, title=f"按{label}的等级分布（家）"
        )
        doc.add_picture(io.BytesIO(png), width=Cm(16))
    doc.add_heading("三、得分前十与后十", level=1)
    ordered = sorted(
        (r for r in rated if r.get("score") is not None), key=lambda r: -float(r["score"])
    )
    for caption, part in (("得分前十名", ordered[:10]), ("得分后十名", ordered[-10:][::-1])):
        doc.add_paragraph(caption).runs[0].bold = True
        _table(
            doc,
            ["企业名称", "区县", "评价分组", "得分", "等级"],
            [
                [
                    r.get("name"),
                    r.get("county"),
                    names.get(str(r.get("pool")), r.get("pool")),
                    r.get("score"),
                    r.get("class_final"),
                ]
                for r in part
            ],
        )
    doc.add_heading("四、一票否决、调档与数据缺失", level=1)
    flagged = [r for r in rows if r.get("reasons") or r.get("flags")]
    if flagged:
        _table(
            doc,
            ["企业名称", "原始等级", "最终等级", "说明"],
            [
                [
                    r.get("name"),
                    r.get("class_raw"),
                    r.get("class_final"),
                    "；".join(str(x) for x in [*(r.get("reasons") or []), *(r.get("flags") or [])]),
                ]
                for r in flagged[:200]
            ],
        )
        if len(flagged) > 200:
            doc.add_paragraph(f"（另有 {len(flagged) - 200} 家，详见公示名单工作簿。）")
    else:
        doc.add_paragraph("本次评价无一票否决、调档或数据缺失企业。")
    if surcharges is not None:
        doc.add_heading("五、差别化要素价格", level=1)
        if surcharges:
            total = sum(float(x.get("amount") or 0.0) for x in surcharges)
            doc.add_paragraph(
                f"按评价等级执行差别化价格，预计加价合计 {total / 1e4:,.2f} 万元"
                "（按评价所用年度数据测算；计费量缺失的企业由供电、供水、供气单位按实际计量执行）。"
                "分项目、分等级如下，逐户名单见《差别化价格执行名单》。"
            )
            _table(
                doc,
                ["加价项目", "适用等级", "企业数", "加价金额（万元）", "计费量缺失企业数"],
                [
                    [
                        x.get("item_zh"),
                        x.get("policy_class"),
                        x.get("firms"),
                        round(float(x.get("amount") or 0.0) / 1e4, 2),
                        x.get("missing"),
                    ]
                    for x in surcharges
                ],
            )
        else:
            doc.add_paragraph("本评价办法未设差别化加价，或本次评价无加价企业。")
    _provenance(doc, info)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def write_firm_report(data: FirmReportData, info: RunInfo, path: str | Path) -> Path:
    """Write one firm's Word 体检报告 (diagnostic report).

    Parameters
    ----------
    data : FirmReportData
        The firm's diagnostic.
    info : RunInfo
        The run it comes from.
    path : str or Path
        Where to write the .docx.

    Returns
    -------
    Path
        The written file.
    """
    doc = _new_document(f"{data.name} {info.year}年度综合评价体检报告", info.synthetic)
    doc.add_heading("一、评价结果", level=1)
    _table(
        doc,
        ["项目", "内容"],
        [
            ["统一社会信用代码", data.credit_code],
            ["企业名称", data.name],
            ["所属区县", data.county],
            ["所属行业", data.industry],
            ["评价分组", data.pool_name],
            ["综合得分", data.score],
            ["评价等级", data.class_final or "不定级"],
            [
                "组内排名",
                f"{data.rank_in_pool} / {data.pool_size}" if data.rank_in_pool else None,
            ],
            ["组内百分位", _pct(data.percentile_pool)],
            ["行业内百分位", _pct(data.percentile_industry)],
        ],
    )
    if data.previous:
        doc.add_paragraph(
            f"上年度：得分 {_fmt(data.previous.get('score'))}，等级 {data.previous.get('class_final') or '—'}。"
        )
    doc.add_heading("二、分项指标", level=1)
    _table(
        doc,
        ["指标", "单位", "企业值", "基准值", "得分", "满分", "行业中位得分"],
        [
            [
                i.name,
                i.unit,
                i.value,
                i.benchmark,
                i.item_score,
                i.max_score,
                i.industry_median_item,
            ]
            for i in data.indicators
        ],
    )
    if data.indicators:
        png = indicator_bars_png(
            [i.name for i in data.indicators],
            [i.item_score for i in data.indicators],
            [i.industry_median_item or 0.0 for i in data.indicators],
            title="分项得分与行业中位数",
        )
        doc.add_picture(io.BytesIO(png), width=Cm(16))
    doc.add_heading("三、提升路径", level=1)
    for line in data.counterfactuals or ["本企业已处于最高等级或无可计算的提升路径。"]:
        doc.add_paragraph(line, style="List Bullet")
    doc.add_heading("四、差别化政策", level=1)
    if data.bill:
        _table(doc, ["项目", "金额（元）"], [[k, v] for k, v in data.bill])
    for m in data.measures:
        doc.add_paragraph(m, style="List Bullet")
    if not data.bill and not data.measures:
        doc.add_paragraph("本企业不适用差别化加价或限制措施。")
    if data.notes:
        doc.add_heading("五、说明", level=1)
        for n in data.notes:
            doc.add_paragraph(n, style="List Bullet")
    doc.add_paragraph("如对评价所用数据有异议，可在公示期内通过平台提交申诉并上传证明材料。").runs[
        0
    ].italic = True
    _provenance(doc, info)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def _pct(p: float | None) -> str:
    return "—" if p is None else f"{100 * p:.1f}%"
