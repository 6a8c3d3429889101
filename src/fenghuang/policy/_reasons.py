"""The zh and en reason of a bill line (built once per distinct class, years and flag)."""

from __future__ import annotations

from fenghuang.methods._policy import Surcharge
from fenghuang.policy._classes import PolicyClasses

__all__ = ["bill_reason", "rate_text"]


def rate_text(x: float) -> str:
    """A rate as text without float noise: 0.1 → '0.10', 0.615 → '0.615', 2 → '2.00'."""
    s = f"{x:.6f}".rstrip("0")
    head, _, tail = s.partition(".")
    return f"{head}.{tail.ljust(2, '0')}"


def bill_reason(
    s: Surcharge, pcl: PolicyClasses, g: int, years: int, flag: int
) -> tuple[str, str, float | None]:
    """The zh and en reason of one bill line, and its percent (percent mode)."""
    lab = pcl.label[g]
    unit = s.unit
    esc = s.escalation
    if years and esc is not None:
        raw = esc.rate_for(years)
        k = len(esc.schedule)
        head_zh = f"连续{years}年{lab}类"
        head_en = f"class {lab} for {years} consecutive year(s)"
        if k == 1:
            head_zh, head_en = f"{lab}类企业", f"class {lab}"
        elif years > k:
            head_zh += f"（按第{k}年及以后标准）"
            head_en += f" (the rate from year {k} on)"
    else:
        raw = s.rates[lab]
        head_zh, head_en = f"{lab}类企业", f"class {lab}"
    percent: float | None = None
    if s.mode == "percent":
        assert s.base_price is not None
        percent = float(raw)
        yuan = s.base_price * raw / 100.0
        what_zh = (
            f"{s.name_zh}：加价{raw:g}%（基准价{rate_text(s.base_price)}元/{unit}，"
            f"即{rate_text(yuan)}元/{unit}）"
        )
        what_en = f"{s.name_en} +{raw:g}% of {rate_text(s.base_price)} yuan/{unit} = {rate_text(yuan)} yuan/{unit}"
    else:
        what_zh = f"{s.name_zh}：加价{rate_text(raw)}元/{unit}"
        what_en = f"{s.name_en} +{rate_text(raw)} yuan/{unit}"
    if s.basis_factor != 1.0:
        what_zh += f"，计费量=用量×{s.basis_factor:g}"
        what_en += f", charged on use × {s.basis_factor:g}"
    zh = f"{head_zh}，{what_zh}"
    en = f"{head_en}: {what_en}"
    if pcl.prefix_zh[g]:
        zh = f"{pcl.prefix_zh[g]}；{zh}"
        en = f"{pcl.prefix_en[g]}; {en}"
    if flag == 1:
        zh += f"。计费依据（{s.basis}）缺失，未计加价（数据缺失）"
        en += f". Basis ({s.basis}) missing: not charged (data missing)"
    elif flag == 2:
        zh += f"。计费依据（{s.basis}）为负数，未计加价（数据异常）"
        en += f". Basis ({s.basis}) negative: not charged (invalid data)"
    return zh, en, percent
