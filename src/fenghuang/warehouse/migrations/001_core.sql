-- Warehouse core: imports (one per file content) and their lineage.
create table imports (
    import_id    varchar primary key,   -- sha256 of the file bytes
    file_name    varchar not null,
    department   varchar not null,
    imported_at  timestamp default current_timestamp,
    rows_read    bigint,
    rows_loaded  bigint,
    rows_rejected bigint
);
