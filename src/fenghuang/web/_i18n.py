"""All user-facing strings of the web application, in Chinese and English.

One table; templates call ``t("key")`` and the language comes from the
``fh_lang`` cookie (zh-CN by default). A missing key shows the key itself, and
a test checks that every key used in a template is in the table.
"""

from __future__ import annotations

from typing import Literal

__all__ = ["LANGS", "STRINGS", "Lang", "translate"]

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")

STRINGS: dict[str, tuple[str, str]] = {
    # chrome
    "app.title": ("凤凰 · 资源型城市转型平台", "Fenghuang · resource-city platform"),
    "app.short": ("凤凰", "Fenghuang"),
    "synthetic.banner": (
        "模拟数据：本系统展示的企业与数值均为模拟生成，不代表任何真实企业。",
        "Synthetic data (模拟数据): firms and figures shown are generated, not real.",
    ),
    "synthetic.tag": ("模拟数据", "synthetic"),
    "lang.switch": ("English", "中文"),
    "nav.overview": ("总览", "Overview"),
    "nav.runs": ("评价批次", "Runs"),
    "nav.firms": ("企业查询", "Firms"),
    "nav.data": ("数据归集", "Data"),
    "nav.publicity": ("公示", "Publicity"),
    "nav.appeals": ("异议申诉", "Appeals"),
    "nav.downloads": ("下载", "Downloads"),
    "nav.cities": ("城市监测", "Cities"),
    "nav.admin": ("系统管理", "Admin"),
    "nav.myfirm": ("本企业", "My firm"),
    "nav.logout": ("退出", "Log out"),
    "role.admin": ("管理员", "Administrator"),
    "role.analyst": ("分析员", "Analyst"),
    "role.department": ("部门填报员", "Department submitter"),
    "role.leader": ("领导", "Leader"),
    "role.firm": ("企业用户", "Firm"),
    # login
    "login.title": ("登录", "Log in"),
    "login.username": ("用户名", "Username"),
    "login.password": ("密码", "Password"),
    "login.submit": ("登录", "Log in"),
    "login.failed": ("用户名或密码错误", "Wrong username or password"),
    "login.limited": (
        "登录失败次数过多，请稍后再试",
        "Too many failed logins; try again later",
    ),
    # generic
    "common.none": ("暂无数据", "No data"),
    "common.yes": ("是", "Yes"),
    "common.no": ("否", "No"),
    "common.year": ("年度", "Year"),
    "common.method": ("评价办法", "Method"),
    "common.run": ("评价批次", "Run"),
    "common.class": ("等级", "Class"),
    "common.score": ("得分", "Score"),
    "common.count": ("企业数", "Firms"),
    "common.county": ("区县", "County"),
    "common.park": ("园区", "Park"),
    "common.industry": ("行业", "Industry"),
    "common.chain": ("产业链", "Chain"),
    "common.pool": ("评价组", "Pool"),
    "common.firm": ("企业", "Firm"),
    "common.credit_code": ("统一社会信用代码", "Credit code"),
    "common.name": ("企业名称", "Name"),
    "common.status": ("状态", "Status"),
    "common.reason": ("理由", "Reason"),
    "common.submit": ("提交", "Submit"),
    "common.search": ("查询", "Search"),
    "common.download": ("下载", "Download"),
    "common.created": ("时间", "Time"),
    "common.field": ("数据项", "Field"),
    "common.value": ("数值", "Value"),
    "common.actions": ("操作", "Actions"),
    "common.rank": ("排名", "Rank"),
    "common.percentile": ("百分位", "Percentile"),
    "common.back": ("返回", "Back"),
    "common.published": ("已公示", "Published"),
    "error.title": ("出错了", "Something went wrong"),
    "error.forbidden": ("无权访问", "Access denied"),
    "error.notfound": ("未找到", "Not found"),
    # overview
    "overview.title": ("评价总览", "Evaluation overview"),
    "overview.norun": (
        "尚无评价批次。请在“评价批次”中运行一次评价。",
        "No evaluation run yet. Run one under Runs.",
    ),
    "overview.by_county": ("各区县等级分布", "Classes by county"),
    "overview.by_park": ("各园区等级分布", "Classes by park"),
    "overview.by_industry": ("各行业大类等级分布", "Classes by industry division"),
    "overview.by_chain": ("各产业链等级分布", "Classes by chain"),
    "overview.movement": ("与上年相比的等级变动", "Class movement since last year"),
    "overview.map": ("区县平均得分", "Mean score by county"),
    "overview.map_share_a": ("A类企业占比", "Share of class A"),
    "overview.map_share_d": ("D类企业占比", "Share of class D"),
    "overview.top": ("得分前十", "Top ten"),
    "overview.bottom": ("得分后十", "Bottom ten"),
    "overview.completeness": ("数据完整性", "Data completeness"),
    "overview.from": ("上年", "Last year"),
    "overview.to": ("本年", "This year"),
    "overview.no_previous": ("没有上年评价批次", "No run for last year"),
    # runs
    "runs.title": ("评价批次", "Evaluation runs"),
    "runs.new": ("运行评价", "Run an evaluation"),
    "runs.start": ("开始评价", "Start"),
    "runs.running": ("评价进行中…", "Evaluation running…"),
    "runs.done": ("评价完成", "Evaluation finished"),
    "runs.failed": ("评价失败", "Evaluation failed"),
    "runs.compare": ("比较两个批次", "Compare two runs"),
    "runs.publish": ("发布公示", "Publish"),
    "runs.days": ("公示天数", "Days open"),
    "runs.published_until": ("公示截止", "Open until"),
    "runs.moved": ("等级变动企业", "Firms that changed class"),
    "runs.why": ("主要原因", "Main reason"),
    "runs.view": ("查看", "View"),
    "runs.firms": ("参评企业", "Firms evaluated"),
    # firms
    "firms.title": ("企业查询", "Find a firm"),
    "firms.query": ("信用代码、企业名称或曾用名", "Credit code, name or former name"),
    "firms.results": ("查询结果", "Results"),
    "firm.diagnostic": ("评价诊断", "Diagnostic"),
    "firm.radar": ("与行业中位数对比", "Against the industry median"),
    "firm.contrib": ("各指标得分贡献", "Contribution of each indicator"),
    "firm.history": ("历年等级", "History"),
    "firm.lift": ("如何提升一个等级", "What would lift it a class"),
    "firm.bill": ("差别化要素价格（加价）", "Differentiated prices (surcharges)"),
    "firm.appeal_this": ("提出异议", "appeal"),
    "firm.no_surcharge": (
        "本企业的评价等级不适用差别化加价",
        "No differentiated surcharge applies to this firm's class",
    ),
    "firm.data": ("企业数据与来源", "Data and lineage"),
    "firm.source": ("来源", "Source"),
    "firm.confirmation": ("确认状态", "Confirmation"),
    "firm.report": ("下载体检报告（Word）", "Download the health-check report (Word)"),
    "firm.appeal": ("对数据提出异议", "Appeal a figure"),
    "firm.indicator": ("指标", "Indicator"),
    "firm.median": ("行业中位数", "Industry median"),
    "firm.measures": ("差别化配置措施", "Incentives and restrictions"),
    "firm.sheet": ("工作表", "Sheet"),
    "firm.row": ("行号", "Row"),
    "firm.version": ("版本", "Version"),
    "firm.bill_basis": ("计费依据", "Basis"),
    "firm.bill_rate": ("加价标准", "Rate"),
    "common.unit": ("单位", "Unit"),
    "firm.not_evaluated": ("本批次未评价该企业", "Not evaluated in this run"),
    # data
    "data.title": ("数据归集", "Data intake"),
    "data.imports": ("导入记录", "Imports"),
    "data.department": ("部门", "Department"),
    "data.file": ("文件", "File"),
    "data.rows": ("行数（读入/入库/隔离）", "Rows (read/loaded/quarantined)"),
    "data.quarantine": ("隔离的记录", "Quarantined rows"),
    "data.confirm": ("数据确认", "Confirm facts"),
    "data.confirm_btn": ("确认", "Confirm"),
    "data.import_btn": ("导入文件", "Import a file"),
    "data.dispute_btn": ("有异议", "Dispute"),
    "data.confirmations": (
        "确认记录（各部门、年度的最新状态）",
        "Confirmations (latest per department and year)",
    ),
    "data.scope": ("范围", "Scope"),
    "data.all_firms": ("全部企业", "All firms"),
    "data.actor": ("操作人", "By"),
    "data.note": ("说明", "Note"),
    "data.errors": ("错误清单", "Error list"),
    "data.errors_xlsx": ("下载（Excel）", "Download (Excel)"),
    "data.sheet": ("工作表", "Sheet"),
    "data.row": ("行号", "Row"),
    "data.column": ("列", "Column"),
    "data.code": ("错误代码", "Error code"),
    "data.raw": ("原始值", "Value as sent"),
    "data.template": ("下载（Excel）", "Download (Excel)"),
    "data.template_head": ("报送模板", "Submission template"),
    "data.linked": ("按名称关联", "Linked by name"),
    "data.links": ("按名称关联的记录", "Rows linked by name"),
    "data.links_note": (
        "这些行没有统一社会信用代码，已按企业名称或曾用名关联到登记的企业，请核对；"
        "找不到企业的行在隔离记录中（E-ROW-UNMATCHED）。",
        "These rows had no credit code and were linked to a registered firm by its name or a "
        "former name: check them. Rows matching no firm are in the quarantine (E-ROW-UNMATCHED).",
    ),
    "data.name_sent": ("报送的企业名称", "Name as sent"),
    "data.name_registered": ("登记名称", "Registered name"),
    "data.matched_on": ("依据", "Matched on"),
    "data.matched.name": ("企业名称", "Name"),
    "data.matched.former_name": ("曾用名", "Former name"),
    "data.total": ("共", "Total"),
    "data.shown": (
        "条；此处显示前 {shown} 条，完整清单请下载各次导入的错误清单。",
        "rows; the first {shown} are shown here: download each import's error list for all.",
    ),
    "status.pending": ("待确认", "Pending"),
    "status.confirmed": ("已确认", "Confirmed"),
    "status.disputed": ("有异议", "Disputed"),
    # publicity
    "pub.title": ("评价结果公示", "Public notice of results"),
    "pub.none": ("当前没有公示中的评价结果", "Nothing is open for public notice"),
    "pub.period": ("公示期", "Notice period"),
    "pub.xlsx": ("下载公示名单（Excel）", "Download the list (Excel)"),
    "pub.own": ("本企业公示结果", "Your firm's published result"),
    # appeals
    "appeals.title": ("异议申诉", "Appeals"),
    "appeals.new": ("提交异议", "File an appeal"),
    "appeals.claimed": ("企业主张的数值", "Value claimed"),
    "appeals.current": ("现值", "Current value"),
    "appeals.evidence": ("证明材料（PDF或图片）", "Evidence (PDF or image)"),
    "appeals.accept": ("采纳", "Accept"),
    "appeals.reject": ("驳回", "Reject"),
    "appeals.pending": ("待处理", "Pending"),
    "appeals.accepted": ("已采纳", "Accepted"),
    "appeals.rejected": ("已驳回", "Rejected"),
    "appeals.decision": ("处理意见", "Decision"),
    "appeals.new_run": ("新评价批次", "New run"),
    "appeals.filed": ("异议已提交", "Appeal filed"),
    # downloads
    "dl.title": ("下载", "Downloads"),
    "dl.summary": ("领导汇总报告（Word）", "Leaders' summary (Word)"),
    "dl.list": ("评价结果名单（Excel）", "Results list (Excel)"),
    "dl.surcharges": ("差别化价格执行名单（Excel）", "Surcharge list for the utilities (Excel)"),
    "dl.firm_report": ("企业体检报告（Word）", "Firm health-check report (Word)"),
    # admin
    "admin.title": ("系统管理", "Administration"),
    "admin.audit": ("操作日志", "Audit log"),
    "admin.users": ("用户与角色", "Users and roles"),
    "admin.actor": ("操作人", "Actor"),
    "admin.action": ("操作", "Action"),
    "admin.object": ("对象", "Object"),
    "admin.change_role": ("修改角色", "Change role"),
    "admin.all_actions": ("全部操作", "All actions"),
    "admin.reset_password": ("重置密码", "Reset password"),
    "admin.disable": ("停用", "Disable"),
    "admin.new_user": ("新建用户", "New user"),
    "admin.create": ("创建", "Create"),
    # the user's own account
    "account.title": ("我的账号", "My account"),
    "account.display_name": ("姓名", "Name"),
    "account.role": ("角色", "Role"),
    "account.password": ("修改密码", "Change password"),
    "account.current": ("当前密码", "Current password"),
    "account.new": ("新密码", "New password"),
    "account.repeat": ("再次输入新密码", "New password again"),
    "account.change": ("修改", "Change"),
    "account.changed": (
        "密码已修改；其他已登录的会话已退出。",
        "Password changed; your other sessions were logged out.",
    ),
    "account.policy": (
        "密码至少8位，含小写字母、大写字母、数字、符号中的三种，且不含用户名。",
        "At least 8 characters from three of: lower case, upper case, digits, symbols; "
        "not containing the username.",
    ),
    "admin.filter": ("筛选", "Filter"),
    "admin.audit_xlsx": ("导出（Excel）", "Export (Excel)"),
    # audit actions (fenghuang.web.services.audit.ACTIONS)
    "audit.login": ("登录", "Log in"),
    "audit.login_failed": ("登录失败", "Failed login"),
    "audit.login_limited": ("登录受限", "Login rate-limited"),
    "audit.logout": ("退出", "Log out"),
    "audit.seed_accounts": ("初始化账户", "Accounts seeded"),
    "audit.role": ("修改角色", "Role changed"),
    "audit.user_create": ("新建用户", "User created"),
    "audit.user_disable": ("停用用户", "User disabled"),
    "audit.password_reset": ("重置密码", "Password reset"),
    "audit.password_change": ("修改密码", "Password changed"),
    "audit.import": ("导入数据", "Data imported"),
    "audit.confirm": ("数据确认", "Data confirmation"),
    "audit.run": ("评价计算", "Evaluation run"),
    "audit.publish": ("公示", "Publication"),
    "audit.appeal": ("提交申诉", "Appeal filed"),
    "audit.appeal_decision": ("申诉处理", "Appeal decided"),
    "audit.monitor_extract": ("报告指标抽取", "Report figures extracted"),
    "audit.monitor_verify": ("指标核实", "Figure verified"),
    "audit.download": ("下载文件", "File downloaded"),
    "audit.denied": ("拒绝访问", "Access refused"),
    # classes
    "class.A": ("A类（优先发展）", "A (priority)"),
    "class.B": ("B类（鼓励提升）", "B (encouraged)"),
    "class.C": ("C类（整治提升）", "C (to improve)"),
    "class.D": ("D类（倒逼转型）", "D (forced change)"),
}


def translate(key: str, lang: str) -> str:
    """The text for ``key`` in ``lang`` (``"zh"`` or ``"en"``); the key if unknown.

    Examples
    --------
    >>> translate("nav.overview", "en")
    'Overview'
    >>> translate("nav.overview", "zh")
    '总览'
    """
    pair = STRINGS.get(key)
    if pair is None:
        return key
    return pair[1] if lang == "en" else pair[0]
