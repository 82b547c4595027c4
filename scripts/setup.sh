#!/usr/bin/env bash
# Installs what shipcheck needs on a fresh machine: npm packages (never a browser download),
# Debian's chromium when no browser is present, and PostgreSQL 15 client tools for the drills.
# System packages are installed only when we are root with apt-get; otherwise we say what to run.
set -euo pipefail
cd "$(dirname "$0")/.."
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

missing=()
[ -n "${CHROMIUM_PATH:-}" ] || command -v chromium >/dev/null 2>&1 || command -v google-chrome >/dev/null 2>&1 || missing+=(chromium)
command -v pg_dump >/dev/null 2>&1 || missing+=(postgresql-client-15)
[ -x /usr/lib/postgresql/15/bin/pg_verifybackup ] || missing+=(postgresql-client-15)
if [ "${#missing[@]}" -gt 0 ]; then
  pkgs=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing $pkgs from Debian's packages"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $pkgs >/dev/null
  else
    echo "setup: missing $pkgs; install them (Debian: sudo apt-get install $pkgs) or set CHROMIUM_PATH" >&2
  fi
fi

if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
echo "setup: done"
