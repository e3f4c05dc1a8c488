#!/usr/bin/env bash
# `npm start`: installs what is missing, brings the stack up (Kafka, schema registry,
# PostgreSQL and Redis checked, database migrated), then runs the four services in the
# foreground; one failing stops all. Ctrl-C stops the services; `npm run stack:down` stops
# Kafka and the registry.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash infra/install.sh
bash infra/stack.sh up
# shellcheck source=infra/dev-auth.sh
source infra/dev-auth.sh

export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:${KAFKA_PORT:-9092}}"
export SCHEMA_REGISTRY_URL="${SCHEMA_REGISTRY_URL:-http://127.0.0.1:${SCHEMA_REGISTRY_PORT:-8081}/apis/ccompat/v7}"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/playhead}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"

ingest="http://${INGEST_HOST:-127.0.0.1}:${INGEST_PORT:-3000}"
resume="http://${RESUME_HOST:-127.0.0.1}:${RESUME_PORT:-3001}"
token=""
if [[ -n ${AUTH_HS256_SECRET:-} ]]; then
  token=$(node --import tsx infra/dev-token.ts demo-account 24)
fi

cat <<MSG

Playhead is starting:
  ingest API    $ingest        (POST /playback/update, /playback/batch)
  resume API    $resume        (GET /playback/resume, /playback/continue-watching)
  checkpointer  http://127.0.0.1:3002/metrics
  projector     http://127.0.0.1:3003/metrics
  OpenAPI       $ingest/openapi.json

A development token for account "demo-account" (24 h; \`npm run token -- <account>\` makes others):
  export TOKEN=$token

MSG

# One service failing stops the others, so a crash is never missed in the scroll; in
# production each service runs under its own supervisor (systemd, Kubernetes).
exec npx concurrently --kill-others-on-fail --names ingest,checkpointer,projector,resume \
  --prefix-colors blue,magenta,yellow,green --kill-signal SIGTERM \
  "npm start --silent -w @playhead/ingest-api" \
  "npm start --silent -w @playhead/checkpointer" \
  "npm start --silent -w @playhead/projector" \
  "npm start --silent -w @playhead/resume-api"
