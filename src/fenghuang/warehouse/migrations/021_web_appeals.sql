-- Web application: evidence uploads, appeals and publications (公示).
create table web_uploads (
    upload_id     varchar primary key,       -- random; also the stored file name stem
    stored_name   varchar not null,          -- file name under the upload directory
    original_name varchar,
    mime          varchar not null,
    size_bytes    bigint not null,
    sha256        varchar not null,
    credit_code   varchar,
    uploaded_by   varchar not null,
    uploaded_at   timestamp not null default current_timestamp
);

create table web_appeals (
    appeal_id       varchar primary key,
    credit_code     varchar not null,
    year            integer not null,
    run_id          varchar,
    field           varchar not null,
    current_value   double,
    claimed_value   double not null,
    reason          varchar not null,
    upload_id       varchar,
    status          varchar not null default 'pending',   -- pending | accepted | rejected
    filed_by        varchar not null,
    filed_at        timestamp not null default current_timestamp,
    decided_by      varchar,
    decided_at      timestamp,
    decision_reason varchar,
    new_run_id      varchar
);
create index web_appeals_firm on web_appeals(credit_code);

create table web_publications (
    publication_id varchar primary key,
    run_id         varchar not null,
    published_by   varchar not null,
    published_at   timestamp not null default current_timestamp,
    opens_on       date not null,
    closes_on      date not null
);
