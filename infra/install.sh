#!/usr/bin/env bash
# Installs node modules when they are missing or older than package-lock.json. npm writes
# node_modules/.package-lock.json on every install, so its age is the install's.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [[ ! -d node_modules ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "install: node modules missing or older than package-lock.json; running npm ci"
  npm ci --no-audit --no-fund
fi
