-- The block map of source_rows (issue 3, bench/README.md "Ingest"): replaces the ART
-- index source_values_firm, which took ~2 GB to build at 36 M rows (1,000,000 firms)
-- and existed only to make warehouse.fact_lineage a point lookup.
-- One row per block of consecutive lines of one import (row_no // 8192, the value of
-- warehouse._rows.BLOCK_LINES): its row_no range and the smallest and largest credit
-- code in it, whole strings (DuckDB's own zone maps keep only an 8-byte prefix of a
-- VARCHAR, and the codes of one city share it). fact_lineage reads the blocks whose
-- [min_code, max_code] holds the firm, then source_rows with import_key = k and
-- row_no between lo and hi as constants, which DuckDB's zone maps on those columns
-- prune to a row group or two. Any partition into blocks is correct (an import may
-- use another size); a file not sorted by code gives wide blocks (a scan of it).
drop index if exists source_values_firm;
create table source_blocks (
    import_key  integer not null,    -- imports.import_key
    lo          bigint not null,     -- smallest row_no of the block
    hi          bigint not null,     -- largest row_no of the block
    min_code    varchar not null,    -- smallest credit_code of the block's rows
    max_code    varchar not null     -- largest credit_code of the block's rows
);
insert into source_blocks
select import_key, min(row_no), max(row_no), min(credit_code), max(credit_code)
from source_rows
where credit_code is not null
group by import_key, row_no // 8192
order by import_key, min(row_no);
