-- The firm map of source_rows (issue 3, bench/README.md "Ingest"): replaces the block
-- map source_blocks of migration 052, which was a point lookup only for files sorted
-- by credit code (a file sorted by firm name, by a firm number or by month gave blocks
-- spanning every code, so warehouse.fact_lineage scanned the whole import).
-- One row per import and hash of a credit code: h = hash(credit_code) (DuckDB's 64-bit
-- hash) and the smallest and largest row_no of that code's rows in the import (two
-- codes of one hash share a row: their range covers both; the lookup still filters by
-- the code). Each import inserts its rows ORDER BY h, so DuckDB's zone maps on h — a
-- fixed-width integer, unlike a VARCHAR's 8-byte prefix — prune a lookup
-- `where h = hash(?)` to about one row group per import. fact_lineage then reads
-- source_rows with import_key = k and row_no between lo and hi as constants (zone maps
-- on those columns). A firm whose rows lie close together (a file sorted by code, by
-- name, by firm number) reads a row group or two; a file sorted by month gives each
-- firm a range over the whole file (a scan of that import: correct).
drop table if exists source_blocks;
create table source_firms (
    h           ubigint not null,    -- hash(credit_code)
    import_key  integer not null,    -- imports.import_key
    lo          bigint not null,     -- smallest row_no of the code's rows in the import
    hi          bigint not null      -- largest row_no of the code's rows in the import
);
insert into source_firms
select h, import_key, min(row_no), max(row_no)
from (select hash(credit_code) as h, import_key, row_no from source_rows
      where credit_code is not null)
group by import_key, h
order by import_key, h;
