#!/usr/bin/env bash
# Runs every test tier against the local stack; `npm test` calls it.
#
#   1. installs node modules when they are missing or older than package-lock.json;
#   2. brings the stack up when part of it is down (infra/stack.sh up);
#   3. typechecks and lints, then runs test:unit, test:int, test:e2e and test:fault, stopping
#      at the first that fails;
#   4. stops the Kafka/registry processes it started itself, unless KEEP_STACK=1.
#
# The exit code is the failing tier's (0 when all pass).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

STACK=infra/stack.sh

# The resume stories are the shared specification's, beside the repository by default.
shared_dir=${PLAYHEAD_SHARED_DIR:-$(cd .. && pwd)/shared}
if [[ ! -f $shared_dir/cases/resume-cases.json ]]; then
  echo "test: the shared resume stories are not at $shared_dir/cases/resume-cases.json;" >&2
  echo "      set PLAYHEAD_SHARED_DIR to the folder that holds cases/" >&2
  exit 2
fi
export PLAYHEAD_SHARED_DIR=$shared_dir

bash infra/install.sh

# Only what this run starts is stopped at the end: a stack someone already had running
# (other engineers, a dev loop) is left as it was.
started=()
for component in kafka registry; do
  if ! bash "$STACK" status "$component" >/dev/null 2>&1; then
    started+=("$component")
  fi
done

stop_what_we_started() {
  local status=$?
  if ((${#started[@]} > 0)); then
    if [[ ${KEEP_STACK:-0} == 1 ]]; then
      echo "test: KEEP_STACK=1, leaving ${started[*]} running (npm run stack:down stops it)"
    else
      bash "$STACK" down "${started[@]}" || true
    fi
  fi
  exit "$status"
}
trap stop_what_we_started EXIT
trap 'exit 130' INT TERM

# Up even when Kafka and the registry run: it also checks PostgreSQL and Redis, creates the
# database if needed and applies migrations, all of which the tests rely on.
bash "$STACK" up

# The tests read these; derived from the same variables the stack was started with.
export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:${KAFKA_PORT:-9092}}"
export SCHEMA_REGISTRY_URL="${SCHEMA_REGISTRY_URL:-http://127.0.0.1:${SCHEMA_REGISTRY_PORT:-8081}/apis/ccompat/v7}"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/playhead}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"

# A tier that hangs (a leaked connection keeping mocha alive) fails instead of stalling CI.
TIER_TIMEOUT=${TIER_TIMEOUT:-1500}

echo "test: typecheck and lint"
npm run --silent typecheck
npm run --silent lint

for tier in unit int e2e fault; do
  echo "test: running test:$tier"
  status=0
  timeout --kill-after=30 "$TIER_TIMEOUT" npm run "test:$tier" || status=$?
  if ((status == 124)); then
    echo "test: test:$tier did not finish within ${TIER_TIMEOUT}s" >&2
  fi
  if ((status != 0)); then
    echo "test: test:$tier failed (exit $status)" >&2
    exit "$status"
  fi
done
echo "test: all tiers passed"
