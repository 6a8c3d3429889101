"""Places, chains and industries of the synthetic Pingxiang-like city (data, not logic).

Counties and districts carry their GB/T 2260 codes. The 萍乡经济技术开发区 is
not a county-level division: the generator treats it as a *park and an area*
with the city's own code ``360300`` as its ``county_code`` (and in its firms'
credit codes), so it never collides with a real county code.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CHAINS",
    "COUNTIES",
    "COUNTY_WEIGHTS",
    "EXEMPT_KINDS",
    "NAME_CHARS",
    "TAX_ITEMS",
    "Chain",
    "County",
]


@dataclass(frozen=True)
class County:
    """A district, county or the development zone.

    Attributes
    ----------
    code : str
        GB/T 2260 code (``360300`` for the development zone, see module docstring).
    name, park : str
    short : str
        The place word used in firm names.
    chains : dict of str to float
        Relative weight of each chain among the area's firms.
    """

    code: str
    name: str
    park: str
    short: str
    chains: dict[str, float]


@dataclass(frozen=True)
class Chain:
    """An industrial chain with its GB/T 4754-2017 codes and intensities.

    Attributes
    ----------
    name : str
    industries : tuple of (code, name-word) pairs
    va_rate : float
        Value added / revenue.
    energy : float
        Relative energy intensity (tce per 万元 value added, before calibration).
    emission : float
        Relative emission intensity.
    rd : float
        Typical R&D / revenue.
    shares : tuple of 4 floats
        Split of emissions into COD, NH3-N, SO2, NOx.
    water, gas : float
        m³ of water and gas per tce.
    """

    name: str
    industries: tuple[tuple[str, str], ...]
    va_rate: float
    energy: float
    emission: float
    rd: float
    shares: tuple[float, float, float, float]
    water: float
    gas: float


CHAINS: dict[str, Chain] = {
    c.name: c
    for c in (
        Chain(
            "电瓷电气",
            (("3829", "电瓷"), ("3073", "电瓷电器"), ("3823", "电气")),
            0.27,
            1.2,
            1.0,
            0.032,
            (0.20, 0.02, 0.38, 0.40),
            6.0,
            120.0,
        ),
        Chain(
            "工业陶瓷",
            (("3073", "特种陶瓷"), ("3089", "耐火材料"), ("3099", "工业陶瓷")),
            0.26,
            1.6,
            1.3,
            0.028,
            (0.15, 0.02, 0.43, 0.40),
            5.0,
            260.0,
        ),
        Chain(
            "钢铁",
            (("3120", "钢铁"), ("3130", "钢材"), ("3140", "合金")),
            0.19,
            4.0,
            2.2,
            0.018,
            (0.10, 0.01, 0.44, 0.45),
            4.0,
            60.0,
        ),
        Chain(
            "水泥建材",
            (("3011", "水泥"), ("3021", "建材"), ("3031", "新型墙材")),
            0.24,
            3.2,
            2.5,
            0.012,
            (0.05, 0.01, 0.40, 0.54),
            2.0,
            20.0,
        ),
        Chain(
            "花炮",
            (("2672", "花炮"), ("2672", "烟花"), ("2672", "鞭炮")),
            0.30,
            0.4,
            0.5,
            0.010,
            (0.45, 0.05, 0.30, 0.20),
            3.0,
            10.0,
        ),
        Chain(
            "锂电新材料",
            (("3841", "锂电"), ("3985", "新材料"), ("2613", "锂业")),
            0.23,
            0.9,
            0.8,
            0.045,
            (0.55, 0.10, 0.15, 0.20),
            9.0,
            90.0,
        ),
        Chain(
            "电子信息",
            (("3982", "电子"), ("3981", "电子元件"), ("3976", "光电")),
            0.25,
            0.35,
            0.3,
            0.050,
            (0.60, 0.10, 0.10, 0.20),
            7.0,
            40.0,
        ),
        Chain(
            "新能源汽车零部件与矿山机械",
            (("3670", "汽车零部件"), ("3511", "矿山机械"), ("3513", "机械")),
            0.26,
            0.6,
            0.5,
            0.038,
            (0.40, 0.05, 0.25, 0.30),
            4.0,
            50.0,
        ),
        Chain(
            "食品",
            (("1391", "食品"), ("1371", "农产品"), ("1469", "调味品")),
            0.24,
            0.5,
            0.9,
            0.015,
            (0.75, 0.15, 0.05, 0.05),
            15.0,
            70.0,
        ),
    )
}

COUNTIES: tuple[County, ...] = (
    County(
        "360302",
        "安源区",
        "萍乡安源经济开发区",
        "安源",
        {"钢铁": 3, "水泥建材": 2, "电子信息": 1, "食品": 1, "新能源汽车零部件与矿山机械": 1},
    ),
    County(
        "360313",
        "湘东区",
        "湘东产业园",
        "湘东",
        {"工业陶瓷": 5, "水泥建材": 1, "新能源汽车零部件与矿山机械": 1, "食品": 1},
    ),
    County(
        "360321",
        "莲花县",
        "莲花工业园",
        "莲花",
        {"食品": 3, "锂电新材料": 2, "新能源汽车零部件与矿山机械": 1, "水泥建材": 1},
    ),
    County(
        "360322",
        "上栗县",
        "上栗产业园",
        "上栗",
        {"花炮": 6, "电子信息": 1, "食品": 1, "水泥建材": 1},
    ),
    County(
        "360323",
        "芦溪县",
        "芦溪产业园",
        "芦溪",
        {"电瓷电气": 6, "工业陶瓷": 1, "锂电新材料": 1},
    ),
    County(
        "360300",
        "萍乡经济技术开发区",
        "萍乡经济技术开发区",
        "萍乡",
        {"电子信息": 3, "新能源汽车零部件与矿山机械": 3, "锂电新材料": 2, "电瓷电气": 1},
    ),
)
#: Share of firms in each area (same order as COUNTIES).
COUNTY_WEIGHTS = (0.20, 0.18, 0.10, 0.17, 0.17, 0.18)

#: Exempt categories (免评类别) with the industry a firm of that kind has.
EXEMPT_KINDS: tuple[tuple[str, str, str], ...] = (
    ("公用事业", "4610", "自来水"),
    ("烟草", "1620", "卷烟"),
    ("军工", "3511", "重型机械"),
)

#: Tax items (征收项目): name, share of the firm's tax, months it is paid in.
TAX_ITEMS: tuple[tuple[str, float, tuple[int, ...]], ...] = (
    ("增值税", 0.58, tuple(range(1, 13))),
    ("企业所得税", 0.27, (1, 4, 7, 10)),
    ("城市维护建设税", 0.05, tuple(range(1, 13))),
    ("房产税", 0.06, (6, 12)),
    ("城镇土地使用税", 0.04, (6, 12)),
)

#: Characters for firms' trade names (字号).
NAME_CHARS = (
    "华鑫恒盛宏泰瑞丰源通达兴旺顺昌隆鼎新金永嘉安康宝利晟凯昊宇辉煌博远航"
    "正大中天海明光益民众和信诚德富贵吉祥福星月阳春秋江山湘赣萍楚武功罗霄"
)
