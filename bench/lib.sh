# shellcheck shell=bash disable=SC2034  # sourced: the variables are used by bench/run and bench/startup
# Shared by bench/run and bench/startup (source it): where things are, how the
# servers are built, started, checked and stopped. It sets no traps itself; each
# script traps EXIT and calls stop_servers.

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")
# Build output of the Go tools (git-ignored, as every target/).
BENCH_BIN=$BENCH_DIR/target
REPORTS_DIR=$REPO_DIR/reports

# Everything the benchmark starts binds to this loopback address, apart from the
# local fleet (127.0.1.N) and the tests (random ports on 127.0.0.1).
BENCH_HOST=${BENCH_HOST:-127.0.0.2}
SERVICE_APP_PORT=${SERVICE_APP_PORT:-18080}
SERVICE_ADMIN_PORT=${SERVICE_ADMIN_PORT:-18081}
REFERENCE_PORT=${REFERENCE_PORT:-18090}
SERVICE_URL=http://$BENCH_HOST:$SERVICE_APP_PORT
REFERENCE_URL=http://$BENCH_HOST:$REFERENCE_PORT
# From the service's platform contract (service.yml): SERVICE_NAME, READY_PATH and
# TRAINING_PATHS (the AppCDS training run's requests, the same as the Ansible role's).
CONTRACT_SHELL=$("$REPO_DIR/.venv/bin/python" "$REPO_DIR/lib/service_contract.py" shell) \
  || { echo "bench: FAILED: could not read the service contract (service.yml)" >&2; exit 1; }
eval "$CONTRACT_SHELL"
# The request both servers are warmed up, measured and profiled on,
BENCH_PATH=${BENCH_PATH:-/api/timezone/Europe/London}
# and the ones measured after it (space-separated; empty for none).
BENCH_EXTRA_PATHS=${BENCH_EXTRA_PATHS-/api/timezone/America/New_York.txt /api/timezone}

RELEASE_VERSION=${RELEASE_VERSION:-1.0.0-SNAPSHOT}
JAVA=${JAVA:-java}
# The service's JVM options for every run: by default the ones the EC2 nodes run
# with, read from where Ansible sets them, so the benchmark measures a node.
NODE_GROUP_VARS=$REPO_DIR/ansible/group_vars/all/node.yml
node_java_opts() {
  "$REPO_DIR/.venv/bin/python" -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1])).get("dropwizard_service_java_opts") or "")' "$NODE_GROUP_VARS"
}
if [ -z "${BENCH_JAVA_OPTS+set}" ]; then
  BENCH_JAVA_OPTS=$(node_java_opts)
  [ -n "$BENCH_JAVA_OPTS" ] || { echo "bench: no dropwizard_service_java_opts in $NODE_GROUP_VARS" >&2; exit 1; }
fi
# The machine's Go (the image ships it in /usr/local/go), never a downloaded toolchain.
export PATH=$PATH:/usr/local/go/bin GOTOOLCHAIN=local

# The service's environment in the benchmark: our loopback ports, a shutdown
# without the drain delay (no load balancer is watching its readiness here), and
# a trusted proxy range as the nodes have one (their VPC), so client_ip is worked
# out as on a node (the benchmark's peer is not in it).
SERVICE_ENV=(
  BIND_HOST="$BENCH_HOST" APP_PORT="$SERVICE_APP_PORT" ADMIN_PORT="$SERVICE_ADMIN_PORT"
  INSTANCE_ID=bench-service SHUTDOWN_DELAY=0s SHUTDOWN_GRACE_PERIOD=5s TRUSTED_PROXIES=10.0.0.0/16
)

# PIDs of the servers this script started; stop_servers stops exactly these.
SERVER_PIDS=()

log() { echo "bench: $*" >&2; }

# median: the median of the numbers on stdin, one a line (the mean of the middle two for an
# even count); fails on no input.
median() {
  sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
die() { echo "bench: FAILED: $*" >&2; exit 1; }

build_go_tools() {
  local tool
  mkdir -p "$BENCH_BIN"
  for tool in reference-server startup-timer; do
    (cd "$BENCH_DIR/$tool" && go build -trimpath -o "$BENCH_BIN/$tool" .) \
      || die "could not build bench/$tool with $(command -v go || echo 'no go on PATH')"
  done
}

# Prints the path of the service jar to measure: BENCH_JAR when given, else
# service/target/$SERVICE_NAME-$RELEASE_VERSION.jar, rebuilt with `make build` when missing
# or older than any source of the service or of the parent pom.
service_jar() {
  local jar=${BENCH_JAR:-}
  if [ -n "$jar" ]; then
    [ -f "$jar" ] || die "BENCH_JAR=$jar does not exist"
  else
    jar=$REPO_DIR/service/target/$SERVICE_NAME-$RELEASE_VERSION.jar
    if [ ! -f "$jar" ] || [ -n "$(find "$REPO_DIR/service/src" "$REPO_DIR/service/pom.xml" \
        "$REPO_DIR/pom.xml" -newer "$jar" -print -quit)" ]; then
      log "building $jar"
      make -s -C "$REPO_DIR" build RELEASE_VERSION="$RELEASE_VERSION" >&2 || die "make build RELEASE_VERSION=$RELEASE_VERSION failed"
      [ -f "$jar" ] || die "make build did not produce $jar"
    else
      log "reusing $jar (newer than every service source)"
    fi
  fi
  echo "$jar"
}

# A server already listening there would be measured instead of ours: refuse.
require_free_port() {
  local host=$1 port=$2
  if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then
    die "$host:$port is already in use; stop whatever listens there (ss -ltnp | grep $port)"
  fi
}

# start_server NAME LOGFILE COMMAND... : starts it in the background and records
# its PID in SERVER_PIDS and STARTED_PID (a function called in $(...) could not).
start_server() {
  local name=$1 logfile=$2
  shift 2
  "$@" >"$logfile" 2>&1 &
  STARTED_PID=$!
  SERVER_PIDS+=("$STARTED_PID")
  log "started $name (pid $STARTED_PID, log $logfile)"
}

# wait_ready NAME URL PID LOGFILE TIMEOUT_SECONDS: until URL answers 200; fails
# loudly, with the end of the server's log, if the process dies or times out.
wait_ready() {
  local name=$1 url=$2 pid=$3 logfile=$4 timeout=$5
  local deadline=$((SECONDS + timeout))
  until curl -fs -o /dev/null --max-time 2 "$url"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 40 "$logfile" >&2
      die "$name exited before it was ready (log above: $logfile)"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      tail -n 40 "$logfile" >&2
      die "$name not ready at $url after ${timeout}s (log above: $logfile)"
    fi
    sleep 0.2
  done
  log "$name ready at $url"
}

# SIGTERM to every server this script started, SIGKILL to any still running after 30 s.
stop_servers() {
  local pid waited
  for pid in "${SERVER_PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${SERVER_PIDS[@]}"; do
    for ((waited = 0; waited < 300; waited++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "pid $pid still running 30 s after SIGTERM, killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
  SERVER_PIDS=()
}

# The machine and the software measured, for the top of a report.
describe_machine() {
  echo "machine:  $(nproc) cores ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)), $(free -g | awk '/^Mem:/ {print $2}') GiB, $(uname -sr)"
  echo "load:     $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min load average at the start; other work on the machine skews every number)"
  echo "java:     $("$JAVA" -version 2>&1 | sed -n 2p)"
  echo "go:       $(go version)"
}
