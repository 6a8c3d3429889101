-- Rows first, then the import (issue 3, bench/README.md "Ingest"): a large fast-path
-- file's rows are written to source_rows and committed in a transaction of their own,
-- under an import_key that no imports row has yet; the import's transaction then checks
-- them, deletes the rejected ones and writes the imports row (which makes them visible:
-- every reader of source_rows goes through imports or source_parts joined with imports).
-- Deleting rows that the same transaction inserted makes DuckDB write the whole insert
-- again at commit (5-7 s per 12 M rows, measured); deleting committed rows costs
-- milliseconds. A process killed between the two leaves rows under a key listed here:
-- Store removes them when it next opens the file (owner is a random token of the
-- writing process — not its pid, which a container's next process may well reuse — so
-- an import running in this process is never touched).
create table import_pending (
    import_key  integer not null,    -- source_rows.import_key of the rows written
    owner       varchar not null     -- the writing process (fenghuang.warehouse._store)
);
