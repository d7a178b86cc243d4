#!/usr/bin/env bash
# Single-node Ceph on 127.0.0.1 for the integration tests: a real S3 API
# (RADOS Gateway) and a real shared filesystem (CephFS through two ceph-fuse
# mounts with distinct client names, standing in for two machines).
#
#   scripts/ceph-dev.sh up        start everything (idempotent), print `export` lines
#   scripts/ceph-dev.sh env       print the `export` lines of a running cluster
#   scripts/ceph-dev.sh status    report each daemon and mount; exit 1 if anything is down
#   scripts/ceph-dev.sh down      unmount, stop every daemon by pid, remove the state dir
#   scripts/ceph-dev.sh rgw-stop  stop only the S3 gateway (tests of storage outages)
#   scripts/ceph-dev.sh rgw-start start it again and wait until it answers
#   scripts/ceph-dev.sh rgw2-start a second, private gateway on 127.0.0.1:7481 (same cluster, same
#                                  users and buckets) for tests that kill a gateway mid-request
#   scripts/ceph-dev.sh rgw2-kill  SIGKILL that second gateway (by pid), at once
#   scripts/ceph-dev.sh rgw2-stop  stop it (SIGTERM, SIGKILL after 5 s); the main gateway is untouched
#
# Use: eval "$(scripts/ceph-dev.sh up)". Progress goes to stderr, exports to stdout.
# Memstore keeps all data in RAM: nothing survives `down`, and the OSD is sized by
# MODELSHELF_CEPH_MEMSTORE_BYTES (default 3 GiB) for tests pushing 256 MB artifacts.
set -euo pipefail

DIR="${MODELSHELF_CEPH_DIR:-/tmp/modelshelf-ceph}"
MON_PORT="${MODELSHELF_CEPH_MON_PORT:-6789}"
RGW_PORT="${MODELSHELF_CEPH_RGW_PORT:-7480}"
RGW2_PORT="${MODELSHELF_CEPH_RGW2_PORT:-7481}"
MEMSTORE_BYTES="${MODELSHELF_CEPH_MEMSTORE_BYTES:-3221225472}"
CONF="$DIR/ceph.conf"
# Marks a directory as ours, so `down` never deletes a directory it did not create.
MARKER="$DIR/.modelshelf-ceph"

# Fixed test credentials: the cluster is local, throwaway and bound to 127.0.0.1.
RGW_UID="modelshelf-test"
ACCESS_KEY="MODELSHELFTESTKEY001"
SECRET_KEY="modelshelf-test-secret-key-0000000000000"
BUCKET="modelshelf-test"
FUSE_CLIENTS=(fuse-a fuse-b)

# Debian's awscli; the `aws` first on PATH may be another install (e.g. pyenv).
if [ -x /usr/bin/aws ]; then AWS=/usr/bin/aws; else AWS=aws; fi

log() { echo "ceph-dev [${SECONDS}s]: $*" >&2; }
trap 'log "failed: line $LINENO: $BASH_COMMAND (logs: $DIR/log)"' ERR

die() {
  log "error: $*"
  exit 1
}

ceph_cli() { ceph -c "$CONF" --connect-timeout 20 "$@"; }

mount_point() { echo "$DIR/mnt/${1#fuse-}"; }

pid_of() { cat "$DIR/run/$1.pid" 2>/dev/null || true; }

# A pid file may outlive its daemon (machine reused, daemon killed); only trust a pid
# whose command line names our ceph.conf, so a reused pid is never signalled.
is_ours() { [ -n "$1" ] && { tr '\0' ' ' <"/proc/$1/cmdline"; } 2>/dev/null | grep -qF -- "-c $CONF "; }

is_running() { is_ours "$(pid_of "$1")"; }

# /proc/mounts, unlike mountpoint(1), also lists a fuse mount whose daemon died.
is_mounted() { awk -v m="$1" '$2 == m { found = 1 } END { exit !found }' /proc/mounts; }

# wait_until SECONDS WHAT COMMAND... : polls COMMAND every 0.2 s.
wait_until() {
  local seconds="$1" what="$2"
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      die "timed out after ${seconds}s waiting for $what (logs: $DIR/log)"
    fi
    sleep 0.2
  done
}

rgw_answers() { curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$RGW_PORT/"; }

rgw2_answers() { curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$RGW2_PORT/"; }

mds_active() { ceph_cli mds stat | grep -q 'up:active'; }

# The monitor refuses to create a pool while no OSD is "in" (its PG limit is per OSD in), so pools
# are created only once the OSD has booted: `ceph osd stat` says "1 osds: 1 up (since …), 1 in (…)".
osd_up_and_in() { ceph_cli osd stat | grep -Eq '1 up.*1 in'; }

mount_works() { mountpoint -q "$1" && ls "$1" >/dev/null; }

# True when every daemon, both mounts and the gateway are alive.
healthy() {
  [ -f "$MARKER" ] || return 1
  local name
  for name in mon.a osd.0 mds.a client.rgw; do is_running "$name" || return 1; done
  for name in "${FUSE_CLIENTS[@]}"; do mount_works "$(mount_point "$name")" || return 1; done
  rgw_answers
}

# True when everything but the gateway runs: a test stopped it and did not restart it.
rgw_only_missing() {
  [ -f "$MARKER" ] && ! is_running client.rgw || return 1
  local name
  for name in mon.a osd.0 mds.a; do is_running "$name" || return 1; done
  for name in "${FUSE_CLIENTS[@]}"; do mount_works "$(mount_point "$name")" || return 1; done
}

print_env() {
  cat <<EOF
export MODELSHELF_TEST_S3_ENDPOINT=http://127.0.0.1:$RGW_PORT
export MODELSHELF_TEST_S3_BUCKET=$BUCKET
export AWS_ACCESS_KEY_ID=$ACCESS_KEY
export AWS_SECRET_ACCESS_KEY=$SECRET_KEY
export AWS_REGION=us-east-1
export MODELSHELF_TEST_CEPHFS_A=$(mount_point fuse-a)
export MODELSHELF_TEST_CEPHFS_B=$(mount_point fuse-b)
EOF
}

write_conf() {
  cat >"$CONF" <<EOF
[global]
fsid = $(cat /proc/sys/kernel/random/uuid)
mon host = 127.0.0.1:$MON_PORT
public addr = 127.0.0.1
auth cluster required = none
auth service required = none
auth client required = none
# One OSD in RAM: single replicas, few placement groups, no autoscaler (no mgr runs).
osd objectstore = memstore
memstore device bytes = $MEMSTORE_BYTES
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
mon allow pool delete = true
osd pool default pg autoscale mode = off
osd pool default pg num = 8
osd pool default pgp num = 8
osd crush chooseleaf type = 0
# Do not refuse to start on a nearly full /tmp.
mon data avail crit = 1
run dir = $DIR/run
pid file = $DIR/run/\$name.pid
log file = $DIR/log/\$name.log
mon data = $DIR/mon/\$id
osd data = $DIR/osd/\$id
mds data = $DIR/mds/\$id

[client.rgw]
# tcp_nodelay: without it every request on a reused connection waited ~40 ms (Nagle against the
# client's delayed ACK: 44 ms per GET measured, 1.5 ms on a fresh connection).
rgw frontends = beast endpoint=127.0.0.1:$RGW_PORT tcp_nodelay=1
rgw data = $DIR/rgw
# Free deleted objects' RAM within a minute instead of two hours.
rgw gc obj min wait = 60
rgw gc processor period = 60
EOF
}

start_rgw() {
  is_running client.rgw || radosgw -c "$CONF" -n client.rgw >>"$DIR/log/client.rgw.out" 2>&1
  wait_until 90 "RGW on 127.0.0.1:$RGW_PORT" rgw_answers
}

# The second gateway: same cluster and zone, its own name (pid file, log, admin socket) and port.
start_rgw2() {
  mkdir -p "$DIR/rgw2"
  is_running client.rgw2 || radosgw -c "$CONF" -n client.rgw2 \
    --rgw_frontends "beast endpoint=127.0.0.1:$RGW2_PORT tcp_nodelay=1" --rgw_data "$DIR/rgw2" \
    >>"$DIR/log/client.rgw2.out" 2>&1
  wait_until 90 "second RGW on 127.0.0.1:$RGW2_PORT" rgw2_answers
}

# stop_daemons NAME... : SIGTERM to all at once, SIGKILL whatever still runs after
# 5 s. State is throwaway (memstore), so a quick stop beats a graceful one; the
# MDS in particular tends to ignore SIGTERM for 10 s.
stop_daemons() {
  local name pid pids=()
  for name in "$@"; do
    pid="$(pid_of "$name")"
    if is_ours "$pid"; then
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
    rm -f "$DIR/run/$name.pid"
  done
  local tries=0 alive
  while [ "$tries" -lt 25 ]; do
    alive=()
    for pid in "${pids[@]}"; do is_ours "$pid" && alive+=("$pid"); done
    [ "${#alive[@]}" -eq 0 ] && return 0
    sleep 0.2
    tries=$((tries + 1))
  done
  log "sending SIGKILL to pids ${alive[*]} (still running 5 s after SIGTERM)"
  kill -KILL "${alive[@]}" 2>/dev/null || true
}

mount_fuse() {
  local client="$1" mnt
  mnt="$(mount_point "$client")"
  mkdir -p "$mnt"
  is_mounted "$mnt" || ceph-fuse -c "$CONF" -n "client.$client" "$mnt" >>"$DIR/log/client.$client.out" 2>&1
  wait_until 60 "ceph-fuse mount $mnt" mount_works "$mnt"
}

cmd_up() {
  if healthy; then
    log "already up ($DIR)"
    print_env
    return
  fi
  if rgw_only_missing; then
    log "only rgw is down (rgw-stop?); restarting it"
    start_rgw
    print_env
    return
  fi
  if [ -e "$DIR" ]; then
    log "found a partial cluster in $DIR; tearing it down first"
    cmd_down
  fi
  for cmd in ceph ceph-mon ceph-osd ceph-mds radosgw radosgw-admin ceph-fuse monmaptool curl; do
    command -v "$cmd" >/dev/null || die "$cmd not found; run scripts/install-deps.sh"
  done
  # A daemon that fails during start-up (seen once: an OSD refused with "wrong fsid" right after a
  # previous cluster was stopped) fails the attempt; tear down and start again from nothing.
  local attempt
  for attempt in 1 2 3; do
    if (bring_up); then
      print_env
      return
    fi
    log "start-up attempt $attempt failed; last daemon output:"
    tail -n 3 "$DIR"/log/*.out >&2 2>/dev/null || true
    cmd_down
    sleep 3
  done
  die "the cluster did not start in 3 attempts"
}

# mon_port_free: nothing (for example a previous cluster's monitor) still listens on the mon port.
mon_port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$MON_PORT") 2>/dev/null; }

# bring_up: one attempt at a cluster from nothing (runs in a subshell: `die` ends only the attempt).
bring_up() {
  wait_until 30 "port $MON_PORT to be free" mon_port_free
  mkdir -p "$DIR"/{run,log,mon/a,osd/0,mds/a,rgw,mnt}
  touch "$MARKER"
  write_conf

  log "starting mon on 127.0.0.1:$MON_PORT"
  monmaptool --create --clobber --fsid "$(sed -n 's/^fsid = //p' "$CONF")" \
    --add a "127.0.0.1:$MON_PORT" "$DIR/monmap" >/dev/null
  ceph-mon -c "$CONF" --mkfs -i a --monmap "$DIR/monmap" >>"$DIR/log/mkfs.out" 2>&1
  ceph-mon -c "$CONF" -i a >>"$DIR/log/mon.a.out" 2>&1
  wait_until 30 "mon quorum" ceph_cli mon stat

  log "starting memstore OSD ($MEMSTORE_BYTES bytes)"
  local osd_id
  osd_id="$(ceph_cli osd create)"
  [ "$osd_id" = 0 ] || die "expected OSD id 0, got '$osd_id'"
  ceph-osd -c "$CONF" -i 0 --mkfs >>"$DIR/log/mkfs.out" 2>&1
  ceph-osd -c "$CONF" -i 0 >>"$DIR/log/osd.0.out" 2>&1

  log "creating CephFS, starting mds and rgw"
  wait_until 60 "the OSD to be up and in" osd_up_and_in
  local pool
  for pool in cephfs_data cephfs_metadata; do
    ceph_cli osd pool create "$pool" 8 >>"$DIR/log/setup.out" 2>&1 || die "could not create pool $pool (see $DIR/log/setup.out)"
  done
  ceph_cli fs new cephfs cephfs_metadata cephfs_data >>"$DIR/log/setup.out" 2>&1 ||
    die "could not create the CephFS (see $DIR/log/setup.out)"
  ceph-mds -c "$CONF" -i a >>"$DIR/log/mds.a.out" 2>&1
  # RGW spends ~10 s creating its pools; mount CephFS meanwhile.
  radosgw -c "$CONF" -n client.rgw >>"$DIR/log/client.rgw.out" 2>&1

  log "mounting CephFS twice (clients ${FUSE_CLIENTS[*]})"
  # ceph-fuse fails at once ("probably no MDS server is up?") before an MDS is active.
  wait_until 60 "an active MDS" mds_active
  local client
  for client in "${FUSE_CLIENTS[@]}"; do mount_fuse "$client"; done

  log "waiting for rgw, then creating S3 user and bucket $BUCKET"
  start_rgw
  radosgw-admin -c "$CONF" user create --uid="$RGW_UID" --display-name="modelshelf tests" \
    --access-key="$ACCESS_KEY" --secret-key="$SECRET_KEY" >/dev/null
  AWS_ACCESS_KEY_ID="$ACCESS_KEY" AWS_SECRET_ACCESS_KEY="$SECRET_KEY" AWS_REGION=us-east-1 \
    "$AWS" --endpoint-url "http://127.0.0.1:$RGW_PORT" s3api create-bucket --bucket "$BUCKET" >/dev/null

  healthy || die "cluster started but is not healthy; see scripts/ceph-dev.sh status"
  log "up ($DIR)"
}

cmd_down() {
  if [ ! -e "$DIR" ]; then
    log "nothing to stop ($DIR does not exist)"
    return
  fi
  [ -f "$MARKER" ] || die "$DIR was not created by this script (no $MARKER); remove it yourself"
  local client mnt name
  for client in "${FUSE_CLIENTS[@]}"; do
    mnt="$(mount_point "$client")"
    if is_mounted "$mnt"; then
      fusermount -u "$mnt" 2>/dev/null || umount -l "$mnt" 2>/dev/null || log "could not unmount $mnt"
    fi
  done
  stop_daemons "${FUSE_CLIENTS[@]/#/client.}" client.rgw2 client.rgw mds.a osd.0 mon.a
  for client in "${FUSE_CLIENTS[@]}"; do
    mnt="$(mount_point "$client")"
    if is_mounted "$mnt"; then die "$mnt is still mounted; not removing $DIR"; fi
  done
  rm -rf --one-file-system "$DIR"
  log "down ($DIR removed)"
}

cmd_status() {
  local ok=0 name mnt
  for name in mon.a osd.0 mds.a client.rgw "${FUSE_CLIENTS[@]/#/client.}"; do
    if is_running "$name"; then
      echo "$name: running (pid $(pid_of "$name"))"
    else
      echo "$name: stopped"
      ok=1
    fi
  done
  for name in "${FUSE_CLIENTS[@]}"; do
    mnt="$(mount_point "$name")"
    if mount_works "$mnt" 2>/dev/null; then echo "mount $mnt: ok"; else
      echo "mount $mnt: missing"
      ok=1
    fi
  done
  if rgw_answers; then echo "s3 http://127.0.0.1:$RGW_PORT: answers"; else
    echo "s3 http://127.0.0.1:$RGW_PORT: no answer"
    ok=1
  fi
  return "$ok"
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  env)
    healthy || die "no healthy cluster in $DIR; run: scripts/ceph-dev.sh up"
    print_env
    ;;
  status) cmd_status ;;
  rgw-stop)
    [ -f "$MARKER" ] || die "no cluster in $DIR"
    stop_daemons client.rgw
    log "rgw stopped"
    ;;
  rgw-start)
    [ -f "$MARKER" ] || die "no cluster in $DIR; run: scripts/ceph-dev.sh up"
    start_rgw
    log "rgw answering on 127.0.0.1:$RGW_PORT"
    ;;
  rgw2-start)
    healthy || die "no healthy cluster in $DIR; run: scripts/ceph-dev.sh up"
    start_rgw2
    log "second rgw answering on 127.0.0.1:$RGW2_PORT"
    echo "export MODELSHELF_TEST_S3_ENDPOINT2=http://127.0.0.1:$RGW2_PORT"
    ;;
  rgw2-kill)
    [ -f "$MARKER" ] || die "no cluster in $DIR"
    pid="$(pid_of client.rgw2)"
    if is_ours "$pid"; then
      kill -KILL "$pid"
      while is_ours "$pid"; do sleep 0.05; done
    fi
    rm -f "$DIR/run/client.rgw2.pid"
    log "second rgw killed"
    ;;
  rgw2-stop)
    [ -f "$MARKER" ] || die "no cluster in $DIR"
    stop_daemons client.rgw2
    log "second rgw stopped"
    ;;
  *)
    echo "usage: $0 up|down|env|status|rgw-stop|rgw-start|rgw2-start|rgw2-kill|rgw2-stop" >&2
    exit 2
    ;;
esac
