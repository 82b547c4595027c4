#!/usr/bin/env bash
# Installs what shipcheck needs on a fresh machine: npm packages (never a browser download),
# Debian's chromium when no browser is present, PostgreSQL 15 client tools for the drills, and
# Prometheus (its server and promtool) for the alert-rule tests and the remote-write output.
# System packages are installed only when we are root with apt-get; otherwise we say what to run.
set -euo pipefail
cd "$(dirname "$0")/.."
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

missing=()
[ -n "${CHROMIUM_PATH:-}" ] || command -v chromium >/dev/null 2>&1 || command -v google-chrome >/dev/null 2>&1 || missing+=(chromium)
command -v pg_dump >/dev/null 2>&1 || missing+=(postgresql-client-15)
[ -x /usr/lib/postgresql/15/bin/pg_verifybackup ] || missing+=(postgresql-client-15)
{ command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; } || missing+=(prometheus)
if [ "${#missing[@]}" -gt 0 ]; then
  pkgs=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing $pkgs from Debian's packages"
    apt-get update -qq >/dev/null
    # Packages install only their files: no daemon (Debian's prometheus would start one on :9090).
    guard=/usr/sbin/policy-rc.d; added_guard=
    if [ ! -e "$guard" ]; then printf '#!/bin/sh\nexit 101\n' > "$guard"; chmod +x "$guard"; added_guard=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $pkgs >/dev/null
    [ -n "$added_guard" ] && rm -f "$guard"
  else
    echo "setup: missing $pkgs; install them (Debian: sudo apt-get install $pkgs) or set CHROMIUM_PATH" >&2
  fi
fi

if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
echo "setup: done"
