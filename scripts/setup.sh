#!/usr/bin/env bash
# Installs what NT Internals Lab needs on a fresh Debian machine with Node 20+, only what is missing:
# the Debian packages for the real-VS-Code harness (chromium: the browser the e2e tests drive;
# fonts-noto-cjk: Chinese notes in screenshots; libkrb5-dev: headers for code-server's native
# `kerberos` module), then the npm dependencies (npm ci). Node 24 and code-server themselves come
# from npm into ~/.cache/nt-internals-lab on first use (NTLAB_CACHE_DIR moves it).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(chromium fonts-noto-cjk libkrb5-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "==> apt-get install ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "==> system packages present: ${packages[*]}"
fi

echo "==> node $(node --version), npm $(npm --version): npm ci"
npm ci --no-audit --no-fund
