-- Vitals: users, the metric codes, raw submissions, categorized samples, rollups and the job queue.
--
-- Times are UTC milliseconds since 1970-01-01 (`*_ms`). UTC offsets are minutes east of UTC (`*_offset_min`).
-- Local times (`local_*_ms`) are UTC milliseconds plus the sample's own offset. Metric ids are the catalog's
-- small integer ids. CHECK constraints on insert-heavy tables use ranges or OR chains, not IN lists: SQLite 3.40
-- builds a temporary index for a CHECK's IN list on every inserted row, which cost about half of the writer's
-- instructions per sample in the benchmark. The migration runner applies this file once and records it in schema_migrations. Once a
-- database has applied it, never edit it: add a new numbered file instead.

-- One row per user. time_zone is an IANA id such as 'Europe/Berlin'. It supplies the UTC offset of records
-- that arrive without one. NULL means UTC.
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    time_zone TEXT,
    created_ms INTEGER NOT NULL
);

-- A copy of the vitals catalog, upserted by id each time the writer opens the database, so that SQL users can
-- read codes. Rows of metrics that the catalog dropped stay, because stored data may still refer to them.
CREATE TABLE metrics (
    id INTEGER PRIMARY KEY,
    short_name TEXT NOT NULL,
    loinc TEXT NOT NULL,
    unit TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('discrete', 'cumulative'))
);

-- Every submitted record exactly as sent; the source of truth from which everything below can be rebuilt.
--   metric, unit      text as sent (any catalog alias, any accepted unit spelling)
--   value             as sent; SQLite stores NaN as NULL, and such records are failed
--   utc_offset_min    as sent; NULL when the record had none and the user's time zone supplied it
--   source_record_id  with user_id and source, the idempotency key; a resubmit replaces the row in place
--   version           a resubmit with a lower version is ignored
--   status            0 pending (queued, not yet categorized), 1 aggregated (categorized and rolled up),
--                     2 failed (reason in error), 3 deleted (retracted by the client)
--   received_ms       when the store last wrote the row
CREATE TABLE vitals_raw (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    metric TEXT NOT NULL,
    value REAL,
    unit TEXT NOT NULL,
    start_ms INTEGER NOT NULL,
    end_ms INTEGER NOT NULL,
    utc_offset_min INTEGER,
    source TEXT NOT NULL,
    source_record_id TEXT,
    version INTEGER NOT NULL DEFAULT 0,
    status INTEGER NOT NULL CHECK (status BETWEEN 0 AND 3),
    error TEXT,
    received_ms INTEGER NOT NULL
);

CREATE UNIQUE INDEX vitals_raw_by_source_record
    ON vitals_raw (user_id, source, source_record_id)
    WHERE source_record_id IS NOT NULL;

-- Partial indexes over the few rows a queue worker or a retry looks for. Aggregated rows, the bulk, cost
-- nothing here.
CREATE INDEX vitals_raw_pending ON vitals_raw (user_id) WHERE status = 0;
CREATE INDEX vitals_raw_failed ON vitals_raw (user_id) WHERE status = 2;

-- Categorized samples: one row per aggregated raw row, with the same id. The value is in the metric's
-- canonical unit, and utc_offset_min is the offset actually used (the record's own, else the user's time
-- zone, else 0). A row exists exactly while its raw row has status 1.
CREATE TABLE vitals (
    raw_id INTEGER PRIMARY KEY REFERENCES vitals_raw (id),
    user_id INTEGER NOT NULL,
    metric_id INTEGER NOT NULL,
    start_ms INTEGER NOT NULL,
    end_ms INTEGER NOT NULL,
    utc_offset_min INTEGER NOT NULL,
    local_start_ms INTEGER NOT NULL,
    value REAL NOT NULL
);

-- Serves range reads by local time, such as recomputing one bucket, and the latest sample.
CREATE INDEX vitals_by_local_start ON vitals (user_id, metric_id, local_start_ms);

-- Rollups, one table per granularity, all with the same columns. The bucket key layout is in BucketKey:
--   hour   local hour number * 2048 + (offset + 1024), so the hour repeated at a DST change stays two buckets
--   day    local days since 1970-01-01
--   week   local days since 1970-01-01 of the ISO week's Monday
--   month  year * 12 + month - 1
-- count, sum, min, max and sum_sq are over the bucket's samples. A cumulative sample that spans bucket edges
-- adds a time-proportional piece to each bucket. first_* and last_* are the earliest and latest sample (for a
-- piece, its UTC start) with its value. When times are equal, first is the sample stored first and last the
-- sample stored last (by raw id). WITHOUT ROWID keeps each row inside its primary key B-tree.
CREATE TABLE vitals_hour (
    user_id INTEGER NOT NULL,
    metric_id INTEGER NOT NULL,
    bucket INTEGER NOT NULL,
    count INTEGER NOT NULL,
    sum REAL NOT NULL,
    min REAL NOT NULL,
    max REAL NOT NULL,
    sum_sq REAL NOT NULL,
    first_ts INTEGER NOT NULL,
    first_value REAL NOT NULL,
    last_ts INTEGER NOT NULL,
    last_value REAL NOT NULL,
    PRIMARY KEY (user_id, metric_id, bucket)
) WITHOUT ROWID;

CREATE TABLE vitals_day (
    user_id INTEGER NOT NULL,
    metric_id INTEGER NOT NULL,
    bucket INTEGER NOT NULL,
    count INTEGER NOT NULL,
    sum REAL NOT NULL,
    min REAL NOT NULL,
    max REAL NOT NULL,
    sum_sq REAL NOT NULL,
    first_ts INTEGER NOT NULL,
    first_value REAL NOT NULL,
    last_ts INTEGER NOT NULL,
    last_value REAL NOT NULL,
    PRIMARY KEY (user_id, metric_id, bucket)
) WITHOUT ROWID;

CREATE TABLE vitals_week (
    user_id INTEGER NOT NULL,
    metric_id INTEGER NOT NULL,
    bucket INTEGER NOT NULL,
    count INTEGER NOT NULL,
    sum REAL NOT NULL,
    min REAL NOT NULL,
    max REAL NOT NULL,
    sum_sq REAL NOT NULL,
    first_ts INTEGER NOT NULL,
    first_value REAL NOT NULL,
    last_ts INTEGER NOT NULL,
    last_value REAL NOT NULL,
    PRIMARY KEY (user_id, metric_id, bucket)
) WITHOUT ROWID;

CREATE TABLE vitals_month (
    user_id INTEGER NOT NULL,
    metric_id INTEGER NOT NULL,
    bucket INTEGER NOT NULL,
    count INTEGER NOT NULL,
    sum REAL NOT NULL,
    min REAL NOT NULL,
    max REAL NOT NULL,
    sum_sq REAL NOT NULL,
    first_ts INTEGER NOT NULL,
    first_value REAL NOT NULL,
    last_ts INTEGER NOT NULL,
    last_value REAL NOT NULL,
    PRIMARY KEY (user_id, metric_id, bucket)
) WITHOUT ROWID;

-- Processing jobs for the queue worker: at most one per (user, domain). A new trigger raises the priority of
-- the existing job instead of adding another. The worker takes the highest priority first, and the oldest
-- (lowest id) among equals.
--   domain  'vitals', 'nutrition' or 'labs'
--   kind    'process' (pending rows), 'retry' (failed rows) or 'rebuild' (rollups from raw)
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    domain TEXT NOT NULL,
    priority INTEGER NOT NULL DEFAULT 0,
    kind TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    UNIQUE (user_id, domain)
);

CREATE INDEX jobs_by_priority ON jobs (priority DESC, id);
