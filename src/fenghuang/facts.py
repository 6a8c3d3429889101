"""The shared data model: firms, parcels and firm-year facts.

Sources produce these columns, the warehouse stores them, the evaluation
reads them. Units are fixed here (base units: 元, 亩, kWh, tce, t, m³);
readers convert whatever a department sends into them and record the
original unit in lineage. Method formulas refer to the ``name`` of a field.

Examples
--------
>>> FIRM_YEAR_FIELDS["tax_paid"].unit
'元'
>>> FIRM_YEAR_FIELDS["land_own"].zh
'自有用地面积'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pyarrow as pa

__all__ = [
    "ARROW_TYPES",
    "CONFIRMATION_STATUSES",
    "DEPARTMENTS",
    "FIRM_FIELDS",
    "FIRM_YEAR_FIELDS",
    "PARCEL_FIELDS",
    "SYNTHETIC_MARK",
    "Field",
]

#: The label every synthetic file, page and report carries (in a file: its title lines
#: or its name). A department file that says it is synthetic makes its import, and the
#: store holding it, synthetic (``fenghuang.warehouse.is_synthetic``).
SYNTHETIC_MARK = "模拟数据"

Dtype = Literal["string", "int64", "float64", "bool", "date"]

#: The Arrow type of each :attr:`Field.dtype`.
ARROW_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "int64": pa.int64(),
    "float64": pa.float64(),
    "bool": pa.bool_(),
    "date": pa.date32(),
}


@dataclass(frozen=True)
class Field:
    """One column of the data model.

    Attributes
    ----------
    name : str
        Identifier used in the warehouse and in method formulas.
    dtype : str
        Arrow-compatible type name.
    unit : str
        Base unit the value is stored in ('' for none).
    zh, en : str
        Labels for Chinese and English screens and workbooks.
    department : str
        The department that usually supplies it ('' for derived/registry).
    """

    name: str
    dtype: Dtype
    unit: str
    zh: str
    en: str
    department: str = ""


def _fields(*items: Field) -> dict[str, Field]:
    return {f.name: f for f in items}


#: Departments that send files, with their Chinese names.
DEPARTMENTS: dict[str, str] = {
    "tax": "税务局",
    "power": "供电公司",
    "land": "自然资源局",
    "stats": "统计局",
    "energy": "发改委（能源）",
    "environment": "生态环境局",
    "science": "科技局",
    "registry": "市场监管局/工信局",
}

#: Confirmation status of a fact, used by data confirmation and appeals.
CONFIRMATION_STATUSES: dict[str, str] = {
    "pending": "待确认",
    "confirmed": "已确认",
    "disputed": "有异议",
}

#: The firm register (one row per firm).
FIRM_FIELDS: dict[str, Field] = _fields(
    Field(
        "credit_code", "string", "", "统一社会信用代码", "Unified social credit code", "registry"
    ),
    Field("name", "string", "", "企业名称", "Firm name", "registry"),
    Field(
        "former_names",
        "string",
        "",
        "曾用名（以“;”分隔）",
        "Former names (';'-separated)",
        "registry",
    ),
    Field(
        "industry_code",
        "string",
        "",
        "行业代码（GB/T 4754-2017）",
        "Industry code (GB/T 4754-2017)",
        "registry",
    ),
    Field("chain", "string", "", "产业链", "Industrial chain", "registry"),
    Field("county_code", "string", "", "区县代码", "County/district code", "registry"),
    Field("county", "string", "", "区县", "County/district", "registry"),
    Field("park", "string", "", "园区", "Industrial park", "registry"),
    Field("above_scale", "bool", "", "规上企业", "Above designated size (规上)", "registry"),
    Field("founded", "date", "", "成立日期", "Founding date", "registry"),
    Field("status", "string", "", "经营状态", "Status", "registry"),
    Field("exempt", "string", "", "免评类别（公用事业/烟草/军工）", "Exempt category", "registry"),
    Field("listed", "bool", "", "上市企业", "Listed company", "registry"),
    Field("tech_growth", "bool", "", "科技型成长企业", "Growth-type tech firm", "registry"),
    Field(
        "major_project",
        "bool",
        "",
        "重大项目建设期",
        "In a major project's construction period",
        "registry",
    ),
)

#: Land parcels (several per firm; a parcel may be shared or leased).
PARCEL_FIELDS: dict[str, Field] = _fields(
    Field("parcel_id", "string", "", "宗地编号", "Parcel id", "land"),
    Field("credit_code", "string", "", "使用企业信用代码", "User's credit code", "land"),
    Field("area", "float64", "亩", "面积", "Area", "land"),
    Field(
        "tenure", "string", "", "权属（自有/租赁/在建）", "Tenure (own/leased/construction)", "land"
    ),
    Field("lessor_code", "string", "", "出租方信用代码", "Lessor's credit code", "land"),
    Field("share", "float64", "", "共用宗地分摊比例", "Share of a shared parcel", "land"),
)

#: Firm-year facts (one row per firm and year), in base units.
FIRM_YEAR_FIELDS: dict[str, Field] = _fields(
    Field("credit_code", "string", "", "统一社会信用代码", "Unified social credit code"),
    Field("year", "int64", "", "年度", "Year"),
    Field("land_own", "float64", "亩", "自有用地面积", "Own land area", "land"),
    Field("land_leased_in", "float64", "亩", "租入用地面积", "Leased-in land area", "land"),
    Field("land_leased_out", "float64", "亩", "出租用地面积", "Leased-out land area", "land"),
    Field("tax_paid", "float64", "元", "实缴税金", "Taxes paid", "tax"),
    Field("tax_refund", "float64", "元", "退税额", "Tax refunds", "tax"),
    Field("social_insurance", "float64", "元", "社保费", "Social-insurance contributions", "tax"),
    Field("revenue", "float64", "元", "营业收入", "Operating revenue", "stats"),
    Field("value_added", "float64", "元", "工业增加值", "Industrial value added", "stats"),
    Field("employees", "float64", "人", "年平均职工人数", "Average employees", "stats"),
    Field(
        "energy_tce",
        "float64",
        "吨标准煤",
        "综合能耗（等价值）",
        "Energy use (tce, equivalent value)",
        "energy",
    ),
    Field("electricity_kwh", "float64", "kWh", "用电量", "Electricity use", "power"),
    Field("water_m3", "float64", "m³", "用水量", "Water use", "energy"),
    Field("gas_m3", "float64", "m³", "用气量", "Gas use", "energy"),
    Field("cod_t", "float64", "吨", "化学需氧量排放", "COD emissions", "environment"),
    Field("nh3n_t", "float64", "吨", "氨氮排放", "NH3-N emissions", "environment"),
    Field("so2_t", "float64", "吨", "二氧化硫排放", "SO2 emissions", "environment"),
    Field("nox_t", "float64", "吨", "氮氧化物排放", "NOx emissions", "environment"),
    Field("rd_expense", "float64", "元", "研发经费支出", "R&D expenditure", "science"),
    Field(
        "invention_patents", "int64", "件", "有效发明专利", "Invention patents in force", "science"
    ),
    Field("high_tech", "bool", "", "高新技术企业", "High-tech enterprise", "science"),
    Field("accident_safety", "bool", "", "重大安全事故", "Major safety accident", "registry"),
    Field(
        "accident_environment",
        "bool",
        "",
        "重大环境事件",
        "Major environmental incident",
        "environment",
    ),
    Field(
        "accident_food", "bool", "", "重大食品安全事故", "Major food-safety accident", "registry"
    ),
    Field("new_firm", "bool", "", "新建/新投产企业", "New firm", "registry"),
)
