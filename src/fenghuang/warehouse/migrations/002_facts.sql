-- Import pipeline: source values in long form (lineage per value), parcels,
-- the firm register, the quarantine, fact corrections and confirmation status.
create table source_values (
    import_id   varchar not null,     -- sha256 of the file (imports.import_id)
    sheet       varchar,
    row_no      bigint not null,
    credit_code varchar not null,
    year        integer not null,
    month       integer,              -- null for annual facts
    field       varchar not null,     -- facts.FIRM_YEAR_FIELDS name
    value       double,
    unit        varchar               -- the unit the file used (converted to the base unit)
);
create table parcels (
    import_id   varchar not null,
    sheet       varchar,
    row_no      bigint not null,
    year        integer,
    parcel_id   varchar not null,
    credit_code varchar not null,
    area        double not null,      -- 亩
    tenure      varchar not null,     -- own | leased | construction
    lessor_code varchar,
    share       double
);
create table firm_register (
    import_id     varchar not null,
    row_no        bigint,
    credit_code   varchar primary key,
    name          varchar,
    former_names  varchar,
    industry_code varchar,
    chain         varchar,
    county_code   varchar,
    county        varchar,
    park          varchar,
    above_scale   boolean,
    founded       date,
    status        varchar,
    exempt        varchar,
    listed        boolean,
    tech_growth   boolean,
    major_project boolean
);
create table quarantine (
    import_id   varchar not null,
    file        varchar,
    sheet       varchar,
    row_no      bigint,
    column_name varchar,
    code        varchar not null,
    reason_zh   varchar,
    reason_en   varchar,
    raw_value   varchar
);
create table name_links (
    import_id   varchar not null,
    sheet       varchar,
    row_no      bigint,
    name        varchar not null,
    credit_code varchar not null,
    matched_on  varchar not null      -- name | former_name
);
-- Append-only history of corrections; the current value is the latest version.
create table fact_history (
    credit_code varchar not null,
    year        integer not null,
    field       varchar not null,
    version     integer not null,
    value       double,
    reason      varchar,
    actor       varchar,
    changed_at  timestamp default current_timestamp
);
-- Append-only confirmation log; the current status is the latest entry.
create sequence fact_status_seq start 1;
create table fact_status (
    seq         bigint default nextval('fact_status_seq'),
    department  varchar not null,
    year        integer not null,
    credit_code varchar,              -- null: all firms of the department and year
    status      varchar not null,     -- pending | confirmed | disputed
    actor       varchar,
    changed_at  timestamp default current_timestamp
);
