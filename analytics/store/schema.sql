-- The whole database. Snapshots and their project rows are written once and never updated.
CREATE SEQUENCE IF NOT EXISTS snapshot_ids START 1;

CREATE TABLE IF NOT EXISTS originals (
    sha256      VARCHAR PRIMARY KEY,
    file_name   VARCHAR NOT NULL,
    size_bytes  BIGINT NOT NULL,
    content     BLOB NOT NULL,
    uploaded_at TIMESTAMP NOT NULL,
    uploaded_by VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS snapshots (
    snapshot_id   INTEGER PRIMARY KEY,
    as_of         DATE NOT NULL,
    as_of_source  VARCHAR NOT NULL,      -- 'argument', 'title' or 'today'
    sha256        VARCHAR NOT NULL,
    file_name     VARCHAR NOT NULL,
    file_format   VARCHAR NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    created_by    VARCHAR NOT NULL,
    rows_read     INTEGER NOT NULL,
    rows_imported INTEGER NOT NULL,
    rows_rejected INTEGER NOT NULL,
    overrides     JSON,                  -- the analyst's hand mapping of columns, replayed on rebuild
    issues        JSON                   -- the import report as shown to the analyst
);

CREATE TABLE IF NOT EXISTS projects (
    snapshot_id       INTEGER NOT NULL,
    project_key       VARCHAR NOT NULL,  -- stable identity across snapshots: normalised name + investor
    -- Stored uncompressed: the project list's search reads every name of a snapshot, and decoding compressed
    -- names was most of its time at a million rows (a third less time for about 40% more file).
    project_name      VARCHAR NOT NULL USING COMPRESSION uncompressed,
    investor          VARCHAR,
    industry          VARCHAR NOT NULL,
    industry_raw      VARCHAR,
    investment_wan    DOUBLE,
    invested_wan      DOUBLE,
    stage             VARCHAR NOT NULL,
    stage_raw         VARCHAR,
    project_type      VARCHAR,
    project_type_raw  VARCHAR,
    source_region     VARCHAR,
    department        VARCHAR,
    is_key            BOOLEAN NOT NULL,
    signed_date       DATE,
    landed_date       DATE,
    construction_date DATE,
    production_date   DATE,
    problems          VARCHAR,
    measures          VARCHAR,
    notes             VARCHAR,
    channel           VARCHAR NOT NULL,
    channel_raw       VARCHAR,
    introduced_by     VARCHAR,
    fund_wan          DOUBLE,
    source_sheet      VARCHAR NOT NULL,
    source_row        INTEGER NOT NULL,
    extra             JSON
);

-- Added after the first release: databases made before it gain the columns on their next start.
ALTER TABLE projects ADD COLUMN IF NOT EXISTS planned_landed_date DATE;
ALTER TABLE projects ADD COLUMN IF NOT EXISTS planned_construction_date DATE;
ALTER TABLE projects ADD COLUMN IF NOT EXISTS planned_production_date DATE;
-- The name as written when a key-project mark (★, 【重点】) was taken off it; NULL otherwise.
ALTER TABLE projects ADD COLUMN IF NOT EXISTS name_raw VARCHAR;
-- The first day of the row's current, unbroken stage (analytics/store/derived.py), worked out on write.
ALTER TABLE projects ADD COLUMN IF NOT EXISTS stage_since DATE;
-- The row's furthest rung as stored, as its rank (analytics/store/derived.py), worked out on write.
ALTER TABLE projects ADD COLUMN IF NOT EXISTS furthest_rung TINYINT;
-- The rank of the row's stored stage on the ladder (NULL when suspended) and its project's number in
-- project_numbers (analytics/store/derived.py), worked out on write: comparing two snapshots joins on these.
ALTER TABLE projects ADD COLUMN IF NOT EXISTS stage_rank TINYINT;
ALTER TABLE projects ADD COLUMN IF NOT EXISTS project_no INTEGER;
-- The day the row fell overdue (analytics/domain.py overdue_since_sql on its snapshot's as_of), worked out on write.
ALTER TABLE projects ADD COLUMN IF NOT EXISTS overdue_since DATE;
-- Exchange rates (yuan per unit, e.g. {"USD": 7.1}) that converted foreign-currency amounts into 万元.
ALTER TABLE snapshots ADD COLUMN IF NOT EXISTS rates JSON;
-- Rows repeating an earlier row's project_key (analytics/store/derived.py), worked out on write.
ALTER TABLE snapshots ADD COLUMN IF NOT EXISTS repeated_keys INTEGER;
-- The latest of as_of and every event date the snapshot's rows hold (analytics/store/derived.py), worked out on write.
ALTER TABLE snapshots ADD COLUMN IF NOT EXISTS dated_until DATE;

-- One number per project_key ever stored, in the order first stored (analytics/store/derived.py).
CREATE TABLE IF NOT EXISTS project_numbers (
    project_key VARCHAR NOT NULL,
    project_no  INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS settings (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR
);

-- Targets are the meeting's decisions, not ledger data: one current value per year × industry × measure,
-- with every change kept in target_changes (who, when, old, new). industry 'total' is an entered town total.
CREATE TABLE IF NOT EXISTS targets (
    year       INTEGER NOT NULL,
    industry   VARCHAR NOT NULL,
    measure    VARCHAR NOT NULL,
    value      DOUBLE NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by VARCHAR NOT NULL,
    source     VARCHAR NOT NULL,
    PRIMARY KEY (year, industry, measure)
);

CREATE TABLE IF NOT EXISTS target_changes (
    changed_at TIMESTAMP NOT NULL,
    changed_by VARCHAR NOT NULL,
    year       INTEGER NOT NULL,
    industry   VARCHAR NOT NULL,
    measure    VARCHAR NOT NULL,
    old_value  DOUBLE,
    new_value  DOUBLE,
    source     VARCHAR NOT NULL
);

-- Department comments on a project (部门补充意见), kept by the project's stable identity so they outlive
-- snapshots. Appended, never edited: a correction is a new comment.
CREATE SEQUENCE IF NOT EXISTS comment_ids START 1;
CREATE TABLE IF NOT EXISTS comments (
    comment_id   INTEGER PRIMARY KEY DEFAULT nextval('comment_ids'),
    project_key  VARCHAR NOT NULL,
    project_name VARCHAR NOT NULL,       -- the name when the comment was made
    department   VARCHAR NOT NULL,
    author       VARCHAR NOT NULL,
    comment_date DATE NOT NULL,
    text         VARCHAR NOT NULL,
    created_at   TIMESTAMP NOT NULL
);

-- Accounts that may sign in to the dashboard (analysts change things; viewers matter only when viewing needs a
-- sign-in). Passwords are argon2id hashes with their own salt; no account ships with the code.
CREATE TABLE IF NOT EXISTS users (
    name          VARCHAR PRIMARY KEY,
    role          VARCHAR NOT NULL,
    password_hash VARCHAR NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    created_by    VARCHAR NOT NULL
);

-- Who did what and when: every upload, commit, refusal, snapshot switch, target edit, comment, sign-in and failed
-- sign-in, from the app and the command line. Appended only: nothing updates or deletes a row.
CREATE SEQUENCE IF NOT EXISTS audit_ids START 1;
CREATE TABLE IF NOT EXISTS audit (
    audit_id     BIGINT PRIMARY KEY DEFAULT nextval('audit_ids'),
    occurred_at  TIMESTAMP NOT NULL,
    who          VARCHAR NOT NULL,
    action       VARCHAR NOT NULL,
    target       VARCHAR,
    before_value JSON,
    after_value  JSON,
    detail       JSON
);
