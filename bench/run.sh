#!/usr/bin/env bash
# Benchmark at scale (make bench): for SQLite then PostgreSQL, a database of 50,000 practices
# served by gunicorn as in production; with the cache on, then every cache off, wrk loads a
# realistic mix (thousands of distinct URLs per page kind, drawn at random, as a visitor and as a
# signed-in member) while members write (comments, bookmarks, drafts) through HTTP; every mix is
# compared with the floor measured in the same run. Writes bench/RESULTS.md (bench/out/ for a
# partial, small or uncommitted run). See bench/README.md. Safe to re-run: data is only
# regenerated when the seed or the sizes change.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
SEED=${BENCH_SEED:-42}
PRACTICES=${BENCH_PRACTICES:-50000}
COOPERATIVES=${BENCH_COOPERATIVES:-10000}
PEOPLE=${BENCH_PEOPLE:-100000}
DURATION=${BENCH_DURATION:-20s}
WARMUP=${BENCH_WARMUP:-5s}
# A visitor and a member of the same page are measured in alternating rounds (measure_pair).
ROUNDS=${BENCH_ROUNDS:-4}
CONNECTIONS=${BENCH_CONNECTIONS:-8}
THREADS=${BENCH_THREADS:-2}
DATABASES=${BENCH_DATABASES:-"sqlite postgres"}
declare -A WARMED  # requests of each visitor warm-up, by database, cache mode and mix
CACHE_MODES=${BENCH_CACHES:-"on off"}
WRITE_RATE=${BENCH_WRITE_RATE:-3}  # writes per second during the whole series of measures
PORT=8001
BASE=http://127.0.0.1:$PORT
# A request slower than this is reported as failed instead of stopping the benchmark.
REQUEST_TIMEOUT=${BENCH_REQUEST_TIMEOUT:-60}
WORKERS=$((2 * $(nproc)))
OUT=bench/out
PG_ADMIN=(-h 127.0.0.1 -p 5432 -U postgres)
# Page kinds measured as a visitor and as a member, between the two floors.
KINDS=${BENCH_KINDS:-"detail list search coop dirlist dirsearch points"}

export DJANGO_DEBUG=0
export DJANGO_SECRET_KEY=bench-only-secret-key-not-for-production-0123456789abcdef
export DJANGO_HTTPS=0  # plain HTTP on the loopback, no TLS to terminate
export DJANGO_ALLOWED_HOSTS=127.0.0.1
export DJANGO_BENCH_FLOOR=1
# Every client of the benchmark is 127.0.0.1: a per-address limit on searches would answer 429 to
# the mix instead of measuring it (0: no limit).
export SEARCH_RATE_PER_MINUTE=0

SERVER_PID=""
WRITER_PID=""
stop_writer() {
  if [[ -n "$WRITER_PID" ]] && kill -0 "$WRITER_PID" 2>/dev/null; then
    kill -TERM "$WRITER_PID"
    wait "$WRITER_PID" 2>/dev/null || true
  fi
  WRITER_PID=""
}
stop_server() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}
trap 'stop_writer; stop_server' EXIT

seconds_of() { local value=$1; value=${value%s}; echo "${value%.*}"; }

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

# The code measured: HEAD, and whether the application differs from it (tracked or not).
code_state() {
  local dirty
  dirty=$(git status --porcelain --untracked-files=all -- observatoire templates static | wc -l)
  echo "commit=$(git rev-parse --short HEAD) dirty_files=$dirty"
}

# Schema, reference data and generated data; the marker file remembers what was generated (and
# how long it took), the count checks the database still holds it.
prepare_database() {
  local db=$1 marker="$OUT/generated-$1" wanted count started generator
  # The generator and the schema it fills: data from another version is generated again.
  generator=$(cat observatoire/practices/management/commands/generatedata.py \
    <(ls observatoire/*/migrations/*.py) | md5sum | cut -c 1-12)
  wanted="seed=$SEED practices=$PRACTICES cooperatives=$COOPERATIVES people=$PEOPLE"
  wanted="$wanted generator=$generator"
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
  # As after each deployment (README): bodies of practice pages stored again when templates or
  # translations changed since the data was generated.
  $PY manage.py renderpractices -v 0
  if [[ $db == postgres ]]; then
    # Statistics as autovacuum would have them on a database in service after a bulk load.
    psql "${PG_ADMIN[@]}" -q -c "VACUUM ANALYZE" observatoire_bench
  else
    # The full-text index merged, as the README asks after a bulk load (and daily).
    $PY manage.py optimizesearch -v 0
  fi
}

# Cache on: Redis, as a production site configures it, when it answers; else the database cache,
# the default. Cache off: DJANGO_CACHE=none, every request computed in full. Sessions live in the
# database either way. Either way the cache starts empty.
configure_cache() {
  unset REDIS_URL DJANGO_CACHE
  if [[ $1 == off ]]; then
    export DJANGO_CACHE=none
  elif redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    export REDIS_URL=${BENCH_REDIS_URL:-redis://127.0.0.1:6379/1}
    redis-cli -u "$REDIS_URL" flushdb >/dev/null
  else
    $PY manage.py shell -v 0 -c "from django.core.cache import cache; cache.clear()"
  fi
}

cache_label() {
  if [[ ${DJANGO_CACHE:-} == none ]]; then echo none
  elif [[ -n ${REDIS_URL:-} ]]; then echo redis
  else echo database; fi
}

start_server() {
  .venv/bin/gunicorn observatoire.wsgi -w "$WORKERS" -b "127.0.0.1:$PORT" \
    --timeout "$((REQUEST_TIMEOUT + 30))" --log-level warning >> "$OUT/gunicorn-$1.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 120); do
    curl -sf -o /dev/null "$BASE/banc/plancher/" && return
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$OUT/gunicorn-$1.log"; exit 1; }
    sleep 0.5
  done
  echo "le serveur ne répond pas" >&2
  exit 1
}

# Requests still queued when wrk stops keep the workers busy: wait until the floor answers
# quickly again, so that a slow mix does not slow down the next one.
drain() {
  local deadline=$((SECONDS + 2 * REQUEST_TIMEOUT)) seconds
  while ((SECONDS < deadline)); do
    seconds=$(curl -s -o /dev/null -w '%{time_total}' --max-time 5 "$BASE/banc/plancher/") \
      || seconds=5
    [[ ${seconds%%.*} == 0 ]] && return
    sleep 1
  done
}

# A mix's first URL must answer 200 to that client, else the mix is noted as not measured and
# the server restarted (a worker may still be busy with that request).
check_first() {
  local mix=$1 who=$2 file=$3 cookie="" code seconds
  [[ $who == member ]] && cookie=$MEMBER_COOKIE
  read -r code seconds < <(curl -s -o "$OUT/$DB-$CACHE-$mix-$who.html" \
    -w '%{http_code} %{time_total}\n' --max-time "$REQUEST_TIMEOUT" -H "Cookie: $cookie" \
    "$BASE$(head -n 1 "$file")" || echo "000 $REQUEST_TIMEOUT")
  [[ $code == 200 ]] && return 0
  echo "   $mix ($who) : $(head -n 1 "$file") répond $code après $seconds s, non mesuré" >&2
  printf 'db=%s cache=%s backend=%s mix=%s who=%s urls=%s failed=%s\n' "$DB" "$CACHE" \
    "$(cache_label)" "$mix" "$who" "$(wc -l < "$file")" "$code" >> "$OUT/results.txt"
  stop_server
  start_server "$DB"
  return 1
}

# The warm-up: the visitor's lasts WARMUP; a member's is as many requests as the visitor's of the
# same page kind made (bench/README.md, « Échauffement »), within twice as long (wrk waits for -d
# even once its threads stopped). Sets WARMED_NOW.
warm_up() {
  local mix=$1 who=$2 file=$3 kind=$4 cookie=""
  local tag="$DB-$CACHE-$mix-$who" warm_key="$DB-$CACHE-$kind"
  [[ $who == member ]] && cookie=$MEMBER_COOKIE
  if [[ $who == member && -n ${WARMED[$warm_key]:-} ]]; then
    BENCH_URLS=$file BENCH_COOKIE=$cookie BENCH_STOP_AFTER=${WARMED[$warm_key]} wrk -t 1 -c 2 \
      -d "$((2 * $(seconds_of "$WARMUP")))s" --timeout "${REQUEST_TIMEOUT}s" -s bench/mix.lua \
      "$BASE" > "$OUT/$tag.warmup"
  else
    BENCH_URLS=$file BENCH_COOKIE=$cookie wrk -t 1 -c 2 -d "$WARMUP" \
      --timeout "${REQUEST_TIMEOUT}s" -s bench/mix.lua "$BASE" > "$OUT/$tag.warmup"
  fi
  WARMED_NOW=$(grep -o 'BENCH requests=[0-9]*' "$OUT/$tag.warmup" | cut -d= -f2 || true)
  if [[ $who == visitor && -n $WARMED_NOW ]]; then WARMED[$warm_key]=$WARMED_NOW; fi
}

# One bounded wrk run drawing URLs at random (bench/mix.lua); one line of results (a mix measured
# in rounds has one line a round, merged by bench/report.py). wrk's timeout is raised so that slow
# answers count in the percentiles instead of being dropped.
run_wrk() {
  local mix=$1 who=$2 file=$3 duration=$4 round=$5 warmed=$6 connections=${7:-$CONNECTIONS}
  local tag="$DB-$CACHE-$mix-$who-$round" cookie="" line
  [[ $who == member ]] && cookie=$MEMBER_COOKIE
  BENCH_URLS=$file BENCH_COOKIE=$cookie wrk -t "$THREADS" -c "$connections" -d "$duration" \
    --timeout "${REQUEST_TIMEOUT}s" --latency -s bench/mix.lua "$BASE" > "$OUT/$tag.wrk"
  line="$(grep '^BENCH ' "$OUT/$tag.wrk") load=$(cut -d ' ' -f 1 /proc/loadavg)"
  drain
  printf 'db=%s cache=%s backend=%s mix=%s who=%s urls=%s connections=%s warmup=%s round=%s %s\n' \
    "$DB" "$CACHE" "$(cache_label)" "$mix" "$who" "$(wc -l < "$file")" "$connections" \
    "${warmed:-0}" "$round" "${line#BENCH }" >> "$OUT/results.txt"
  echo "   $mix ($who, round $round) ${line#BENCH }" | sed 's/ quantiles=[0-9,]*//'
}

# One client alone: check, warm up, DURATION of measure.
measure() {
  local mix=$1 who=$2 file=$3 connections=${4:-$CONNECTIONS}
  check_first "$mix" "$who" "$file" || return 0
  warm_up "$mix" "$who" "$file" "$mix"
  run_wrk "$mix" "$who" "$file" "$DURATION" 1 "$WARMED_NOW" "$connections"
}

# A visitor and a member of the same page kind, measured in ROUNDS alternating runs (visitor,
# member, visitor, member…) of DURATION / ROUNDS each, after their warm-ups: whatever drifts
# during the measure — the cache filling up, the database's pages in memory, the writes, another
# process — weighs on both alike, so that their comparison (members at least as fast as
# visitors) is not decided by who came first (bench/README.md, « Visiteur et membre en
# alternance »).
measure_pair() {
  local kind=$1 visitor_mix=$2 visitor_file=$3 member_mix=$4 member_file=$5
  local visitor_ok=1 member_ok=1 visitor_warmed=0 member_warmed=0 slice round
  check_first "$visitor_mix" visitor "$visitor_file" || visitor_ok=0
  check_first "$member_mix" member "$member_file" || member_ok=0
  if ((visitor_ok)); then
    warm_up "$visitor_mix" visitor "$visitor_file" "$kind"
    visitor_warmed=$WARMED_NOW
  fi
  if ((member_ok)); then
    warm_up "$member_mix" member "$member_file" "$kind"
    member_warmed=$WARMED_NOW
  fi
  slice=$(($(seconds_of "$DURATION") / ROUNDS))s
  for round in $(seq 1 "$ROUNDS"); do
    ((visitor_ok)) && run_wrk "$visitor_mix" visitor "$visitor_file" "$slice" "$round" \
      "$visitor_warmed"
    ((member_ok)) && run_wrk "$member_mix" member "$member_file" "$slice" "$round" \
      "$member_warmed"
  done
  return 0
}

# The stream of writes, from before the first floor to after the last one. It signs in enough
# members for its comments (bench/writes.py), then says it is ready.
start_writer() {
  local urls=$1 mixes per_mix planned members
  mixes=$((4 + 2 * $(wc -w <<< "$KINDS")))
  per_mix=$(($(seconds_of "$WARMUP") + $(seconds_of "$DURATION") + 5 + ROUNDS))
  planned=$((mixes * per_mix))
  # One write in six is a comment, eight comments per member.
  members=$(( (planned * WRITE_RATE + 47) / 48 + 1 ))
  rm -f "$OUT/$DB-$CACHE-writes.ready" "$OUT/$DB-$CACHE-writes.errors"
  $PY bench/writes.py run "$BASE" --emails "$OUT/$DB-$CACHE-writers.txt" \
    --practices "$urls/detail-member.txt" --rate "$WRITE_RATE" --members "$members" \
    --max-seconds "$((3 * planned + 600))" --seed "$RANDOM" \
    --out "$OUT/$DB-$CACHE-writes.txt" > "$OUT/$DB-$CACHE-writes.log" 2>&1 &
  WRITER_PID=$!
  for _ in $(seq 1 600); do
    [[ -f "$OUT/$DB-$CACHE-writes.ready" ]] && {
      echo "   écritures : $(cat "$OUT/$DB-$CACHE-writes.ready") membres connectés, $WRITE_RATE/s"
      return
    }
    kill -0 "$WRITER_PID" 2>/dev/null || { cat "$OUT/$DB-$CACHE-writes.log"; exit 1; }
    sleep 0.5
  done
  echo "les membres qui écrivent ne se connectent pas" >&2
  exit 1
}

finish_writer() {
  stop_writer
  printf 'db=%s cache=%s backend=%s mix=writes %s\n' "$DB" "$CACHE" "$(cache_label)" \
    "$(cat "$OUT/$DB-$CACHE-writes.txt")" >> "$OUT/results.txt"
  echo "   écritures : $(cat "$OUT/$DB-$CACHE-writes.txt")"
}

ensure_wrk
mkdir -p "$OUT"
: > "$OUT/results.txt"
{
  echo "started=$(date -u +%Y-%m-%dT%H:%M:%SZ) $(code_state)"
  echo "sizes=seed=$SEED practices=$PRACTICES cooperatives=$COOPERATIVES people=$PEOPLE"
  echo "databases=${DATABASES// /,} caches=${CACHE_MODES// /,} duration=$DURATION warmup=$WARMUP"
  echo "connections=$CONNECTIONS threads=$THREADS workers=$WORKERS write_rate=$WRITE_RATE"
  echo "rounds=$ROUNDS"
} > "$OUT/run-info.txt"
DATABASE_URL=$(database_url sqlite) $PY manage.py collectstatic --no-input -v 0
for DB in $DATABASES; do
  export DATABASE_URL
  DATABASE_URL=$(database_url "$DB")
  unset REDIS_URL DJANGO_CACHE
  prepare_database "$DB"
  URLS="$OUT/urls-$DB"
  echo "== $DB : URL tirées : $($PY bench/pages.py urls "$URLS")"
  for CACHE in $CACHE_MODES; do
    configure_cache "$CACHE"
    echo "== $DB, cache $CACHE ($(cache_label)) : $WORKERS workers gunicorn," \
      "wrk -t $THREADS -c $CONNECTIONS -d $DURATION par mélange"
    echo "$DB-$CACHE $(code_state)" >> "$OUT/run-info.txt"
    start_server "$DB"
    # Other members each run: nobody reaches the comment limit across runs within the hour.
    $PY bench/pages.py members 400 "$RANDOM" > "$OUT/$DB-$CACHE-members.txt"
    tail -n +2 "$OUT/$DB-$CACHE-members.txt" > "$OUT/$DB-$CACHE-writers.txt"
    MEMBER_COOKIE=$($PY bench/writes.py login "$BASE" "$(head -n 1 "$OUT/$DB-$CACHE-members.txt")")
    start_writer "$URLS"
    # The floor first and last: a difference shows the machine was busy meanwhile. The floor as
    # a member, in alternation with the first: what their session (read, person, header) costs
    # on every page.
    measure_pair floor floor_first "$URLS/floor.txt" floor_member "$URLS/floor.txt"
    for kind in $KINDS; do
      measure_pair "$kind" "$kind" "$URLS/$kind-visitor.txt" "$kind" "$URLS/$kind-member.txt"
    done
    measure search_broad visitor "$URLS/search-broad.txt" 8
    measure floor visitor "$URLS/floor.txt"
    finish_writer
    stop_server
  done
done
echo "ended=$(date -u +%Y-%m-%dT%H:%M:%SZ) $(code_state)" >> "$OUT/run-info.txt"
# Only a complete run at full size on committed code replaces bench/RESULTS.md.
RESULTS=${BENCH_RESULTS:-}
if [[ -z $RESULTS ]]; then
  RESULTS=$OUT/RESULTS.md
  if [[ "$PRACTICES/$COOPERATIVES/$PEOPLE" == 50000/10000/100000 && $DATABASES == *sqlite* \
      && $DATABASES == *postgres* && $CACHE_MODES == *on* && $CACHE_MODES == *off* ]] \
      && ! grep -q 'dirty_files=[1-9]' "$OUT/run-info.txt" \
      && [[ $(grep -o 'commit=[0-9a-f]*' "$OUT/run-info.txt" | sort -u | wc -l) == 1 ]]; then
    RESULTS=bench/RESULTS.md
  fi
fi
$PY bench/report.py "$OUT" > "$RESULTS"
echo "== $RESULTS écrit"
