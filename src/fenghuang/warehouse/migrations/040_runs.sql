-- Evaluation runs: immutable, versioned, append-only (STYLE convention 5).
-- Nothing in fenghuang updates or deletes these rows; a re-run after a
-- correction or an appeal is a new version pointing at its parent run.
create table eval_runs (
    run_id          varchar primary key,   -- {year}-{method}-v{version}
    method          varchar not null,      -- method name (huangyan-2022 …)
    method_title    varchar,               -- its Chinese title
    method_sha256   varchar not null,      -- sha256 of the method file text
    method_text     varchar not null,      -- the method file, verbatim
    year            integer not null,
    version         integer not null,      -- 1, 2, … per (method, year)
    input_sha256    varchar not null,      -- canonical hash of the facts evaluated
    context_sha256  varchar not null,      -- hash of previous-year facts + earlier classes
    code_version    varchar not null,      -- fenghuang.__version__
    created_at      timestamp not null,
    created_by      varchar not null,
    parent_run      varchar,               -- the run this one re-does (appeal, correction)
    n_firms         bigint not null,
    log_json        varchar not null,      -- the evaluation's step log (JSON list)
    info_json       varchar not null,      -- further facts about the run (JSON object)
    unique (method, year, version)
);

-- The run's tables (input snapshot, results, items, events, boundaries,
-- pool statistics …) as Arrow IPC streams: they reload bit for bit.
create table eval_run_tables (
    run_id   varchar not null,
    name     varchar not null,
    n_rows   bigint not null,
    sha256   varchar not null,             -- of the stored bytes
    data     blob not null,
    primary key (run_id, name)
);

-- One row per firm and run for queries across runs (class history, moves).
create table eval_run_classes (
    run_id      varchar not null,
    credit_code varchar not null,
    pool        varchar,
    score       double,
    class_final varchar,
    rated       boolean
);
create index eval_run_classes_firm on eval_run_classes(credit_code);
