-- Nutrition: the nutrient codes, raw entries, categorized entries with their nutrient amounts, and rollups.
--
-- Times and offsets follow 0001_vitals.sql: UTC milliseconds (`*_ms`) and minutes east of UTC (`*_offset_min`).
-- local_day is the entry's local date as days since 1970-01-01. Nutrient ids are the nutrient catalog's small
-- integer ids. Once a database has applied this file, never edit it: add a new numbered file instead.

-- A copy of the nutrient catalog, upserted by id each time the writer opens the database, so that SQL users can
-- read names. Rows of nutrients that the catalog dropped stay, because stored data may still refer to them.
CREATE TABLE nutrients (
    id INTEGER PRIMARY KEY,
    short_name TEXT NOT NULL,
    unit TEXT NOT NULL,
    kind TEXT NOT NULL
);

-- Every submitted entry exactly as sent; the source of truth from which everything below can be rebuilt.
--   meal, food, amount  text as sent
--   nutrients           the amounts as sent, a JSON array of {"nutrient", "unit", "value"} objects in submit
--                       order; a value that is not a finite number is the string "NaN", "Infinity" or "-Infinity"
--   utc_offset_min      as sent; NULL when the entry had none and the user's time zone supplied it
--   source_record_id    with user_id and source, the idempotency key; a resubmit replaces the row in place
--   status              0 pending, 1 aggregated, 2 failed, 3 deleted, as in vitals_raw
--   error               for a failed entry, why; for an aggregated entry, the amounts that were skipped and why
--                       (NULL when every amount was used)
CREATE TABLE nutrition_raw (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    eaten_ms INTEGER NOT NULL,
    utc_offset_min INTEGER,
    meal TEXT NOT NULL,
    food TEXT NOT NULL,
    amount TEXT NOT NULL,
    nutrients TEXT NOT NULL,
    source TEXT NOT NULL,
    source_record_id TEXT,
    version INTEGER NOT NULL DEFAULT 0,
    status INTEGER NOT NULL CHECK (status BETWEEN 0 AND 3),
    error TEXT,
    received_ms INTEGER NOT NULL
);

CREATE UNIQUE INDEX nutrition_raw_by_source_record
    ON nutrition_raw (user_id, source, source_record_id)
    WHERE source_record_id IS NOT NULL;

CREATE INDEX nutrition_raw_pending ON nutrition_raw (user_id) WHERE status = 0;
CREATE INDEX nutrition_raw_failed ON nutrition_raw (user_id) WHERE status = 2;

-- Categorized entries: one row per aggregated raw row, with the same id. utc_offset_min is the offset actually
-- used, and meal is trimmed, with breakfast, lunch, dinner and snack lowercased. A row exists exactly while its
-- raw row has status 1.
CREATE TABLE nutrition_entries (
    raw_id INTEGER PRIMARY KEY REFERENCES nutrition_raw (id),
    user_id INTEGER NOT NULL,
    eaten_ms INTEGER NOT NULL,
    utc_offset_min INTEGER NOT NULL,
    local_day INTEGER NOT NULL,
    meal TEXT NOT NULL
);

CREATE INDEX nutrition_entries_by_day ON nutrition_entries (user_id, local_day);

-- The usable amounts of each categorized entry, in the nutrient's canonical unit; at most one per nutrient.
CREATE TABLE nutrition_amounts (
    raw_id INTEGER NOT NULL REFERENCES nutrition_entries (raw_id),
    nutrient_id INTEGER NOT NULL,
    value REAL NOT NULL,
    PRIMARY KEY (raw_id, nutrient_id)
) WITHOUT ROWID;

-- Rollups per day, ISO week and month, keyed as the vitals tables are (see BucketKey). count is the number of
-- entries holding the nutrient, and sum is their total. first_* and last_* are the earliest and latest entry by
-- eaten_ms, with ties broken by raw id. days is the number of local days in the bucket with at least one such
-- entry (always 1 in nutrition_day), so sum / days is the daily average over the days with entries.
CREATE TABLE nutrition_day (
    user_id INTEGER NOT NULL,
    nutrient_id INTEGER NOT NULL,
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
    days INTEGER NOT NULL,
    PRIMARY KEY (user_id, nutrient_id, bucket)
) WITHOUT ROWID;

CREATE TABLE nutrition_week (
    user_id INTEGER NOT NULL,
    nutrient_id INTEGER NOT NULL,
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
    days INTEGER NOT NULL,
    PRIMARY KEY (user_id, nutrient_id, bucket)
) WITHOUT ROWID;

CREATE TABLE nutrition_month (
    user_id INTEGER NOT NULL,
    nutrient_id INTEGER NOT NULL,
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
    days INTEGER NOT NULL,
    PRIMARY KEY (user_id, nutrient_id, bucket)
) WITHOUT ROWID;

-- Per-meal totals of each local day: the entries of that meal holding the nutrient and their total.
CREATE TABLE nutrition_meal_day (
    user_id INTEGER NOT NULL,
    nutrient_id INTEGER NOT NULL,
    day INTEGER NOT NULL,
    meal TEXT NOT NULL,
    total REAL NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (user_id, nutrient_id, day, meal)
) WITHOUT ROWID;
