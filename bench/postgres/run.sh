#!/usr/bin/env bash
# Loads health-bench samples into a private PostgreSQL server and keeps the same four vitals rollups (hour, day,
# week, month) with set-based upserts per batch, for comparison with healthd's inline rollups.
#
# Usage: bench/postgres/run.sh SAMPLES.csv [--batch-size N] [--repeats N]
#   SAMPLES.csv comes from `health-bench export-samples --samples N --users U OUT.csv`.
#
# Each batch is one transaction: COPY the batch into a temporary staging table, insert it into the raw table
# (ON CONFLICT DO NOTHING on the idempotency key), then one INSERT ... SELECT ... GROUP BY ... ON CONFLICT DO
# UPDATE per rollup table over the rows that were new. The server runs from a temporary directory on a free
# loopback port with synchronous_commit=off (like SQLite's synchronous=NORMAL in WAL mode, a commit does not
# wait for its fsync) and is stopped by its process id when the script exits.
#
# Differences from healthd, which make this side's work lighter: a cumulative sample is counted whole in the
# bucket of its start instead of being split across buckets, and replaced records are not handled.
#
# Prints "postgres_version V", then "warmup_samples_per_second R" and one "samples_per_second R" line per
# measured repeat. Needs root (to install PostgreSQL with apt-get when missing and to run it as the postgres
# user) and python3 (to find a free port).

set -euo pipefail

usage() {
    echo "usage: $0 SAMPLES.csv [--batch-size N] [--repeats N]" >&2
    exit 64
}

[[ $# -ge 1 ]] || usage
csv=$1
shift
batch_size=1000
repeats=3
while [[ $# -gt 0 ]]; do
    case $1 in
        --batch-size) batch_size=${2:?--batch-size needs a value}; shift 2 ;;
        --repeats) repeats=${2:?--repeats needs a value}; shift 2 ;;
        *) echo "unknown option '$1'" >&2; usage ;;
    esac
done
[[ -r $csv ]] || { echo "cannot read $csv" >&2; exit 1; }
[[ $batch_size =~ ^[1-9][0-9]*$ && $repeats =~ ^[1-9][0-9]*$ ]] || { echo "batch size and repeats must be positive integers" >&2; exit 64; }
[[ $(id -u) -eq 0 ]] || { echo "run as root: the server runs as the postgres user" >&2; exit 1; }

find_bin() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}
bin=$(find_bin)
if [[ -z $bin || ! -x $bin/initdb ]]; then
    echo "PostgreSQL is missing; installing the Debian package postgresql" >&2
    apt-get update >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql >&2
    bin=$(find_bin)
fi
[[ -x $bin/initdb && -x $bin/postgres ]] || { echo "initdb or postgres not found under /usr/lib/postgresql" >&2; exit 1; }
id postgres >/dev/null 2>&1 || { echo "the postgres user is missing; reinstall the postgresql package" >&2; exit 1; }

dir=$(mktemp -d /tmp/health-bench-pg-XXXXXX)
chown postgres: "$dir"
chmod 700 "$dir"
server_pid=""

stop_server() {
    # The postmaster's own pid is the first line of postmaster.pid; SIGINT is PostgreSQL's fast shutdown.
    local pid=""
    [[ -r $dir/data/postmaster.pid ]] && pid=$(head -n 1 "$dir/data/postmaster.pid")
    for p in $pid $server_pid; do
        kill -INT "$p" 2>/dev/null || true
    done
    for _ in $(seq 1 100); do
        if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then sleep 0.1; else break; fi
    done
    if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -rf "$dir"
}
trap stop_server EXIT
trap 'exit 130' INT TERM

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
runuser -u postgres -- "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
runuser -u postgres -- "$bin/postgres" -D "$dir/data" -h 127.0.0.1 -p "$port" -k "$dir" \
    -c synchronous_commit=off -c shared_buffers=256MB -c max_wal_size=4GB -c checkpoint_timeout=30min \
    >"$dir/server.log" 2>&1 &
server_pid=$!

psql_cmd=(psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -q -X)
for _ in $(seq 1 300); do
    "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    sleep 0.1
done
"$bin/pg_isready" -q -h 127.0.0.1 -p "$port" || { echo "PostgreSQL did not accept connections within 30 s" >&2; exit 1; }
echo "postgres_version $("${psql_cmd[@]}" -A -t -c 'SHOW server_version')"

# Tables shaped like healthd's: integer metric ids, a unique idempotency key, WITHOUT ROWID-like rollups keyed
# (user, metric, bucket). Bucket keys match healthd's BucketKey for samples after 1970.
rollup_columns="user_id integer NOT NULL, metric_id integer NOT NULL, bucket bigint NOT NULL, count bigint NOT NULL,
    sum double precision NOT NULL, min double precision NOT NULL, max double precision NOT NULL,
    sum_sq double precision NOT NULL, first_ts bigint NOT NULL, first_value double precision NOT NULL,
    last_ts bigint NOT NULL, last_value double precision NOT NULL, PRIMARY KEY (user_id, metric_id, bucket)"
"${psql_cmd[@]}" <<SQL
CREATE TABLE raw (
    id bigserial PRIMARY KEY, user_id integer NOT NULL, metric_id integer NOT NULL, kind text NOT NULL,
    value double precision NOT NULL, start_ms bigint NOT NULL, end_ms bigint NOT NULL, utc_offset_min integer NOT NULL,
    source text NOT NULL, source_record_id text, received timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, source, source_record_id));
CREATE INDEX raw_by_user_metric_time ON raw (user_id, metric_id, start_ms);
CREATE TABLE rollup_hour ($rollup_columns);
CREATE TABLE rollup_day ($rollup_columns);
CREATE TABLE rollup_week ($rollup_columns);
CREATE TABLE rollup_month ($rollup_columns);
SQL

upsert() {
    local table=$1 bucket=$2
    cat <<SQL
INSERT INTO $table AS r (user_id, metric_id, bucket, count, sum, min, max, sum_sq, first_ts, first_value, last_ts, last_value)
SELECT user_id, metric_id, $bucket, count(*), sum(value), min(value), max(value), sum(value * value),
    min(start_ms), (array_agg(value ORDER BY start_ms, id))[1], max(start_ms), (array_agg(value ORDER BY start_ms DESC, id DESC))[1]
FROM batch GROUP BY 1, 2, 3
ON CONFLICT (user_id, metric_id, bucket) DO UPDATE SET
    count = r.count + excluded.count, sum = r.sum + excluded.sum, min = least(r.min, excluded.min),
    max = greatest(r.max, excluded.max), sum_sq = r.sum_sq + excluded.sum_sq,
    first_value = CASE WHEN excluded.first_ts < r.first_ts THEN excluded.first_value ELSE r.first_value END,
    first_ts = least(r.first_ts, excluded.first_ts),
    last_value = CASE WHEN excluded.last_ts >= r.last_ts THEN excluded.last_value ELSE r.last_value END,
    last_ts = greatest(r.last_ts, excluded.last_ts);
SQL
}

day="floor(local_ms / 86400000.0)::bigint"
process_batch=$(cat <<SQL
WITH inserted AS (
    INSERT INTO raw (user_id, metric_id, kind, value, start_ms, end_ms, utc_offset_min, source, source_record_id)
    SELECT user_id, metric_id, kind, value, start_ms, end_ms, utc_offset_min, source, nullif(source_record_id, '')
    FROM staging ORDER BY seq
    ON CONFLICT (user_id, source, source_record_id) DO NOTHING
    RETURNING id, user_id, metric_id, value, start_ms, utc_offset_min)
INSERT INTO batch SELECT id, user_id, metric_id, value, start_ms, utc_offset_min, start_ms + utc_offset_min * 60000
FROM inserted;
$(upsert rollup_hour "floor(local_ms / 3600000.0)::bigint * 2048 + utc_offset_min + 1024")
$(upsert rollup_day "$day")
$(upsert rollup_week "$day - mod($day + 3, 7)")
$(upsert rollup_month "(extract(year FROM to_timestamp(local_ms / 1000.0) AT TIME ZONE 'UTC') * 12
    + extract(month FROM to_timestamp(local_ms / 1000.0) AT TIME ZONE 'UTC') - 1)::bigint")
SQL
)

# The load script: session setup, then per batch BEGIN, COPY of the batch's CSV lines, the processing, COMMIT.
load=$dir/load.sql
{
    cat <<SQL
CREATE TEMP TABLE staging (
    user_id integer, metric_id integer, kind text, value double precision, start_ms bigint, end_ms bigint,
    utc_offset_min integer, source text, source_record_id text, seq bigserial) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE batch (
    id bigint, user_id integer, metric_id integer, value double precision, start_ms bigint, utc_offset_min integer,
    local_ms bigint) ON COMMIT DELETE ROWS;
SQL
    tail -n +2 "$csv" | awk -v size="$batch_size" -v process="$process_batch" '
        function open_batch() {
            print "BEGIN;"
            print "COPY staging (user_id, metric_id, kind, value, start_ms, end_ms, utc_offset_min, source, source_record_id) FROM STDIN WITH (FORMAT csv);"
        }
        function close_batch() {
            print "\\."
            print process
            print "COMMIT;"
        }
        (NR - 1) % size == 0 { if (NR > 1) close_batch(); open_batch() }
        { print }
        END { if (NR > 0) close_batch() }'
} >"$load"
chown postgres: "$load"
samples=$(($(wc -l <"$csv") - 1))

for run in $(seq 0 "$repeats"); do
    "${psql_cmd[@]}" -c "TRUNCATE raw, rollup_hour, rollup_day, rollup_week, rollup_month RESTART IDENTITY; CHECKPOINT;"
    start=$(date +%s.%N)
    # In the background, so that SIGINT or SIGTERM runs the traps at once instead of after the load.
    timeout 3600 "${psql_cmd[@]}" -f "$load" &
    wait $!
    end=$(date +%s.%N)
    rate=$(awk -v n="$samples" -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", n / (b - a) }')
    if [[ $run -eq 0 ]]; then
        echo "warmup_samples_per_second $rate"
    else
        echo "samples_per_second $rate"
    fi
done
loaded=$("${psql_cmd[@]}" -A -t -c "SELECT count(*) FROM raw")
[[ $loaded -eq $samples ]] || echo "warning: $loaded raw rows after the last run, expected $samples" >&2
