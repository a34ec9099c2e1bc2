#!/usr/bin/env bash
# Benchmark at scale (make bench): for SQLite then PostgreSQL, build a database of 50,000
# practices, serve it with gunicorn as in production, load six pages with wrk on 127.0.0.1 and
# write bench/RESULTS.md. See bench/README.md. Safe to re-run: data is only regenerated when the
# seed or the sizes change.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
SEED=${BENCH_SEED:-42}
PRACTICES=${BENCH_PRACTICES:-50000}
COOPERATIVES=${BENCH_COOPERATIVES:-10000}
PEOPLE=${BENCH_PEOPLE:-100000}
DURATION=${BENCH_DURATION:-15s}
WARMUP=${BENCH_WARMUP:-3s}
CONNECTIONS=${BENCH_CONNECTIONS:-8}
THREADS=${BENCH_THREADS:-2}
DATABASES=${BENCH_DATABASES:-"sqlite postgres"}
PORT=8001
# A request slower than this is reported as failed instead of stopping the benchmark.
REQUEST_TIMEOUT=${BENCH_REQUEST_TIMEOUT:-60}
WORKERS=$((2 * $(nproc)))
OUT=bench/out
PG_ADMIN=(-h 127.0.0.1 -p 5432 -U postgres)

export DJANGO_DEBUG=0
export DJANGO_SECRET_KEY=bench-only-secret-key-not-for-production-0123456789abcdef
export DJANGO_HTTPS=0  # plain HTTP on the loopback, no TLS to terminate
export DJANGO_ALLOWED_HOSTS=127.0.0.1
export DJANGO_BENCH_FLOOR=1
# Cache and sessions in Redis, as a production site configures them (README); the database
# cache stays the default when no Redis answers.
# BENCH_CACHE=off measures the site with no cache at all, every request computed in full.
RESULTS=bench/RESULTS.md
if [[ "${BENCH_CACHE:-on}" == "off" ]]; then
  export DJANGO_CACHE=none
  RESULTS=bench/RESULTS-sans-cache.md
elif redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  export REDIS_URL=${BENCH_REDIS_URL:-redis://127.0.0.1:6379/1}
  redis-cli -h 127.0.0.1 -p 6379 -n 1 flushdb >/dev/null
fi

SERVER_PID=""
stop_server() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}
trap stop_server EXIT

database_url() {
  case "$1" in
    sqlite) echo "sqlite:///bench/bench.sqlite3" ;;
    postgres) echo "postgres://postgres@127.0.0.1:5432/observatoire_bench" ;;
    *) echo "base inconnue : $1" >&2; exit 2 ;;
  esac
}

ensure_wrk() {
  command -v wrk >/dev/null && return
  local sudo=""
  [[ $(id -u) -ne 0 ]] && sudo=sudo
  $sudo apt-get install -y wrk || { $sudo apt-get update && $sudo apt-get install -y wrk; }
}

ensure_postgres_database() {
  if ! psql "${PG_ADMIN[@]}" -Atc "select 1 from pg_database where datname = 'observatoire_bench'" \
      postgres | grep -q 1; then
    createdb "${PG_ADMIN[@]}" observatoire_bench
  fi
}

# Schema, reference data and generated data; the marker file remembers what was generated (and
# how long it took), the count checks the database still holds it.
prepare_database() {
  local db=$1 marker="$OUT/generated-$1" wanted count started
  wanted="seed=$SEED practices=$PRACTICES cooperatives=$COOPERATIVES people=$PEOPLE"
  [[ $db == postgres ]] && ensure_postgres_database
  $PY manage.py migrate --no-input -v 0
  $PY manage.py loaddata network taxonomy -v 0
  $PY manage.py createcachetable
  count=$($PY bench/pages.py count)
  if [[ -f $marker && "$(head -n 1 "$marker")" == "$wanted" && $count == "$PRACTICES" ]]; then
    echo "== $db : données déjà générées ($wanted), génération sautée"
  else
    echo "== $db : génération ($wanted)"
    started=$SECONDS
    $PY manage.py generatedata --clear --seed "$SEED" --practices "$PRACTICES" \
      --cooperatives "$COOPERATIVES" --people "$PEOPLE"
    printf '%s\n%s\n' "$wanted" "$((SECONDS - started))" > "$marker"
  fi
  if [[ $db == postgres ]]; then
    # Statistics as autovacuum would have them on a database in service after a bulk load.
    psql "${PG_ADMIN[@]}" -q -c "VACUUM ANALYZE" observatoire_bench
  fi
}

start_server() {
  .venv/bin/gunicorn observatoire.wsgi -w "$WORKERS" -b "127.0.0.1:$PORT" \
    --timeout "$((REQUEST_TIMEOUT + 30))" --log-level warning > "$OUT/gunicorn-$1.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 60); do
    curl -sf -o /dev/null "http://127.0.0.1:$PORT/banc/plancher/" && return
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$OUT/gunicorn-$1.log"; exit 1; }
    sleep 0.5
  done
  echo "le serveur ne répond pas" >&2
  exit 1
}

# Requests still queued when wrk stops keep the workers busy: wait until the floor answers
# quickly again, so that a slow page does not slow down the next one.
drain() {
  local deadline=$((SECONDS + 2 * REQUEST_TIMEOUT)) seconds
  while ((SECONDS < deadline)); do
    seconds=$(curl -s -o /dev/null -w '%{time_total}' --max-time 5 \
      "http://127.0.0.1:$PORT/banc/plancher/") || seconds=5
    [[ ${seconds%%.*} == 0 ]] && return
    sleep 1
  done
}

# One page: check it answers 200 in time, warm up, then a bounded wrk run; one line per page.
# wrk's timeout is raised so that slow answers count in the percentiles instead of being dropped.
measure() {
  local db=$1 name=$2 path=$3 matches=$4 url="http://127.0.0.1:$PORT$3" code seconds bytes line
  read -r code seconds < <(curl -s -o "$OUT/$db-$name.html" -w '%{http_code} %{time_total}\n' \
    --max-time "$REQUEST_TIMEOUT" "$url" || echo "000 $REQUEST_TIMEOUT")
  bytes=$(stat -c %s "$OUT/$db-$name.html" 2>/dev/null || echo 0)
  if [[ $code != 200 ]]; then
    echo "   $name : $url répond $code après $seconds s, page non mesurée" >&2
    printf 'db=%s page=%s path=%s matches=%s bytes=%s failed=%s single_s=%s\n' "$db" "$name" \
      "$path" "$matches" "$bytes" "$code" "$seconds" >> "$OUT/results.txt"
    # A worker is still busy with that request: start afresh for the next page.
    stop_server
    start_server "$db"
    return
  fi
  wrk -t 1 -c 2 -d "$WARMUP" --timeout "${REQUEST_TIMEOUT}s" "$url" > /dev/null
  wrk -t "$THREADS" -c "$CONNECTIONS" -d "$DURATION" --timeout "${REQUEST_TIMEOUT}s" --latency \
    -s bench/percentiles.lua "$url" > "$OUT/$db-$name.wrk"
  line="$(grep '^BENCH ' "$OUT/$db-$name.wrk") load=$(cut -d ' ' -f 1 /proc/loadavg)"
  drain
  printf 'db=%s page=%s path=%s matches=%s bytes=%s single_s=%s %s\n' "$db" "$name" "$path" \
    "$matches" "$bytes" "$seconds" "${line#BENCH }" >> "$OUT/results.txt"
  echo "   $name (seule : $seconds s) ${line#BENCH }"
}

ensure_wrk
mkdir -p "$OUT"
: > "$OUT/results.txt"
DATABASE_URL=$(database_url sqlite) $PY manage.py collectstatic --no-input -v 0
for db in $DATABASES; do
  export DATABASE_URL
  DATABASE_URL=$(database_url "$db")
  prepare_database "$db"
  mapfile -t pages < <($PY bench/pages.py urls)
  # Cold start: no cached counts or facets left by an earlier run (the cache lives in the base).
  $PY manage.py shell -v 0 -c "from django.core.cache import cache; cache.clear()"
  start_server "$db"
  echo "== $db : $WORKERS workers gunicorn, wrk -t $THREADS -c $CONNECTIONS -d $DURATION"
  for page in "${pages[@]}"; do
    IFS=$'\t' read -r name path matches <<< "$page"
    measure "$db" "$name" "$path" "$matches"
  done
  stop_server
done
BENCH_CONNECTIONS=$CONNECTIONS BENCH_THREADS=$THREADS BENCH_DURATION=$DURATION \
  BENCH_WARMUP=$WARMUP BENCH_WORKERS=$WORKERS $PY bench/report.py "$OUT" > "$RESULTS"
echo "== $RESULTS écrit"
