-- City transformation index runs: append-only, one row per run and one per city.
create table monitor_index_runs (
    run_id       varchar primary key,    -- sha256 of method hash + panel digest
    method_code  varchar not null,
    method_name  varchar not null,
    method_hash  varchar not null,
    panel_digest varchar not null,       -- sha256 over the observations used
    n_obs        bigint not null,
    excluded     varchar,                -- JSON: indicator -> reason
    computed_at  timestamp default current_timestamp
);
create table monitor_index_scores (
    run_id        varchar not null,
    place_code    varchar not null,
    place_name    varchar,
    city_type     varchar,
    pressure      double,
    capacity      double,
    warning       double,
    score         double,
    rank_in_type  integer,
    dimensions    varchar,               -- JSON: dimension -> score
    missing       varchar                -- JSON list of missing indicators
);
