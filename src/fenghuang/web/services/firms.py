"""Firm search and the firm page: diagnostic, lift, bill, data with lineage.

Access: a firm user sees only its own firm; analysts, admins and leaders
see any. The page is a few lookups: the run's cached row, the run's
diagnostic for the firm, its bill and its facts' lineage.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, field
from typing import Any

from fenghuang.errors import AccessDenied, NotFoundError
from fenghuang.facts import CONFIRMATION_STATUSES, FIRM_YEAR_FIELDS
from fenghuang.warehouse import Store
from fenghuang.web._i18n import translate
from fenghuang.web._schemas import UserPublic
from fenghuang.web.services import charts, diagnostic
from fenghuang.web.services.backend import api, has_api, pick, records
from fenghuang.web.services.lineage import LineageCache
from fenghuang.web.services.results import RunCache, RunData

__all__ = [
    "FACT_HEADERS",
    "FirmPage",
    "check_firm_access",
    "firm_facts_table",
    "firm_page",
    "search_firms",
]


def check_firm_access(user: UserPublic, credit_code: str) -> None:
    """Raise :class:`AccessDenied` unless ``user`` may see firm ``credit_code``."""
    if user.role == "firm" and user.credit_code == credit_code:
        return
    if user.role in ("admin", "analyst", "leader"):
        return
    raise AccessDenied(
        "E-WEB-FORBIDDEN", zh="无权查看该企业", en="you may not see this firm", firm=credit_code
    )


def search_firms(store: Store, cache: RunCache, *, q: str, limit: int = 50) -> list[dict[str, Any]]:
    """Firms of the newest run whose credit code, name or former name matches ``q``."""
    q = q.strip()
    runs = cache.list_runs(store)
    if not q or not runs:
        return []
    run = cache.get(store, str(runs[0]["run_id"]))
    exact = run.firm(q.upper())
    if exact is not None:
        return [exact]
    needle = q.lower()
    out = []
    for r in run.rows:
        former = str(pick(r, "former_names", default="") or "")
        if (
            needle in r["credit_code"].lower()
            or needle in str(r["name"]).lower()
            or needle in former.lower()
        ):
            out.append(r)
            if len(out) >= limit:
                break
    return out


@dataclass
class FirmPage:
    """Everything the firm page shows."""

    run: dict[str, Any]
    row: dict[str, Any] | None
    indicators: list[dict[str, Any]] = field(default_factory=list)
    lift: list[str] = field(default_factory=list)
    bill: list[dict[str, Any]] = field(default_factory=list)
    facts: list[dict[str, Any]] = field(default_factory=list)
    fact_columns: list[str] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)
    charts: dict[str, dict[str, Any]] = field(default_factory=dict)
    diagnostic: dict[str, Any] = field(default_factory=dict)
    measures: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)


def _history(store: Store, cache: RunCache, run: RunData, code: str) -> list[dict[str, Any]]:
    seen: set[int] = set()
    out = []
    for r in cache.list_runs(store):
        year = int(r.get("year") or 0)
        if year in seen or str(r.get("method")) != run.method:
            continue
        seen.add(year)
        row = cache.get(store, str(r["run_id"])).firm(code)
        if row is not None:
            out.append(
                {
                    "year": year,
                    "run_id": r["run_id"],
                    "score": row["score"],
                    "class_": row["class_"],
                }
            )
    return sorted(out, key=lambda h: h["year"])


#: What a measure says about its numbers' standing, as
#: ``policy.firm_measures`` labels them (a test checks equality).
_MEASURE_TAGS = {
    "zh": {"示例": "（示例）", "重构": "（重构）"},
    "en": {"示例": " (example)", "重构": " (reconstruction)"},
}


def _run_policy(store: Store, run: RunData) -> dict[str, Any]:
    """The run's bills and measures, computed once for the whole run and grouped by firm.

    ``policy.firm_bill`` parses the method and reads the run's history on
    every call; one ``run_bills`` / ``run_measures`` per cached run keeps a
    firm page a lookup. Lines are labelled as ``firm_bill`` labels them.
    """
    hit = run.derived.get("policy")
    if hit is not None:
        out: dict[str, Any] = hit
        return out
    import fenghuang.policy as pol

    policies = pol.run_policies(run.run)
    bills: dict[str, list[dict[str, Any]]] = {}
    synthetic = bool(getattr(run.run, "synthetic", False))
    rows = pol.run_bills(store, run.run_id, run=run.run)
    lines = pol.bill_lines(rows, policies, synthetic=synthetic)
    for code, line in zip(rows.column("credit_code").to_pylist(), lines, strict=True):
        bills.setdefault(str(code), []).append(line)
    measures: dict[str, dict[str, list[str]]] = {"zh": {}, "en": {}}
    for r in records(pol.run_measures(store, run.run_id, run=run.run)):
        head = str(r["source"]).split("（", 1)[0]
        for lang in ("zh", "en"):
            text = str(r["text_en" if lang == "en" else "text_zh"])
            text += _MEASURE_TAGS[lang].get(head, "")
            measures[lang].setdefault(str(r["credit_code"]), []).append(text)
    out = {"bills": bills, "measures": measures}
    run.derived["policy"] = out
    return out


def _bill(store: Store, run: RunData, code: str) -> list[dict[str, Any]]:
    """The firm's surcharge bill lines (equal to ``policy.firm_bill``)."""
    if run.run is None or not has_api("policy", "run_bills"):
        return []
    lines: list[dict[str, Any]] = _run_policy(store, run)["bills"].get(code, [])
    return lines


def _measures(store: Store, run: RunData, code: str, lang: str) -> list[str]:
    """The firm's incentives and restrictions (equal to ``policy.firm_measures``)."""
    if run.run is None or not has_api("policy", "run_measures"):
        return []
    lines: list[str] = _run_policy(store, run)["measures"]["en" if lang == "en" else "zh"].get(
        code, []
    )
    return lines


#: Lineage columns with a translated header (others are shown by name).
FACT_HEADERS = {
    "value": "common.value",
    "source": "firm.source",
    "file_name": "data.file",
    "department": "data.department",
    "status": "firm.confirmation",
    "confirmation": "firm.confirmation",
    "unit": "common.unit",
    "file": "data.file",
    "sheet": "firm.sheet",
    "row": "firm.row",
    "version": "firm.version",
}


def _lineage_groups(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Source rows of one field and file taken together (12 monthly rows → one line).

    The value is their sum (monthly flows add up to the year); ``row`` gives
    the range and number of distinct file rows, ``rows_n`` the values summed.
    Corrections (version > 0) stay one line each.
    """
    out: list[dict[str, Any]] = []
    index: dict[tuple[Any, ...], dict[str, Any]] = {}
    for r in rows:
        key = (r.get("field"), r.get("file"), r.get("sheet"), r.get("status"), r.get("version"))
        g = index.get(key)
        if g is None or r.get("version"):
            g = {**r, "rows_n": 1, "_rows": [r.get("row")]}
            index[key] = g
            out.append(g)
            continue
        if r.get("value") is not None:
            g["value"] = (g.get("value") or 0.0) + float(r["value"])
        g["rows_n"] += 1
        g["_rows"].append(r.get("row"))
    for g in out:
        nums = sorted({int(x) for x in g.pop("_rows") if x is not None})
        if len(nums) > 1:  # several rows of the file (one row with 12 month columns stays one)
            g["row"] = f"{nums[0]}–{nums[-1]}（{len(nums)}）"
    return out


def firm_facts_table(
    store: Store, code: str, year: int, lineage: LineageCache | None = None
) -> tuple[list[dict[str, Any]], list[str]]:
    """The firm's facts of ``year`` as the firm page lists them (one line per field and
    source, with its lineage), and the columns shown."""
    if not has_api("warehouse", "fact_lineage"):
        return [], []
    held = lineage.lineage(store, code, year) if lineage is not None else None
    if held is None:
        held = records(api("warehouse", "fact_lineage")(store, code, year))
    rows = _lineage_groups(held)
    cols: list[str] = []
    for r in rows:
        f = FIRM_YEAR_FIELDS.get(str(r.get("field", "")))
        r["unit_"] = f.unit if f else ""
        r["dtype_"] = f.dtype if f else ""  # a flag reads 是/否, a count has no decimals
        for key in ("status", "confirmation"):
            if r.get(key) in CONFIRMATION_STATUSES:
                r[key + "_zh"] = CONFIRMATION_STATUSES[str(r[key])]
        r["label"] = (
            f"{f.zh}（{f.unit}）"
            if f and f.unit and f.unit != "元"
            else (f.zh if f else r.get("field", ""))
        )
        r["label_en"] = (
            f"{f.en} ({f.unit})"
            if f and f.unit and f.unit != "元"
            else (f.en if f else r.get("field", ""))
        )
        for k in r:
            if (
                k not in cols
                and not k.endswith(("_zh", "_"))
                and k not in ("label", "label_en", "credit_code", "year", "rows_n")
            ):
                cols.append(k)
    return rows, cols


def _settle(run: RunData, min_rows: int) -> None:
    """Once a run's firm-page indexes are built, take them out of the cyclic GC's scans.

    A loaded run at 100,000 firms is about a million Python objects (rows,
    items by firm, bills); a full collection walks them all, 0.5–1 s during
    which no page is served (the benchmark's p99). They are acyclic and live
    as long as the run is cached (reference counting still frees them when
    it is dropped), so after one collection ``gc.freeze`` moves everything
    alive now to the permanent generation. Done once per run, for runs of at
    least ``min_rows`` firms (:attr:`RunCache.settle_rows`; small runs cost
    little to scan).
    """
    if run.derived.get("settled") or not {"policy", "diagnostic_index"} <= run.derived.keys():
        return
    if len(run.rows) < min_rows:
        return
    run.derived["settled"] = True
    gc.collect()
    gc.freeze()


def firm_page(
    store: Store,
    cache: RunCache,
    *,
    user: UserPublic,
    credit_code: str,
    run_id: str | None,
    lang: str,
    lineage: LineageCache | None = None,
) -> FirmPage:
    """The firm page for ``credit_code`` in ``run_id`` (default: the newest run).

    ``lineage``: the app's in-memory lineage (the same rows as
    ``warehouse.fact_lineage``, which is asked when it does not hold the year).
    """
    check_firm_access(user, credit_code)
    runs = cache.list_runs(store)
    rid = run_id or (str(runs[0]["run_id"]) if runs else None)
    if rid is None:
        raise NotFoundError("E-WEB-NO-RUN", zh="尚无评价批次", en="no evaluation run yet")
    run = cache.get(store, rid)
    row = run.firm(credit_code)
    page = FirmPage(run=run.info, row=row)
    page.facts, page.fact_columns = firm_facts_table(store, credit_code, run.year, lineage)
    if row is None:
        if not page.facts:
            raise NotFoundError(
                "E-WEB-NO-FIRM", zh="企业不存在", en="no such firm", firm=credit_code
            )
        return page
    page.history = _history(store, cache, run, credit_code)
    page.indicators = diagnostic.firm_items(run, row)
    page.diagnostic = diagnostic.evaluation_diagnose(run, credit_code)
    levers = diagnostic.diagnose_lift(page.diagnostic, lang)  # the evaluation's counterfactuals
    page.lift = diagnostic.lift_lines(run, row, page.indicators, lang, room=not levers) + levers
    page.events = diagnostic.firm_events(run, credit_code, lang)
    page.bill = _bill(store, run, credit_code)
    page.measures = _measures(store, run, credit_code, lang)
    _settle(run, cache.settle_rows)
    ind = [i for i in page.indicators if i["score"] is not None]
    if ind:
        labels = (str(row["name"])[:12], translate("firm.median", lang))
        top = [
            (i["name"], float(i["max"] or max(float(i["score"]), float(i["median"] or 0), 1e-9)))
            for i in ind
        ]
        page.charts["radar"] = charts.radar(
            top, [i["score"] for i in ind], [i["median"] for i in ind], labels
        )
        page.charts["contrib"] = charts.contribution_bars(
            [(i["name"], float(i["score"])) for i in ind], translate("common.score", lang)
        )
    return page
