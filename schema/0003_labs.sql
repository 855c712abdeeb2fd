-- Labs: the lab tests seen, raw results as printed, categorized results and rollups.
--
-- Times and offsets follow 0001_vitals.sql. Lab tests are interned: lab_tests gives each LOINC code a small
-- integer id that every other labs table uses. Once a database has applied this file, never edit it: add a new
-- numbered file instead.

-- Every test of the lab catalog, upserted by code each time the writer opens the database. Ids are assigned
-- here, in the order codes first appear, and never change. Rows of tests the catalog dropped stay.
CREATE TABLE lab_tests (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    unit TEXT NOT NULL,
    category TEXT NOT NULL
);

-- Every submitted result exactly as printed; the source of truth from which everything below can be rebuilt.
--   test             the name as printed
--   code             the LOINC code the source stated, or NULL
--   value_text       the value as printed: '5.4', '<0.5', 'negative'
--   reference_*      the report's range: numeric bounds in the reported unit, or the printed text
--   time_is_issued   1 when collected_ms is the report's issue time because the source gave no collection time
--   status, error    as in vitals_raw
CREATE TABLE labs_raw (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    test TEXT NOT NULL,
    code TEXT,
    value_text TEXT NOT NULL,
    unit TEXT NOT NULL,
    reference_low REAL,
    reference_high REAL,
    reference_text TEXT,
    collected_ms INTEGER NOT NULL,
    utc_offset_min INTEGER,
    time_is_issued INTEGER NOT NULL CHECK (time_is_issued BETWEEN 0 AND 1),
    report_id TEXT,
    source TEXT NOT NULL,
    source_record_id TEXT,
    version INTEGER NOT NULL DEFAULT 0,
    status INTEGER NOT NULL CHECK (status BETWEEN 0 AND 3),
    error TEXT,
    received_ms INTEGER NOT NULL
);

CREATE UNIQUE INDEX labs_raw_by_source_record
    ON labs_raw (user_id, source, source_record_id)
    WHERE source_record_id IS NOT NULL;

CREATE INDEX labs_raw_pending ON labs_raw (user_id) WHERE status = 0;
CREATE INDEX labs_raw_failed ON labs_raw (user_id) WHERE status = 2;

-- Categorized results: one row per aggregated raw row, with the same id. A row exists exactly while its raw row
-- has status 1.
--   kind        'numeric', 'censored' (a bound with a comparator) or 'qualitative' (text)
--   value       the number, or the bound of a censored result, in the test's canonical unit; NULL for text
--   comparator  '<', '<=', '>' or '>=' for a censored result, else NULL
--   text        the qualitative result as printed (trimmed), else NULL
--   flag        'low', 'normal', 'high' or 'unknown', from the report's range, else the catalog's default range
--   confidence  how well the printed name matched the test, from 0 to 1; 1 when the stated code decided
CREATE TABLE labs (
    raw_id INTEGER PRIMARY KEY REFERENCES labs_raw (id),
    user_id INTEGER NOT NULL,
    test_id INTEGER NOT NULL REFERENCES lab_tests (id),
    collected_ms INTEGER NOT NULL,
    utc_offset_min INTEGER NOT NULL,
    local_ms INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind = 'numeric' OR kind = 'censored' OR kind = 'qualitative'),
    value REAL,
    comparator TEXT,
    text TEXT,
    flag TEXT NOT NULL CHECK (flag = 'low' OR flag = 'normal' OR flag = 'high' OR flag = 'unknown'),
    confidence REAL NOT NULL
);

CREATE INDEX labs_by_local_time ON labs (user_id, test_id, local_ms);

-- Rollups per day, month, quarter and year (keys in BucketKey). count is the number of all results. sum, min,
-- max, sum_sq, first_* and last_* cover the plain numeric results only, and min to last_value are NULL when the
-- bucket has none. abnormal counts the results flagged low or high, censored and qualitative those kinds.
CREATE TABLE labs_day (
    user_id INTEGER NOT NULL,
    test_id INTEGER NOT NULL,
    bucket INTEGER NOT NULL,
    count INTEGER NOT NULL,
    sum REAL NOT NULL,
    min REAL,
    max REAL,
    sum_sq REAL NOT NULL,
    first_ts INTEGER,
    first_value REAL,
    last_ts INTEGER,
    last_value REAL,
    abnormal INTEGER NOT NULL,
    censored INTEGER NOT NULL,
    qualitative INTEGER NOT NULL,
    PRIMARY KEY (user_id, test_id, bucket)
) WITHOUT ROWID;

CREATE TABLE labs_month (
    user_id INTEGER NOT NULL,
    test_id INTEGER NOT NULL,
    bucket INTEGER NOT NULL,
    count INTEGER NOT NULL,
    sum REAL NOT NULL,
    min REAL,
    max REAL,
    sum_sq REAL NOT NULL,
    first_ts INTEGER,
    first_value REAL,
    last_ts INTEGER,
    last_value REAL,
    abnormal INTEGER NOT NULL,
    censored INTEGER NOT NULL,
    qualitative INTEGER NOT NULL,
    PRIMARY KEY (user_id, test_id, bucket)
) WITHOUT ROWID;

CREATE TABLE labs_quarter (
    user_id INTEGER NOT NULL,
    test_id INTEGER NOT NULL,
    bucket INTEGER NOT NULL,
    count INTEGER NOT NULL,
    sum REAL NOT NULL,
    min REAL,
    max REAL,
    sum_sq REAL NOT NULL,
    first_ts INTEGER,
    first_value REAL,
    last_ts INTEGER,
    last_value REAL,
    abnormal INTEGER NOT NULL,
    censored INTEGER NOT NULL,
    qualitative INTEGER NOT NULL,
    PRIMARY KEY (user_id, test_id, bucket)
) WITHOUT ROWID;

CREATE TABLE labs_year (
    user_id INTEGER NOT NULL,
    test_id INTEGER NOT NULL,
    bucket INTEGER NOT NULL,
    count INTEGER NOT NULL,
    sum REAL NOT NULL,
    min REAL,
    max REAL,
    sum_sq REAL NOT NULL,
    first_ts INTEGER,
    first_value REAL,
    last_ts INTEGER,
    last_value REAL,
    abnormal INTEGER NOT NULL,
    censored INTEGER NOT NULL,
    qualitative INTEGER NOT NULL,
    PRIMARY KEY (user_id, test_id, bucket)
) WITHOUT ROWID;
