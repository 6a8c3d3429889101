"""The indicator catalogue (package data ``indicators.toml``) and phrase matching.

Examples
--------
>>> cat = load_catalogue()
>>> cat.match("该市工业用电量")
'industry_power'
>>> cat.match("10条重点产业链规上工业增加值")
'industry_va'
>>> cat.match("战略性新兴产业增加值占规上工业增加值比重")
'emerging_share'
>>> cat.match("一台机器人") is None
True
"""

from __future__ import annotations

import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from fenghuang.errors import MethodError

__all__ = ["Catalogue", "Indicator", "load_catalogue"]


@dataclass(frozen=True)
class Indicator:
    """One indicator of the catalogue."""

    code: str
    zh: str
    en: str
    unit: str
    synonyms: tuple[str, ...]


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace(" ", "").upper()


@dataclass(frozen=True)
class Catalogue:
    """Indicators by code, with synonym matching."""

    indicators: dict[str, Indicator]

    def __contains__(self, code: object) -> bool:
        return code in self.indicators

    def __getitem__(self, code: str) -> Indicator:
        return self.indicators[code]

    def match(self, phrase: str, *, units: frozenset[str] | None = None) -> str | None:
        """The code whose longest synonym occurs in ``phrase`` (``None`` if none).

        An exact name or code match wins; otherwise the longest contained
        synonym, so ``战略性新兴产业增加值占…比重`` beats ``工业增加值``.
        ``units`` restricts the candidates to indicators normalised to one of
        these units (a share matches only ``%`` indicators).
        """
        p = _norm(phrase)
        if not p:
            return None
        best: tuple[int, str] | None = None
        for code, ind in self.indicators.items():
            if units is not None and ind.unit not in units:
                continue
            if p in {_norm(code), _norm(ind.zh)}:
                return code
            for syn in (ind.zh, *ind.synonyms):
                s = _norm(syn)
                if s and s in p and (best is None or len(s) > best[0]):
                    best = (len(s), code)
        return best[1] if best else None


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """Read the catalogue: the packaged one, or a TOML file of the same form."""
    if path is None:
        text = (
            resources.files("fenghuang.monitor").joinpath("data/indicators.toml").read_text("utf-8")
        )
        where = "indicators.toml"
    else:
        text = Path(path).read_text(encoding="utf-8")
        where = str(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MethodError(
            "E-MONITOR-CATALOGUE",
            zh="指标目录文件格式错误",
            en="the indicator catalogue is not valid TOML",
            file=where,
            hint_zh=str(exc),
            hint_en=str(exc),
        ) from exc
    out = {}
    errors: list[Mapping[str, Any]] = []
    for code, raw in data.get("indicator", {}).items():
        missing = [k for k in ("zh", "en", "unit") if k not in raw]
        if missing:
            errors.append(
                {
                    "where": f"{where}: indicator.{code}",
                    "zh": f"缺少 {missing}",
                    "en": f"missing {missing}",
                }
            )
            continue
        out[code] = Indicator(
            code, raw["zh"], raw["en"], raw["unit"], tuple(raw.get("synonyms", ()))
        )
    if errors:
        raise MethodError(
            "E-MONITOR-CATALOGUE",
            zh="指标目录不完整",
            en="the indicator catalogue is incomplete",
            errors=errors,
            file=where,
        )
    return Catalogue(out)
