-- Web application: accounts, server-side sessions and the append-only audit log.
create table web_users (
    username      varchar primary key,
    password_hash varchar not null,          -- argon2id
    role          varchar not null,          -- admin | analyst | department | leader | firm
    department    varchar,                   -- role department: its department key (facts.DEPARTMENTS)
    credit_code   varchar,                   -- role firm: the firm it speaks for
    display_name  varchar,
    active        boolean not null default true,
    created_at    timestamp not null default current_timestamp
);

create table web_sessions (
    token_hash  varchar primary key,         -- sha256 of the cookie value
    username    varchar not null,
    csrf_token  varchar not null,
    created_at  timestamp not null,
    expires_at  timestamp not null,
    ip          varchar
);

create sequence web_audit_seq start 1;
create table web_audit (
    audit_id  bigint primary key default nextval('web_audit_seq'),
    logged_at timestamp not null default current_timestamp,
    actor     varchar,
    role      varchar,
    action    varchar not null,              -- login, login_failed, import, confirm, run, publish, appeal, decide, role …
    target    varchar,
    detail    varchar,
    ip        varchar
);

-- Key/value facts about this installation (e.g. synthetic = 1 for the demo city).
create table web_meta (
    key   varchar primary key,
    value varchar not null
);
