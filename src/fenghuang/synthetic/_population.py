"""The synthetic firm population: who the firms are and their yearly true values.

Everything is drawn with one ``numpy.random.Generator`` (no global state),
vectorised over firms. Values are correlated through two latent factors per
firm, *size* and *productivity*: bigger, more productive firms have more
land, more value added per 亩 and pay more tax per 亩. Shapes are lognormal
(heavy right tail). Each year's pool averages are then scaled to the
published targets of :mod:`._calibration`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from fenghuang.sources import CHARSET, make_credit_code, normalize_name
from fenghuang.synthetic._calibration import TARGETS, trend
from fenghuang.synthetic._places import CHAINS, COUNTIES, COUNTY_WEIGHTS, EXEMPT_KINDS, NAME_CHARS

__all__ = ["Population", "make_population"]

_SUFFIXES = ("有限公司", "有限公司", "有限公司", "股份有限公司", "科技有限公司")


@dataclass
class Population:
    """Firms (arrays of length n) and their true yearly values (arrays (n, n_years)).

    Attributes
    ----------
    codes, names, former : list of str
        Credit codes, names and former names ('' for none).
    county, chain, industry, park : list of str
    county_code : list of str
    above : ndarray of bool
        规上 firms.
    founded : list of datetime.date
    exempt : list of str
        '' or 公用事业/烟草/军工.
    listed, tech_growth, major_project, high_tech : ndarray of bool
    land : ndarray of float, (n,)
        Net land of the firm's own (or leased-in) parcels (亩): own + leased in − leased out.
    construction : ndarray of float, (n,)
        Area of a major project's construction site (亩, 0 if none).
    shared : list of (firm, partner, share, area)
        Parcels shared by two firms; ``firm`` has ``share`` of ``area``.
    no_emission : ndarray of bool, (n,)
        规上 firms the ecology bureau has no emission data for.
    lessor : ndarray of int, (n,)
        Index of the firm a leased-only firm rents from, −1 if none.
    active : ndarray of bool, (n, n_years)
        Firm exists (founded) in the year.
    start_month : ndarray of int, (n, n_years)
        First month with activity (1 unless founded that year).
    values : dict of str to ndarray (n, n_years)
        tax, refund, social, revenue, va, employees, energy, kwh, water,
        gas, cod, nh3n, so2, nox, rd, patents (annual true values, base units).
    accidents : dict of str to ndarray of bool (n, n_years)
    new_firm : ndarray of bool, (n, n_years)
    years : tuple of int
    """

    codes: list[str]
    names: list[str]
    former: list[str]
    county: list[str]
    county_code: list[str]
    park: list[str]
    chain: list[str]
    industry: list[str]
    above: np.ndarray
    founded: list[dt.date]
    exempt: list[str]
    listed: np.ndarray
    tech_growth: np.ndarray
    major_project: np.ndarray
    high_tech: np.ndarray
    land: np.ndarray
    construction: np.ndarray
    shared: list[tuple[int, int, float, float]]
    no_emission: np.ndarray
    lessor: np.ndarray
    active: np.ndarray
    start_month: np.ndarray
    values: dict[str, np.ndarray]
    accidents: dict[str, np.ndarray]
    new_firm: np.ndarray
    years: tuple[int, ...]

    @property
    def n(self) -> int:
        return len(self.codes)


def org_codes(index: np.ndarray, county_code: np.ndarray) -> list[str]:
    """Distinct valid credit codes: ``91`` + division + ``MA`` + 7 characters + check."""
    out = []
    for i, cc in zip(index.tolist(), county_code.tolist(), strict=True):
        n = (int(i) * 7_919 + 104_729) % (31**7)
        body = ""
        for _ in range(7):
            body = CHARSET[n % 31] + body
            n //= 31
        out.append(make_credit_code(f"91{cc}MA{body}"))
    return out


def _names(rng: np.random.Generator, n: int, county: list[str], word: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    shorts = {c.name: c.short for c in COUNTIES}
    chars = list(NAME_CHARS)
    for i in range(n):
        while True:
            k = 2 if rng.random() < 0.8 else 3
            trade = "".join(rng.choice(chars, k, replace=False).tolist())
            place = shorts[county[i]]
            style = rng.random()
            suffix = _SUFFIXES[int(rng.integers(len(_SUFFIXES)))]
            if style < 0.55:
                name = f"萍乡市{trade}{word[i]}{suffix}"
            elif style < 0.8:
                name = f"江西{trade}{word[i]}{suffix}"
            else:
                name = f"萍乡{trade}（{place}）{word[i]}{suffix}"
            key = name.replace("（", "").replace("）", "")
            if key not in seen:
                seen.add(key)
                out.append(name)
                break
    return out


def _lognormal(rng: np.random.Generator, median: float, sigma: float, z: np.ndarray) -> np.ndarray:
    return np.asarray(median * np.exp(sigma * z), dtype=float)


def make_population(n: int, seed: int, years: tuple[int, ...]) -> Population:
    """Draw ``n`` firms and their values in ``years`` (see :class:`Population`)."""
    rng = np.random.default_rng(seed)
    ny = len(years)
    last = years[-1]
    c_idx = rng.choice(len(COUNTIES), n, p=np.asarray(COUNTY_WEIGHTS) / sum(COUNTY_WEIGHTS))
    county = [COUNTIES[i].name for i in c_idx]
    county_code = np.asarray([COUNTIES[i].code for i in c_idx])
    park = [COUNTIES[i].park for i in c_idx]
    chain: list[str] = []
    industry: list[str] = []
    word: list[str] = []
    for i in c_idx:
        weights = COUNTIES[i].chains
        names = list(weights)
        p = np.asarray([weights[k] for k in names], dtype=float)
        ch = CHAINS[names[int(rng.choice(len(names), p=p / p.sum()))]]
        code, w = ch.industries[int(rng.integers(len(ch.industries)))]
        chain.append(ch.name)
        industry.append(code)
        word.append(w)
    exempt = [""] * n
    n_exempt = max(3, round(n * 0.012))
    for k, i in enumerate(rng.choice(n, n_exempt, replace=False).tolist()):
        kind, code, w = EXEMPT_KINDS[k % len(EXEMPT_KINDS)]
        exempt[i], industry[i], word[i] = kind, code, w
    names = _names(rng, n, county, word)
    codes = org_codes(np.arange(n), county_code)
    former = [""] * n
    taken = {normalize_name(x) for x in names}
    for i in rng.choice(n, max(2, round(n * 0.06)), replace=False).tolist():
        old = names[i].replace("萍乡市", "萍乡县", 1) if "萍乡市" in names[i] else ""
        for candidate in (old, "萍乡" + names[i][2:4][::-1] + names[i][4:], names[i] + "（原厂）"):
            key = normalize_name(candidate)
            if candidate and key not in taken:  # a former name must point to one firm only
                former[i] = candidate
                taken.add(key)
                break
    above = rng.random(n) < 0.6
    # Founding dates: most long-established; about 9% within the last three years.
    young = rng.random(n) < 0.09
    start_year = np.where(
        young, rng.integers(last - 2, last + 1, n), rng.integers(1993, last - 2, n)
    )
    founded = [
        dt.date(int(y), int(m), int(d))
        for y, m, d in zip(start_year, rng.integers(1, 13, n), rng.integers(1, 29, n), strict=True)
    ]
    above &= ~(young & (start_year == last))
    yrs = np.asarray(years)
    f_year = np.asarray([f.year for f in founded])
    f_month = np.asarray([f.month for f in founded])
    active = f_year[:, None] <= yrs[None, :]
    start_month = np.where(f_year[:, None] == yrs[None, :], f_month[:, None], 1)
    new_firm = active & (f_year[:, None] >= yrs[None, :] - 1)
    listed = above & (rng.random(n) < 0.04)
    tech_growth = rng.random(n) < 0.08
    major_project = rng.random(n) < 0.04
    ch_obj = [CHAINS[c] for c in chain]
    tech_chain = np.asarray([c.rd >= 0.035 for c in ch_obj])
    high_tech = (above & (rng.random(n) < np.where(tech_chain, 0.45, 0.18))) | (
        tech_growth & (rng.random(n) < 0.5)
    )
    # Latent factors: size and productivity, correlated (rho = 0.35).
    z_size = rng.standard_normal(n)
    z_prod = 0.35 * z_size + np.sqrt(1 - 0.35**2) * rng.standard_normal(n)
    land = np.where(above, _lognormal(rng, 32.0, 0.85, z_size), _lognormal(rng, 6.0, 0.8, z_size))
    land = np.round(np.maximum(land, 0.6), 2)
    # Leased-only firms: some small 规下 firms rent from a bigger firm.
    lessor = np.full(n, -1, dtype=np.int64)
    old = start_year < years[0]
    big = np.flatnonzero(above & old & (land > 20) & np.asarray([e == "" for e in exempt]))
    small = np.flatnonzero(~above & (land < 15))
    if len(big) and len(small):
        renters = rng.choice(small, max(1, round(len(small) * 0.12)), replace=False)
        lessor[renters] = rng.choice(big, len(renters))
    # Land beyond the firm's own parcels: a construction site (major projects) and
    # parcels shared by two neighbouring firms. Both count in the pools' land.
    construction = np.where(major_project, np.round(land * 0.3, 2), 0.0)
    shared: list[tuple[int, int, float, float]] = []
    solo = np.flatnonzero(lessor < 0)
    if len(solo) > 1:
        picked = np.sort(rng.choice(len(solo), max(1, round(n * 0.02)), replace=False))
        for k in picked.tolist():
            i, partner = int(solo[k]), int(solo[(k + 1) % len(solo)])
            share = (0.5, 0.6, 0.7)[i % 3]
            shared.append((i, partner, share, round(float(land[i]) * 0.4 + 1.0, 2)))
    land_year = np.repeat((land + construction)[:, None], ny, axis=1)
    for i, partner, share, area in shared:
        both = active[i] & active[partner]
        land_year[i] += np.where(both, area * share, 0.0)
        land_year[partner] += np.where(both, area * round(1 - share, 2), 0.0)
    # Yearly growth (log), then values per year.
    growth = np.cumsum(rng.normal(0.05, 0.08, (n, ny)), axis=1)
    growth -= growth[:, -1:]
    va_factor = np.asarray([1.0 / max(c.energy, 0.3) ** 0.15 for c in ch_obj])
    va = land[:, None] * _lognormal(rng, 100.0, 0.7, z_prod)[:, None] * 1e4
    va = va * (va_factor * np.exp(0.25 * z_size))[:, None] * np.exp(growth)
    va = np.where(above[:, None], va, va * 0.45)
    tax_rate = np.exp(np.log(0.17) + 0.25 * z_prod[:, None] + 0.15 * rng.standard_normal((n, ny)))
    tax = va * tax_rate
    va_rate = np.asarray([c.va_rate for c in ch_obj])[:, None] * np.exp(
        0.12 * rng.standard_normal((n, 1))
    )
    revenue = va / va_rate
    lab = np.exp(0.3 * z_prod + 0.15 * z_size + 0.1 * rng.standard_normal(n))[:, None]
    employees = va / lab
    energy = (
        va
        * np.asarray([c.energy for c in ch_obj])[:, None]
        * np.exp(0.3 * rng.standard_normal((n, 1)) - 0.1 * z_prod[:, None])
    )
    emission = (
        va
        * np.asarray([c.emission for c in ch_obj])[:, None]
        * np.exp(0.5 * rng.standard_normal((n, 1)))
    )
    rd_ratio = np.asarray([c.rd for c in ch_obj])[:, None] * np.exp(
        0.5 * rng.standard_normal((n, 1)) + 0.2 * z_prod[:, None]
    )
    rd_ratio = np.where(high_tech[:, None], rd_ratio * 1.4, rd_ratio)
    rd = revenue * rd_ratio * (rng.random((n, 1)) > 0.12)
    kwh = tax / np.exp(np.log(0.25) + 0.3 * rng.standard_normal((n, 1)))
    wage = 1.15e4 * np.exp(0.15 * rng.standard_normal((n, 1)))
    refund = tax * rng.uniform(0.03, 0.25, (n, ny)) * (rng.random((n, 1)) < 0.2)
    ex = np.asarray([e != "" for e in exempt])
    # Some 规上 firms have no emission data at the ecology bureau.
    no_emission = np.zeros(n, dtype=bool)
    no_emission[rng.choice(np.flatnonzero(above), max(1, round(above.sum() * 0.13)))] = True
    # Calibrate each year's pool (active, not exempt) to the targets.
    for j, y in enumerate(years):
        kt = trend(y, last)
        pool_up = active[:, j] & above & ~ex
        pool_dn = active[:, j] & ~above & ~ex
        L_up = land_year[pool_up, j].sum()
        L_dn = land_year[pool_dn, j].sum()
        s = TARGETS["above.va_per_mu"].value * 1e4 * kt * L_up / va[pool_up, j].sum()
        va[:, j] *= s
        revenue[:, j] *= s
        rd[:, j] *= s
        s = TARGETS["above.tax_per_mu"].value * 1e4 * kt * L_up / tax[pool_up, j].sum()
        tax[:, j] *= s
        refund[:, j] *= s
        kwh[:, j] *= s
        s_dn = TARGETS["below.tax_per_mu"].value * 1e4 * kt * L_dn / tax[pool_dn, j].sum()
        tax[~above, j] *= s_dn
        refund[~above, j] *= s_dn
        kwh[~above, j] *= s_dn
        s = tax[pool_dn, j].sum() / (TARGETS["below.tax_per_kwh"].value * kwh[pool_dn, j].sum())
        kwh[~above, j] *= s
        s = va[pool_up, j].sum() / (
            TARGETS["above.va_per_tce"].value * 1e4 * kt * energy[pool_up, j].sum()
        )
        energy[:, j] *= s
        pool_em = pool_up & ~no_emission
        s = va[pool_em, j].sum() / (
            TARGETS["above.va_per_emission"].value * 1e4 * kt * emission[pool_em, j].sum()
        )
        emission[:, j] *= s
        s = va[pool_up, j].sum() / (
            TARGETS["above.va_per_employee"].value * 1e4 * kt * employees[pool_up, j].sum()
        )
        employees[:, j] *= s
        s = TARGETS["above.rd_ratio"].value / 100 * revenue[pool_up, j].sum() / rd[pool_up, j].sum()
        rd[:, j] *= s
    employees = np.maximum(np.round(employees), 3.0)
    social = employees * wage
    shares = np.asarray([c.shares for c in ch_obj])
    patents = np.where(
        above[:, None] | tech_growth[:, None],
        np.floor(rd / 1e6 * rng.uniform(0.2, 1.2, (n, 1))),
        0.0,
    )
    # Accidents: a handful per year (safety: any firm; environment: 规上; food: 食品 chain).
    acc: dict[str, np.ndarray] = {}
    food = np.asarray([c == "食品" for c in chain])
    for key, rate, eligible in (
        ("safety", 0.006, np.ones(n, dtype=bool)),
        ("environment", 0.004, above),
        ("food", 0.003, food),
    ):
        a = np.zeros((n, ny), dtype=bool)
        for j in range(ny):
            cand = np.flatnonzero(eligible & active[:, j])
            if len(cand):
                a[rng.choice(cand, min(len(cand), max(1, round(n * rate))), replace=False), j] = (
                    True
                )
        acc[key] = a
    water = energy * np.asarray([c.water for c in ch_obj])[:, None]
    gas = energy * np.asarray([c.gas for c in ch_obj])[:, None] * (rng.random((n, 1)) < 0.7)
    values = {
        "tax": tax,
        "refund": refund,
        "social": social,
        "revenue": revenue,
        "va": va,
        "employees": employees,
        "energy": energy,
        "kwh": kwh,
        "water": water,
        "gas": gas,
        "cod": emission * shares[:, 0:1],
        "nh3n": emission * shares[:, 1:2],
        "so2": emission * shares[:, 2:3],
        "nox": emission * shares[:, 3:4],
        "rd": rd,
        "patents": patents,
    }
    for key in values:
        values[key] = np.where(active, values[key], 0.0)
    return Population(
        codes=codes,
        names=names,
        former=former,
        county=county,
        county_code=county_code.tolist(),
        park=park,
        chain=chain,
        industry=industry,
        above=above,
        founded=founded,
        exempt=exempt,
        listed=listed,
        tech_growth=tech_growth,
        major_project=major_project,
        high_tech=high_tech,
        land=land,
        construction=construction,
        shared=shared,
        no_emission=no_emission,
        lessor=lessor,
        active=active,
        start_month=start_month,
        values=values,
        accidents=acc,
        new_firm=new_firm,
        years=tuple(years),
    )
