-- City transformation monitor: the indicator panel (observations), the
-- documents figures were extracted from, and the quarantine of yearbook rows.
create table monitor_observations (
    obs_id         varchar primary key,   -- sha1 of source, position, indicator, kind, value
    place_code     varchar,               -- GB/T 2260, 6 digits
    place_name     varchar not null,
    period         varchar,               -- 2023, 2023Q1-Q3, 2024M01-M07, 2016-2024 …
    year           integer,
    indicator      varchar not null,      -- the phrase as written
    indicator_code varchar,               -- catalogue code (indicators.toml), null if unmatched
    kind           varchar not null,      -- level | growth | share | count | rank | target
    value          double not null,
    value_high     double,
    qualifier      varchar,               -- 超, 近, 以上, 左右, 余 …
    unit           varchar,               -- as written (亿元)
    value_norm     double,
    unit_norm      varchar,               -- base unit (元)
    of_whole       varchar,               -- share of / rank among / compared with
    origin         varchar not null,      -- report | yearbook | manual
    source         varchar not null,      -- file or document name
    sheet          varchar,
    row_no         integer,
    column_name    varchar,
    sentence       varchar,
    span_start     integer,
    span_end       integer,
    sentence_start integer,
    sentence_end   integer,
    status         varchar not null default '待核实',   -- 待核实 | 已核实
    label          varchar,               -- e.g. 抽取数据，待核实
    loaded_at      timestamp default current_timestamp
);
create index monitor_observations_place on monitor_observations(place_code, indicator_code);

create table monitor_documents (
    source     varchar primary key,
    title      varchar,
    report_date date,
    text       varchar not null,
    loaded_at  timestamp default current_timestamp
);

create table monitor_rejects (
    source     varchar not null,
    sheet      varchar,
    row_no     bigint,
    column_name varchar,
    code       varchar not null,
    reason_zh  varchar,
    reason_en  varchar,
    raw_value  varchar,
    loaded_at  timestamp default current_timestamp
);
