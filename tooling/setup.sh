#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine with Node 20 (as root, or with sudo) to
# build and test mobilenet-kit, then builds it. Safe to run again: each step
# skips what is already in place. Needs no terminal (works with CI=true and
# no stdin).
set -euo pipefail

PNPM_VERSION=10.34.9
# Debian packages the tests need (test data, a browser). Later issues add to
# this list, e.g. chromium (WebGL tests), dataset-fashion-mnist (training),
# libimage-exiftool-perl (an independent EXIF GPS writer for the geo tests).
APT_PACKAGES=(dataset-fashion-mnist chromium libimage-exiftool-perl)

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
log() { printf '\n== setup: %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Node 20 or newer (FACTS.md: the pinned toolchain works on Node 20).
if ! command -v node >/dev/null 2>&1; then
  echo "setup: node is not installed; install Node.js 20 first" >&2
  exit 1
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 20 ]; then
  echo "setup: Node.js $(node -v) is too old; mobilenet-kit needs Node.js 20 or newer" >&2
  exit 1
fi

# apt packages: only the missing ones, and apt-get update only when some are missing.
missing=()
for pkg in "${APT_PACKAGES[@]+"${APT_PACKAGES[@]}"}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # apt's page of progress goes to a log; it is printed only when apt fails.
  apt_log="$(mktemp -t mobilenet-kit-apt.XXXXXX)"
  if ! { as_root apt-get update && as_root apt-get install -y --no-install-recommends "${missing[@]}"; } >"$apt_log" 2>&1; then
    cat "$apt_log" >&2
    echo "setup: apt-get install ${missing[*]} failed (log above, also in $apt_log)" >&2
    exit 1
  fi
  rm -f "$apt_log"
fi

# pnpm, pinned. Installed with npm: `corepack enable` needs extra settings here (FACTS.md).
if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  log "npm install -g pnpm@$PNPM_VERSION"
  as_root npm install -g --no-audit --no-fund "pnpm@$PNPM_VERSION"
  hash -r
  if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
    echo "setup: pnpm $PNPM_VERSION was installed but 'pnpm --version' on PATH says '$(pnpm --version 2>&1 || true)' ($(command -v pnpm || echo 'not found'))" >&2
    exit 1
  fi
fi

log "pnpm install --frozen-lockfile"
# confirmModulesPurge=false: never ask (there may be no terminal) before recreating node_modules.
# --reporter=silent: pnpm prints only fatal errors (this script logs its own steps); dependencies' build
# scripts are declared in pnpm-workspace.yaml (onlyBuiltDependencies / ignoredBuiltDependencies).
pnpm install --frozen-lockfile --reporter=silent --config.confirmModulesPurge=false </dev/null

log "test photographs (skimage astronaut.png, chelsea.png from the Debian package)"
bash tooling/fixtures/fetch-skimage.sh </dev/null
log "face photos (face-api demo, skimage, opencv-doc; the face distillation's data)"
bash tooling/fixtures/fetch-face-photos.sh </dev/null

log "pnpm build"
# Only failing packages' logs: a build that works needs no page of tsup output.
pnpm exec turbo run build --output-logs=errors-only </dev/null

log "done: run 'pnpm test' (or 'pnpm demo')"
