"""The query ``warehouse.fact_lineage`` was before its point lookups, as the tests' reference.

Shared by the warehouse's firm-map tests and the web's firm-page speed tests
(``pythonpath`` in pyproject.toml puts this folder on ``sys.path``).
"""

#: A full scan of the store for one firm and year (``$1`` credit code, ``$2`` year):
#: source rows, parcels as holder and as lessor, corrections, confirmation status.
LINEAGE_REFERENCE = """
with v as (
    select s.field, s.value, s.unit, i.file_name as file, s.sheet, s.row_no as "row",
           i.department, s.credit_code, s.year, 0 as version, s.month
    from source_values s join imports i using (import_id)
    where s.credit_code = $1 and s.year = $2
    union all
    select case when p.lessor_code = $1 then 'land_leased_out' when p.tenure = 'leased'
           then 'land_leased_in' else 'land_own' end, p.area * coalesce(p.share, 1), '亩',
           i.file_name, p.sheet, p.row_no, i.department, p.credit_code, $2, 0, null
    from parcels p join imports i using (import_id)
    where (p.credit_code = $1 or p.lessor_code = $1) and (p.year is null or p.year = $2)
    union all
    select h.field, h.value, null, null, null, null, null, h.credit_code, h.year,
           h.version, null
    from fact_history h where h.credit_code = $1 and h.year = $2
)
select field, value, unit, file, sheet, "row",
       coalesce((select s.status from fact_status s where s.year = v.year
                 and (s.credit_code is null or s.credit_code = v.credit_code)
                 and s.department = v.department order by s.seq desc limit 1), 'pending')
       as status, version
from v order by field, version, month, file, "row"
"""
