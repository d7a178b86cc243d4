#!/usr/bin/env bash
# Installs every Debian package the test suite needs (real Ceph S3 + CephFS,
# Prometheus, independent model-format readers). Idempotent and fast when all
# packages are already present: apt is only touched for missing ones.
set -euo pipefail

PACKAGES=(
  # Single-node Ceph: mon, memstore OSD, RADOS Gateway (S3), MDS + ceph-fuse (CephFS).
  ceph-common ceph-mon ceph-osd radosgw ceph-mds ceph-fuse
  # fusermount for unmounting ceph-fuse (only "recommended" by ceph-fuse).
  fuse
  # prometheus server + promtool (loads Kepler fixture data offline).
  prometheus
  # aws CLI for bucket setup and smoke checks against RGW.
  awscli
  # Debian's /usr/bin/python3 with numpy/sklearn/h5py: reference computations.
  python3-numpy python3-sklearn python3-h5py
  # libfaketime: a writer process whose clock runs ahead (the clock-skew CAS tests).
  faketime
  # Debian's xgboost: the independent reference for kepler-model-db's XgboostFitTrainer archives.
  python3-xgboost
  # Arm NN TfLite parser + CpuRef backend: independent .tflite reader.
  python3-pyarmnn libarmnn-cpuref-backend22 libarmnntfliteparser22 python3-flatbuffers
  # hyperfine: the CLI start-up benchmark (bench/cli-startup.bench.ts).
  hyperfine
  # Headless browser: the HTML reports are loaded, drawn and screenshotted in a real Chromium.
  chromium
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$pkg")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing ${missing[*]} and not root; run: sudo $0" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Wait for a concurrent apt/dpkg run instead of failing on its lock.
apt-get -o DPkg::Lock::Timeout=600 update -qq
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
