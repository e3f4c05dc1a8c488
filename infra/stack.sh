#!/usr/bin/env bash
# Starts, checks and stops what Playhead's services need, on a machine without Docker:
# Kafka (KRaft, one combined broker and controller) and Apicurio Registry run here as Java
# processes; PostgreSQL and Redis are expected to run already and are only checked.
#
#   infra/stack.sh up                  start what is not running, wait until it answers
#   infra/stack.sh status [component]  one line per component; exit 1 when one is down
#   infra/stack.sh down [component]    stop Kafka and the registry (never PostgreSQL/Redis)
#   infra/stack.sh reset               down, then delete Kafka's data
#
# Components: kafka, registry (status also knows postgres and redis).
# Variables and file locations are described in infra/README.md.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STACK_DIR="$ROOT/.stack"
CACHE_DIR="${PLAYHEAD_CACHE:-$HOME/.cache/playhead}"
KAFKA_POM="$ROOT/infra/kafka/pom.xml"

KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
SCHEMA_REGISTRY_PORT="${SCHEMA_REGISTRY_PORT:-8081}"
SCHEMA_REGISTRY_MGMT_PORT="${SCHEMA_REGISTRY_MGMT_PORT:-9081}"
DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/playhead}"
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
STACK_TIMEOUT="${STACK_TIMEOUT:-120}" # seconds to wait for each Java service

# The Kafka version is the pom's, so the pom stays the one place it is pinned.
KAFKA_VERSION=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$KAFKA_POM")
# 3.0.x is the last line that runs on Java 17 (3.2+ needs 21).
APICURIO_VERSION=3.0.9
REGISTRY_JAR="apicurio-registry-app-$APICURIO_VERSION-runner.jar"

KAFKA_ADDR="127.0.0.1:$KAFKA_PORT"
REGISTRY_BASE="http://127.0.0.1:$SCHEMA_REGISTRY_PORT"
REGISTRY_API="$REGISTRY_BASE/apis/ccompat/v7"

# ---------------------------------------------------------------------------------------
# Output

say() { printf 'stack: %s\n' "$*"; }
warn() { printf 'stack: %s\n' "$*" >&2; }
die() {
  printf 'stack: error: %s\n' "$*" >&2
  exit 1
}

# Prints the last lines of a log file, indented, for error messages.
tail_of() {
  local file=$1
  [[ -s $file ]] || {
    echo "    ($file is empty)"
    return
  }
  tail -n "${2:-25}" "$file" | sed 's/^/    /'
}

# A URL with its password masked, for messages.
redact() { sed -E 's#(//[^:/@]+:)[^@]*@#\1***@#' <<<"$1"; }

now_ms() { date +%s%3N; }
elapsed() { awk -v a="$1" -v b="$(now_ms)" 'BEGIN { printf "%.1fs", (b - a) / 1000 }'; }

# ---------------------------------------------------------------------------------------
# Processes of the stack
#
# Each Java process carries two marker properties on its command line: the component and
# this checkout's .stack folder. A pid counts as ours only when both match, so a reused pid
# or a second checkout's stack is never taken for this one, and a process whose pid file
# was lost can still be found (and stopped) without matching anything broader.

pid_file() { echo "$STACK_DIR/$1.pid"; }
marker() { echo "-Dplayhead.component=$1"; }
stack_marker() { echo "-Dplayhead.stack=$STACK_DIR"; }

is_ours() {
  local pid=$1 component=$2 args
  [[ -r /proc/$pid/cmdline ]] || return 1
  args=$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  grep -qxF -- "$(marker "$component")" <<<"$args" &&
    grep -qxF -- "$(stack_marker)" <<<"$args"
}

# Prints the pid of the component's running process, or fails. Re-adopts a process whose
# pid file is missing or stale.
running_pid() {
  local component=$1 file pid proc
  file=$(pid_file "$component")
  if [[ -f $file ]]; then
    pid=$(<"$file")
    if [[ $pid =~ ^[0-9]+$ ]] && is_ours "$pid" "$component"; then
      echo "$pid"
      return 0
    fi
  fi
  # One grep over all command lines finds the candidates; is_ours confirms each.
  for proc in $(grep -lsaF -- "$(stack_marker)" /proc/[0-9]*/cmdline); do
    pid=${proc#/proc/}
    pid=${pid%/cmdline}
    if is_ours "$pid" "$component"; then
      mkdir -p "$STACK_DIR"
      echo "$pid" >"$file"
      echo "$pid"
      return 0
    fi
  done
  rm -f "$file"
  return 1
}

# Who listens on a TCP port of 127.0.0.1, as "pid/name" when ss can tell, else "a process".
port_owner() {
  local line
  line=$(ss -Hltnp "sport = :$1" 2>/dev/null | head -n 1) || true
  [[ -n $line ]] || return 1
  if [[ $line =~ \"([^\"]+)\",pid=([0-9]+) ]]; then
    echo "pid ${BASH_REMATCH[2]} (${BASH_REMATCH[1]})"
  else
    echo "a process"
  fi
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

require_free_port() {
  local port=$1 variable=$2 what=$3 owner
  if owner=$(port_owner "$port"); then
    die "port $port ($what) is already taken by $owner." \
      "Stop that process, or choose another port with $variable=<port>."
  fi
}

# Starts a command detached from this shell, with its own session, so that it outlives
# `npm test` and a Ctrl-C in the terminal that started it. The pid file is written by the
# process itself just before exec, so it holds the java pid and nothing else.
spawn() {
  local component=$1 log=$2
  shift 2
  rm -f "$(pid_file "$component")"
  printf '\n=== %s: %s started by infra/stack.sh\n' "$(date -Is)" "$component" >>"$log"
  # shellcheck disable=SC2016 # $$ and $@ belong to the inner bash
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$(pid_file "$component")" "$@" \
    >>"$log" 2>&1 </dev/null &

  for _ in $(seq 50); do
    [[ -s $(pid_file "$component") ]] && return 0
    sleep 0.1
  done
  die "could not start $component (no pid file after 5 s); see $log"
}

# Sends SIGTERM to the running components, waits for them, and SIGKILLs what is left.
stop_components() {
  local component pid deadline
  local -A pids=()
  for component in "$@"; do
    if pid=$(running_pid "$component"); then
      say "$component: stopping (pid $pid)"
      kill -TERM "$pid" 2>/dev/null || true
      pids[$component]=$pid
    else
      say "$component: not running"
    fi
  done

  # Kafka's controlled shutdown of a single node takes a few seconds; 30 s is generous.
  deadline=$((SECONDS + 30))
  while ((${#pids[@]} > 0 && SECONDS < deadline)); do
    for component in "${!pids[@]}"; do
      is_ours "${pids[$component]}" "$component" || {
        say "$component: stopped"
        unset "pids[$component]"
        rm -f "$(pid_file "$component")"
      }
    done
    ((${#pids[@]} == 0)) || sleep 0.2
  done

  for component in "${!pids[@]}"; do
    warn "$component: still running after 30 s, sending SIGKILL to pid ${pids[$component]}"
    kill -KILL "${pids[$component]}" 2>/dev/null || true
    while is_ours "${pids[$component]}" "$component"; do sleep 0.1; done
    rm -f "$(pid_file "$component")"
  done
}

# ---------------------------------------------------------------------------------------
# Java and the cached artifacts

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

require_java() {
  command -v "$JAVA" >/dev/null ||
    die "no java found ($JAVA). Install a JDK 17 or newer (apt-get install openjdk-17-jre-headless)" \
      "or point JAVA_HOME at one."
  local version
  version=$("$JAVA" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java.specification.version = //p')
  [[ $version =~ ^[0-9]+$ ]] && ((version >= 17)) ||
    die "$JAVA is Java ${version:-of unknown version}; Kafka $KAFKA_VERSION and Apicurio" \
      "$APICURIO_VERSION need Java 17 or newer. Set JAVA_HOME to a JDK 17+" \
      "(e.g. JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64)."
}

# Runs mvn quietly into a log, and on failure names what failed and shows why.
mvn_into_log() {
  local what=$1 log="$STACK_DIR/mvn.log"
  shift
  command -v mvn >/dev/null ||
    die "$what must be downloaded, but mvn is not installed (apt-get install maven)."
  DOWNLOADED=1
  say "downloading $what through Maven (first start only; cached in $CACHE_DIR)"
  if ! mvn -B -q -Dstyle.color=never "$@" >"$log" 2>&1; then
    warn "mvn failed to download $what. Last lines of $log:"
    tail_of "$log" >&2
    die "check that Maven Central is reachable (or ~/.m2/settings.xml's mirror), then rerun."
  fi
}

# Sets KAFKA_JARS to the folder of Kafka's jars, resolving them through Maven on the first
# start. The key holds the pom's hash as well as the version, so an edited pom re-resolves.
resolve_kafka() {
  local key dir
  key="kafka-$KAFKA_VERSION-$(sha1sum "$KAFKA_POM" | cut -c1-8)"
  dir="$CACHE_DIR/$key"
  if [[ ! -f $dir/.complete ]]; then
    # Resolved into a scratch folder and renamed, so an interrupted run leaves no half cache.
    rm -rf "$dir.partial"
    mvn_into_log "Kafka $KAFKA_VERSION" -f "$KAFKA_POM" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$dir.partial"
    rm -rf "$dir" && mv "$dir.partial" "$dir" && touch "$dir/.complete"
  fi
  KAFKA_JARS=$dir
}

# Sets REGISTRY_HOME to the unpacked Apicurio Registry, downloading it on the first start.
resolve_registry() {
  local dir="$CACHE_DIR/apicurio-registry-$APICURIO_VERSION"
  if [[ ! -f $dir/.complete ]]; then
    rm -rf "$dir.partial"
    mkdir -p "$dir.partial"
    mvn_into_log "Apicurio Registry $APICURIO_VERSION" -f "$KAFKA_POM" dependency:copy \
      -Dartifact="io.apicurio:apicurio-registry-app:$APICURIO_VERSION:tar.gz:all" \
      -DoutputDirectory="$dir.partial"
    # The archive has no top folder: the runner jar and lib/ land directly in the target.
    tar -xzf "$dir.partial"/*.tar.gz -C "$dir.partial"
    rm -f "$dir.partial"/*.tar.gz
    [[ -f $dir.partial/$REGISTRY_JAR ]] ||
      die "the Apicurio archive holds no $REGISTRY_JAR; its layout changed. See $dir.partial"
    rm -rf "$dir" && mv "$dir.partial" "$dir" && touch "$dir/.complete"
  fi
  REGISTRY_HOME=$dir
}

# ---------------------------------------------------------------------------------------
# Kafka

KAFKA_HOME="$STACK_DIR/kafka"
KAFKA_LOG="$KAFKA_HOME/server.log"
KAFKA_OUT="$KAFKA_HOME/stdout.log"

write_kafka_config() {
  cat >"$KAFKA_HOME/server.properties" <<EOF
# Written by infra/stack.sh on each start; edit the script, not this file.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$KAFKA_HOME/data

# One node: every internal topic has one replica.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
default.replication.factor=1
min.insync.replicas=1

# Groups start as soon as their first member joins (tests join and leave often).
group.initial.rebalance.delay.ms=0
# Topics come from configuration (packages/events ensureTopics), never from a typo.
auto.create.topics.enable=false
EOF

  cat >"$KAFKA_HOME/log4j2.properties" <<EOF
# Written by infra/stack.sh on each start. Everything goes to one rolling file.
name = playhead-kafka
appender.file.type = RollingFile
appender.file.name = file
appender.file.fileName = $KAFKA_LOG
appender.file.filePattern = $KAFKA_LOG.%i
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
appender.file.policies.type = Policies
appender.file.policies.size.type = SizeBasedTriggeringPolicy
appender.file.policies.size.size = 20MB
appender.file.strategy.type = DefaultRolloverStrategy
appender.file.strategy.max = 3
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = file
EOF
}

# The JVM and its options, shared by the storage tool and the broker.
kafka_java() {
  KAFKA_JAVA=("$JAVA" -cp "$KAFKA_JARS/*" -Xms256m -Xmx512m -XX:+UseG1GC
    -Djava.awt.headless=true -Dlog4j2.configurationFile="$KAFKA_HOME/log4j2.properties")
}

start_kafka() {
  mkdir -p "$KAFKA_HOME"
  write_kafka_config
  # A stable path to the jars, for tools and tests that need kafka-clients (murmur2).
  ln -sfn "$KAFKA_JARS" "$KAFKA_HOME/lib"
  kafka_java

  # Storage is formatted once; later starts reuse the data (and its cluster id).
  if [[ ! -f $KAFKA_HOME/data/meta.properties ]]; then
    local cluster_id
    cluster_id=$("${KAFKA_JAVA[@]}" kafka.tools.StorageTool random-uuid 2>>"$KAFKA_OUT") ||
      die "kafka.tools.StorageTool random-uuid failed; see $KAFKA_OUT"
    "${KAFKA_JAVA[@]}" kafka.tools.StorageTool format -t "$cluster_id" \
      -c "$KAFKA_HOME/server.properties" >>"$KAFKA_OUT" 2>&1 || {
      warn "formatting Kafka's storage failed. Last lines of $KAFKA_OUT:"
      tail_of "$KAFKA_OUT" >&2
      exit 1
    }
    say "kafka: formatted storage in $KAFKA_HOME/data (cluster $cluster_id)"
  fi

  # Recorded before the spawn, so a failure from here on stops it.
  STARTED+=(kafka)
  spawn kafka "$KAFKA_OUT" "${KAFKA_JAVA[@]}" "$(marker kafka)" "$(stack_marker)" \
    kafka.Kafka "$KAFKA_HOME/server.properties"
  say "kafka: starting (pid $(<"$(pid_file kafka)"), log $KAFKA_LOG)"
}

# Ready when the broker answers a metadata request. That takes kafkajs from node_modules;
# without it, the broker's own "started" log line and its open port stand in.
kafka_ready() {
  port_open "$KAFKA_PORT" || return 1
  if [[ -d $ROOT/node_modules/kafkajs ]]; then
    KAFKA_BROKERS="$KAFKA_ADDR" node "$ROOT/infra/kafka/ready.mjs" >/dev/null 2>&1
  else
    grep -q 'Kafka Server started' "$KAFKA_LOG" 2>/dev/null
  fi
}

# ---------------------------------------------------------------------------------------
# Apicurio Registry

REGISTRY_DIR="$STACK_DIR/registry"
REGISTRY_LOG="$REGISTRY_DIR/registry.log"

start_registry() {
  mkdir -p "$REGISTRY_DIR"
  # Property names checked against 3.0.9's own application.properties:
  # - apicurio.rules.global.* are the default global rules (enforced on every subject
  #   without a rule of its own); see the note on ccompat below, in registry_ready.
  # - storage is SQL on an in-memory H2 database: schemas live as long as the process.
  # - apicurio.datasource.jdbc.* default to a pool of 20..100 connections; 2..10 is plenty.
  # - 3.0.9 is built without Quarkus' separate management interface, so /health is served
  #   on the HTTP port and quarkus.management.port has no effect; it is set anyway so a
  #   later build that enables the interface does not take its default port 9000.
  # TieredStopAtLevel=1 (no C2 compiler) starts it about a third faster on 2 cores; its
  # load is a handful of schema lookups. Kafka keeps the full JIT, for benchmarks.
  STARTED+=(registry)
  spawn registry "$REGISTRY_LOG" "$JAVA" \
    "$(marker registry)" "$(stack_marker)" \
    -Xms128m -Xmx384m -XX:+UseG1GC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true \
    -Dquarkus.http.host=127.0.0.1 \
    -Dquarkus.http.port="$SCHEMA_REGISTRY_PORT" \
    -Dquarkus.management.host=127.0.0.1 \
    -Dquarkus.management.port="$SCHEMA_REGISTRY_MGMT_PORT" \
    -Dapicurio.rules.global.compatibility=BACKWARD \
    -Dapicurio.storage.kind=sql \
    -Dapicurio.storage.sql.kind=h2 \
    -Dapicurio.datasource.url="jdbc:h2:file:$STACK_DIR/registry/db" \
    -Dapicurio.datasource.jdbc.initial-size=2 \
    -Dapicurio.datasource.jdbc.min-size=2 \
    -Dapicurio.datasource.jdbc.max-size=10 \
    -Dquarkus.http.access-log.enabled=false \
    -jar "$REGISTRY_HOME/$REGISTRY_JAR"
  say "registry: starting (pid $(<"$(pid_file registry)"), log $REGISTRY_LOG)"
}

registry_ready() {
  curl -fsS -o /dev/null --max-time 2 "$REGISTRY_BASE/health/ready" 2>/dev/null &&
    curl -fsS -o /dev/null --max-time 2 "$REGISTRY_API/subjects" 2>/dev/null
}

# Makes the global BACKWARD rule visible through the Confluent API as well, and checks it.
#
# The startup property makes Apicurio enforce BACKWARD on every subject, but its
# Confluent-compatible GET /config still answers NONE, because it reads only rules stored
# through an API. Storing the same rule through PUT /config makes both views agree, so a
# person or tool reading /config sees what is enforced. (Stored in memory: done each start.)
#
# What it does not change: GET /config/<subject> answers with the subject's own rule or,
# lacking one, NONE (Confluent answers 404). @kafkajs/confluent-schema-registry stores a
# subject rule on its first register(), so subjects it creates work; a subject first
# registered by another tool makes its register() fail with "Compatibility does not match".
ensure_global_backward() {
  local stored enforced
  stored=$(curl -fsS --max-time 5 -X PUT -H 'Content-Type: application/json' \
    -d '{"compatibility":"BACKWARD"}' "$REGISTRY_API/config") ||
    die "could not set the registry's global compatibility through $REGISTRY_API/config"
  enforced=$(curl -fsS --max-time 5 "$REGISTRY_BASE/apis/registry/v3/admin/rules/COMPATIBILITY") ||
    die "could not read the registry's global COMPATIBILITY rule"
  [[ $stored == *'"BACKWARD"'* && $enforced == *'"config":"BACKWARD"'* ]] ||
    die "the registry's global compatibility is not BACKWARD (ccompat: $stored; rule: $enforced)"
}

# ---------------------------------------------------------------------------------------
# PostgreSQL and Redis (already running; checked, never started or stopped here)

# DATABASE_URL without its query, the database name, and the same server's `postgres` db.
db_base() { echo "${DATABASE_URL%%\?*}"; }
db_name() { local base; base=$(db_base) && echo "${base##*/}"; }
db_admin_url() {
  local base query
  base=$(db_base)
  query=${DATABASE_URL#"$base"}
  echo "${base%/*}/postgres$query"
}

postgres_up() { pg_isready -q -t 3 -d "$(db_admin_url)" 2>/dev/null; }

database_exists() {
  [[ $(psql "$(db_admin_url)" -tAX -v ON_ERROR_STOP=1 -c \
    "SELECT 1 FROM pg_database WHERE datname = '$(db_name)'" 2>/dev/null) == 1 ]]
}

ensure_database() {
  command -v psql >/dev/null && command -v pg_isready >/dev/null ||
    die "psql and pg_isready are needed to check PostgreSQL (apt-get install postgresql-client)."
  postgres_up ||
    die "PostgreSQL is not reachable at $(redact "$(db_admin_url)"). It is not started by" \
      "this script: start it (service postgresql start) or point DATABASE_URL at one."

  local name
  name=$(db_name)
  [[ $name =~ ^[A-Za-z0-9_]+$ ]] ||
    die "DATABASE_URL names database '$name'; only [A-Za-z0-9_] names are created here."
  if ! database_exists; then
    # Two starts at once may both try; the loser's error is fine if the database exists.
    psql "$(db_admin_url)" -qX -c "CREATE DATABASE \"$name\"" >/dev/null 2>&1 ||
      database_exists ||
      die "could not create database $name on $(redact "$(db_admin_url)")"
    say "postgres: created database $name"
  fi
}

redis_up() {
  if command -v redis-cli >/dev/null; then
    [[ $(redis-cli -u "$REDIS_URL" --no-auth-warning ping 2>/dev/null) == PONG ]]
  else
    # Without redis-cli: an open port at the URL's host and port (no auth check).
    local hostport=${REDIS_URL#*://}
    hostport=${hostport#*@}
    hostport=${hostport%%/*}
    (exec 3<>"/dev/tcp/${hostport%:*}/${hostport##*:}") 2>/dev/null
  fi
}

migrate() {
  [[ -x $ROOT/node_modules/.bin/node-pg-migrate ]] ||
    die "node modules are missing, so migrations cannot run: run npm ci at the repo root."
  local log="$STACK_DIR/migrate.log"
  # `--tsx`: the root script passes --tsconfig, which makes node-pg-migrate 8 demand
  # ts-node (not installed) unless told to use tsx; with SQL migrations neither is used.
  if ! (cd "$ROOT" && DATABASE_URL="$DATABASE_URL" npm run --silent migrate -- --tsx) \
    >"$log" 2>&1; then
    warn "npm run migrate failed. Last lines of $log:"
    tail_of "$log" >&2
    exit 1
  fi
  say "postgres: migrations up to date (npm run migrate; output in $log)"
}

# ---------------------------------------------------------------------------------------
# Commands

# Waits until `check` succeeds, the process dies, or the timeout passes.
wait_for() {
  local component=$1 check=$2 log=$3 deadline=$((SECONDS + STACK_TIMEOUT))
  until $check; do
    if ! running_pid "$component" >/dev/null; then
      warn "$component exited while starting. Last lines of $log:"
      tail_of "$log" >&2
      exit 1
    fi
    if ((SECONDS >= deadline)); then
      warn "$component did not answer within ${STACK_TIMEOUT}s (STACK_TIMEOUT). Last lines of $log:"
      tail_of "$log" >&2
      exit 1
    fi
    sleep 0.5
  done
}

# On any failure of `up`, stop what this run started, so nothing is left half-started.
cleanup_failed_up() {
  local status=$?
  if ((status != 0 && ${#STARTED[@]} > 0)); then
    warn "start failed; stopping what this run started: ${STARTED[*]}"
    stop_components "${STARTED[@]}" >&2
  fi
  exit "$status"
}

cmd_up() {
  local t0 pid need_kafka=1 need_registry=1
  t0=$(now_ms)
  STARTED=()
  DOWNLOADED=0
  mkdir -p "$STACK_DIR"
  trap cleanup_failed_up EXIT
  trap 'exit 130' INT TERM

  # The checks that cost nothing come first, so a missing piece fails before any download.
  command -v curl >/dev/null || die "curl is needed to check the registry (apt-get install curl)."
  ensure_database
  say "postgres: up at $(redact "$DATABASE_URL")"
  redis_up ||
    die "Redis is not reachable at $(redact "$REDIS_URL"). It is not started by this" \
      "script: start it (service redis-server start) or point REDIS_URL at one."
  say "redis: up at $(redact "$REDIS_URL")"

  if pid=$(running_pid kafka); then
    need_kafka=0
    say "kafka: already running (pid $pid) at $KAFKA_ADDR"
  fi
  if pid=$(running_pid registry); then
    need_registry=0
    say "registry: already running (pid $pid) at $REGISTRY_API"
  fi

  if ((need_kafka || need_registry)); then
    require_java
  fi
  if ((need_kafka)); then
    require_free_port "$KAFKA_PORT" KAFKA_PORT "Kafka"
    require_free_port "$KAFKA_CONTROLLER_PORT" KAFKA_CONTROLLER_PORT "Kafka controller"
    resolve_kafka
  fi
  if ((need_registry)); then
    require_free_port "$SCHEMA_REGISTRY_PORT" SCHEMA_REGISTRY_PORT "schema registry"
    resolve_registry
  fi

  # Both JVMs boot at once, and the migrations run while they do.
  if ((need_kafka)); then start_kafka; fi
  if ((need_registry)); then start_registry; fi
  migrate

  # Also for a component found running: a concurrent `up` may still be starting it.
  wait_for kafka kafka_ready "$KAFKA_LOG"
  if ((need_kafka)); then say "kafka: ready after $(elapsed "$t0")"; fi
  wait_for registry registry_ready "$REGISTRY_LOG"
  if ((need_registry)); then say "registry: ready after $(elapsed "$t0")"; fi
  ensure_global_backward

  trap - EXIT INT TERM
  local kind="already running"
  if ((need_kafka || need_registry)); then
    kind="warm start"
    if ((DOWNLOADED)); then kind="cold start (downloaded)"; fi
  fi
  say "up in $(elapsed "$t0"), $kind: kafka $KAFKA_ADDR, registry $REGISTRY_API"
}

status_line() { printf '%-9s %-52s %s\n' "$1" "$2" "$3"; }

cmd_status() {
  local components=("$@") component pid down=0
  ((${#components[@]})) || components=(kafka registry postgres redis)
  for component in "${components[@]}"; do
    case $component in
      kafka)
        if pid=$(running_pid kafka) && port_open "$KAFKA_PORT"; then
          status_line kafka "$KAFKA_ADDR (controller :$KAFKA_CONTROLLER_PORT)" "up (pid $pid)"
        elif [[ -n ${pid:-} ]]; then
          status_line kafka "$KAFKA_ADDR" "starting (pid $pid, port closed)" && down=1
        else
          status_line kafka "$KAFKA_ADDR" down && down=1
        fi
        ;;
      registry)
        if pid=$(running_pid registry) && registry_ready; then
          status_line registry "$REGISTRY_API" "up (pid $pid)"
        elif [[ -n ${pid:-} ]]; then
          status_line registry "$REGISTRY_API" "starting (pid $pid, not ready)" && down=1
        else
          status_line registry "$REGISTRY_API" down && down=1
        fi
        ;;
      postgres)
        if ! postgres_up; then
          status_line postgres "$(redact "$DATABASE_URL")" down && down=1
        elif ! database_exists; then
          status_line postgres "$(redact "$DATABASE_URL")" "up, database $(db_name) missing" &&
            down=1
        else
          status_line postgres "$(redact "$DATABASE_URL")" up
        fi
        ;;
      redis)
        if redis_up; then
          status_line redis "$(redact "$REDIS_URL")" up
        else
          status_line redis "$(redact "$REDIS_URL")" down && down=1
        fi
        ;;
      *) die "unknown component '$component' (kafka, registry, postgres, redis)" ;;
    esac
    pid=
  done
  return "$down"
}

cmd_down() {
  local components=("$@") component
  ((${#components[@]})) || components=(registry kafka)
  for component in "${components[@]}"; do
    [[ $component == kafka || $component == registry ]] ||
      die "down stops kafka and registry only; '$component' is not started by this script"
  done
  stop_components "${components[@]}"
}

cmd_reset() {
  stop_components registry kafka
  rm -rf "$KAFKA_HOME" "$STACK_DIR/registry"
  say "deleted Kafka's data ($KAFKA_HOME) and the registry's schemas; the next up starts fresh"
}

case "${1:-}" in
  up) cmd_up ;;
  status) cmd_status "${@:2}" ;;
  down) cmd_down "${@:2}" ;;
  reset) cmd_reset ;;
  *)
    echo "usage: infra/stack.sh up | status [component...] | down [component...] | reset" >&2
    exit 2
    ;;
esac
