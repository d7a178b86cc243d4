#!/usr/bin/env bash
# A real Prometheus on 127.0.0.1 serving Kepler's recorded metrics, offline: the saved
# query_range fixtures are converted to OpenMetrics, backfilled into TSDB blocks with
# promtool, and served by Debian's prometheus (no scraping).
#
#   scripts/prometheus-dev.sh up     load the fixtures and start (idempotent), print `export` lines
#   scripts/prometheus-dev.sh env    print the `export` lines of a running server
#   scripts/prometheus-dev.sh down   stop the server by pid and remove the state dir
#
# Use: eval "$(scripts/prometheus-dev.sh up)". Progress goes to stderr, exports to stdout.
# MODELSHELF_TEST_PROM_START/END bound the 2023-09 training run (unix seconds);
# the idle run (December 2023, distinct window) is loaded too, bounded by *_IDLE_START/END.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${MODELSHELF_PROM_DIR:-/tmp/modelshelf-prometheus}"
PORT="${MODELSHELF_PROM_PORT:-9091}"
FIXTURES="$ROOT/fixtures/kepler/kepler-model-server/tests/data/prom_output"
TRAINING="$FIXTURES/prom_response_2023-09.json"
IDLE="$FIXTURES/idle.json"
# Marks a directory as ours, so `down` never deletes a directory it did not create.
MARKER="$DIR/.modelshelf-prometheus"
URL="http://127.0.0.1:$PORT"

log() { echo "prometheus-dev [${SECONDS}s]: $*" >&2; }
die() {
  log "error: $*"
  exit 1
}
trap 'log "failed: line $LINENO: $BASH_COMMAND (log: $DIR/prometheus.log)"' ERR

ready() { curl -sf -o /dev/null --max-time 2 "$URL/-/ready"; }

server_pid() { cat "$DIR/prometheus.pid" 2>/dev/null || true; }

# A pid file may outlive its server (machine reused); only trust a pid whose command
# line names our config, so a reused pid is never signalled.
is_ours() { [ -n "$1" ] && { tr '\0' ' ' <"/proc/$1/cmdline"; } 2>/dev/null | grep -qF -- "$DIR/prometheus.yml"; }

running() { is_ours "$(server_pid)"; }

# stop_pid PID: TERM, up to 10 s to exit, then KILL.
stop_pid() {
  local tries=0
  kill -TERM "$1" 2>/dev/null || true
  while is_ours "$1" && [ "$tries" -lt 50 ]; do
    sleep 0.2
    tries=$((tries + 1))
  done
  if is_ours "$1"; then kill -KILL "$1" 2>/dev/null || true; fi
}

healthy() { [ -f "$MARKER" ] && [ -f "$DIR/env" ] && running && ready; }

# window FIXTURE_PATH START|END : reads one input's window from the converter's summary.
window() {
  node -e '
    const [summaryPath, file, edge] = process.argv.slice(1);
    const summary = JSON.parse(require("node:fs").readFileSync(summaryPath, "utf8"));
    const input = summary.inputs.find((i) => i.file === file);
    if (!input) throw new Error(`no summary for ${file}`);
    console.log(edge === "START" ? input.start : input.end);
  ' "$DIR/summary.json" "$1" "$2"
}

# A server whose state dir was removed under it (a run killed between `rm -rf` and the kill,
# or two runs sharing this dir) keeps the port with no pid file left to find it by. The
# listener is ours if its command line names our config path; only then is it stopped.
stop_orphan_on_port() {
  local pid
  for pid in $(ss -Hltnp "sport = :$PORT" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u); do
    if is_ours "$pid"; then
      log "stopping an orphaned prometheus (pid $pid) that still holds port $PORT"
      stop_pid "$pid"
    fi
  done
}

cmd_up() {
  if healthy; then
    log "already up ($URL)"
    cat "$DIR/env"
    return
  fi
  if [ -e "$DIR" ]; then
    log "found a stale server dir $DIR; tearing it down first"
    cmd_down
  fi
  command -v prometheus >/dev/null && command -v promtool >/dev/null ||
    die "prometheus/promtool not found; run scripts/install-deps.sh"
  [ -x "$ROOT/node_modules/.bin/tsx" ] || die "tsx missing; run pnpm install in $ROOT"

  mkdir -p "$DIR"
  touch "$MARKER"
  log "converting Kepler fixtures to OpenMetrics"
  "$ROOT/node_modules/.bin/tsx" "$ROOT/scripts/prom-fixture-to-openmetrics.ts" \
    "$DIR/fixtures.om.txt" "$TRAINING" "$IDLE" >"$DIR/summary.json"
  log "backfilling TSDB blocks with promtool"
  promtool tsdb create-blocks-from openmetrics "$DIR/fixtures.om.txt" "$DIR/data" >"$DIR/promtool.log" 2>&1
  rm -f "$DIR/fixtures.om.txt"

  # No scrape targets: the server only serves the backfilled blocks.
  cat >"$DIR/prometheus.yml" <<'EOF'
global:
  scrape_interval: 1h
EOF
  # A server stopped a moment ago may still hold the port; a start that fails anyway is retried, its
  # log shown (the directory is removed on failure, and the log with it).
  stop_orphan_on_port
  local deadline=$((SECONDS + 30))
  while (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] || die "port $PORT is still in use after 30 s"
    sleep 0.2
  done
  local attempt
  for attempt in 1 2 3; do
    log "starting prometheus on $URL"
    # Retention far beyond the fixtures' age, else their blocks are deleted at start.
    nohup prometheus --config.file="$DIR/prometheus.yml" --storage.tsdb.path="$DIR/data" \
      --storage.tsdb.retention.time=100y --web.listen-address="127.0.0.1:$PORT" \
      </dev/null >"$DIR/prometheus.log" 2>&1 &
    echo $! >"$DIR/prometheus.pid"
    deadline=$((SECONDS + 60))
    until ready || ! running; do
      [ "$SECONDS" -lt "$deadline" ] || die "prometheus not ready after 60 s; see $DIR/prometheus.log"
      sleep 0.2
    done
    ready && break
    log "prometheus exited (attempt $attempt); its last lines:"
    tail -n 5 "$DIR/prometheus.log" >&2 || true
    [ "$attempt" -lt 3 ] || die "prometheus did not start in 3 attempts"
    sleep 2
  done

  cat >"$DIR/env" <<EOF
export MODELSHELF_TEST_PROMETHEUS_URL=$URL
export MODELSHELF_TEST_PROM_START=$(window "$TRAINING" START)
export MODELSHELF_TEST_PROM_END=$(window "$TRAINING" END)
export MODELSHELF_TEST_PROM_IDLE_START=$(window "$IDLE" START)
export MODELSHELF_TEST_PROM_IDLE_END=$(window "$IDLE" END)
EOF
  log "up ($URL)"
  cat "$DIR/env"
}

cmd_down() {
  if [ ! -e "$DIR" ]; then
    log "nothing to stop ($DIR does not exist)"
    return
  fi
  [ -f "$MARKER" ] || die "$DIR was not created by this script (no $MARKER); remove it yourself"
  local pid
  pid="$(server_pid)"
  if is_ours "$pid"; then stop_pid "$pid"; fi
  rm -rf "$DIR"
  log "down ($DIR removed)"
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  env)
    healthy || die "no running server in $DIR; run: scripts/prometheus-dev.sh up"
    cat "$DIR/env"
    ;;
  *)
    echo "usage: $0 up|down|env" >&2
    exit 2
    ;;
esac
