-- Compact source values (issue 3, bench/README.md "Ingest"): the values are kept in
-- source_rows with a small integer import key and a part number (sheet, field, unit
-- per import in source_parts) instead of the 64-character file hash, field name and
-- unit text on every row. source_values stays, as a view with the columns and types
-- of 002_facts.sql, for every reader.
alter table imports add column import_key integer;  -- small key of the file (rows of source_rows)
update imports set import_key = t.k
from (select import_id, row_number() over (order by imported_at, import_id) as k from imports) t
where imports.import_id = t.import_id;

create table source_parts (
    import_key  integer not null,
    part        smallint not null,   -- >= 0
    sheet       varchar,
    field       varchar not null,    -- facts.FIRM_YEAR_FIELDS name
    unit        varchar              -- the unit the file used (converted to the base unit)
);
create table source_rows (
    import_key  integer not null,    -- imports.import_key
    part        smallint not null,   -- source_parts.part; -1 only while an import is written
    row_no      bigint not null,
    credit_code varchar,             -- null only while an import is written
    year        smallint,
    month       tinyint,             -- null for annual facts
    value       double,              -- null: the row has no value for the field (not shown)
    tag         ubigint,             -- fast path: hash of the row's text cells outside the key
    key_tag     ubigint,             -- fast path: hash of the row's text cells in the key (tax item)
    raw         varchar              -- only while an import is written (a dirty line, a name key)
);
-- Per file, year and field: how many values (firm_facts' precedence "the file with
-- more rows that year", and which fields have more than one source).
create table import_sizes (
    import_id   varchar not null,
    year        integer not null,
    field       varchar not null,
    monthly     boolean not null,    -- values with a month (a monthly source)
    n_values    bigint not null
);

insert into source_parts
select i.import_key, cast(row_number() over (partition by s.import_id order by s.sheet, s.field, s.unit) - 1 as smallint),
       s.sheet, s.field, s.unit
from (select distinct import_id, sheet, field, unit from source_values) s
join imports i using (import_id);
insert into source_rows (import_key, part, row_no, credit_code, year, month, value)
select p.import_key, p.part, s.row_no, s.credit_code, s.year, s.month, s.value
from source_values s
join imports i using (import_id)
join source_parts p on p.import_key = i.import_key and p.field = s.field
    and p.sheet is not distinct from s.sheet and p.unit is not distinct from s.unit
order by p.import_key, s.row_no, p.part;
insert into import_sizes
select import_id, year, field, month is not null, count(*) from source_values
where value is not null group by all;

drop index if exists source_values_firm;
drop table source_values;
create view source_values as
select i.import_id, p.sheet, r.row_no, r.credit_code, cast(r.year as integer) as year,
       cast(r.month as integer) as month, p.field, r.value, p.unit
from source_rows r
join source_parts p on p.import_key = r.import_key and p.part = r.part
join imports i on i.import_key = r.import_key
where r.value is not null and r.year is not null;
-- a firm's lineage stays a point lookup (warehouse.fact_lineage, the web's firm page)
create index source_values_firm on source_rows(credit_code);
