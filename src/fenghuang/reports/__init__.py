"""Reports: the publicity list (xlsx) and Word reports for firms and leaders."""

from fenghuang.reports._audit import AUDIT_COLUMNS, write_audit_log
from fenghuang.reports._docx import (
    FirmReportData,
    IndicatorLine,
    write_firm_report,
    write_summary_report,
)
from fenghuang.reports._errors import ERROR_LIST_COLUMNS, LINK_COLUMNS, write_error_list
from fenghuang.reports._labels import SYNTHETIC_NOTE
from fenghuang.reports._pdf import docx_to_pdf
from fenghuang.reports._surcharges import (
    SURCHARGE_COLUMNS,
    SURCHARGE_SUMMARY_COLUMNS,
    write_surcharge_list,
)
from fenghuang.reports._template import template_columns, write_submission_template
from fenghuang.reports._xlsx import PUBLICITY_COLUMNS, RunInfo, write_publicity_workbook

__all__ = [
    "AUDIT_COLUMNS",
    "ERROR_LIST_COLUMNS",
    "LINK_COLUMNS",
    "PUBLICITY_COLUMNS",
    "SURCHARGE_COLUMNS",
    "SURCHARGE_SUMMARY_COLUMNS",
    "SYNTHETIC_NOTE",
    "FirmReportData",
    "IndicatorLine",
    "RunInfo",
    "docx_to_pdf",
    "template_columns",
    "write_audit_log",
    "write_error_list",
    "write_firm_report",
    "write_publicity_workbook",
    "write_submission_template",
    "write_summary_report",
    "write_surcharge_list",
]
