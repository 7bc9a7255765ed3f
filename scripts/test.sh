#!/usr/bin/env bash
# Runs every test suite of ImSignalR on a fresh Debian machine with the .NET 10 SDK and Node 20.
# It installs what the tests need (Debian's redis-server, mariadb-server, chromium), starts Redis and
# MariaDB on their own ports and data folders, runs the .NET and TypeScript suites, stops what it
# started, and prints one last line: "N passed, N failed[, N skipped]" summed over every suite.
# Exit status: 0 only when nothing failed and every suite ran.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export IM_TEST_STATE="${IM_TEST_STATE:-$(mktemp -d /tmp/imsignalr-test.XXXXXX)}"
RESULTS="$IM_TEST_STATE/results"
# First free port at or above $1 (other Redis/MariaDB instances on this machine are left alone).
free_port() {
  local port="$1"
  while (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  echo "$port"
}
REDIS_PORT="${IM_TEST_REDIS_PORT:-$(free_port 6390)}"
# A 3-master Redis Cluster for the cluster variants of the Redis suites (each node also uses port + 10000 for its bus).
CLUSTER_PORTS=()
CLUSTER_PORTS[0]="$(free_port "${IM_TEST_REDIS_CLUSTER_PORT:-7101}")"
CLUSTER_PORTS[1]="$(free_port $((CLUSTER_PORTS[0] + 1)))"
CLUSTER_PORTS[2]="$(free_port $((CLUSTER_PORTS[1] + 1)))"
export IM_TEST_MYSQL_PORT="${IM_TEST_MYSQL_PORT:-$(free_port 3307)}"
CONFIGURATION="${CONFIGURATION:-Release}"
mkdir -p "$RESULTS"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { printf '\n== %s\n' "$*"; }

install_packages() {
  local missing=()
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  [[ -x /usr/sbin/mariadbd || -x /usr/bin/mariadbd ]] || missing+=(mariadb-server)
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  if ((${#missing[@]})); then
    log "installing ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

start_redis() {
  log "starting redis-server on port $REDIS_PORT"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
    --dir "$IM_TEST_STATE" --pidfile "$IM_TEST_STATE/redis.pid" --logfile "$IM_TEST_STATE/redis.log"
  for _ in $(seq 1 50); do
    redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  export IM_TEST_REDIS="127.0.0.1:$REDIS_PORT"
}

# Three `redis-server --cluster-enabled yes`, joined by `redis-cli --cluster create`, ready once every node
# reports cluster_state:ok; exported as IM_TEST_REDIS_CLUSTER (the seed nodes). Without it the cluster
# variants fail with a message that names the variable.
start_redis_cluster() {
  local port endpoints=()
  log "starting a 3-master Redis Cluster on ports ${CLUSTER_PORTS[*]}"
  for port in "${CLUSTER_PORTS[@]}"; do
    rm -f "$IM_TEST_STATE/nodes-$port.conf"
    redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes --cluster-config-file "$IM_TEST_STATE/nodes-$port.conf" \
      --save "" --appendonly no --daemonize yes --dir "$IM_TEST_STATE" \
      --pidfile "$IM_TEST_STATE/redis-cluster-$port.pid" --logfile "$IM_TEST_STATE/redis-cluster-$port.log"
    endpoints+=("127.0.0.1:$port")
  done
  for port in "${CLUSTER_PORTS[@]}"; do
    for _ in $(seq 1 50); do
      redis-cli -p "$port" ping >/dev/null 2>&1 && break
      sleep 0.1
    done
  done
  if ! redis-cli --cluster create "${endpoints[@]}" --cluster-replicas 0 --cluster-yes >"$IM_TEST_STATE/redis-cluster-create.log" 2>&1; then
    echo "!! redis-cli --cluster create failed (see $IM_TEST_STATE/redis-cluster-create.log)"
    return 1
  fi
  for _ in $(seq 1 100); do
    local ok=0
    for port in "${CLUSTER_PORTS[@]}"; do
      redis-cli -p "$port" cluster info 2>/dev/null | grep -q '^cluster_state:ok' && ok=$((ok + 1))
    done
    if ((ok == ${#CLUSTER_PORTS[@]})); then
      export IM_TEST_REDIS_CLUSTER
      IM_TEST_REDIS_CLUSTER="$(IFS=,; echo "${endpoints[*]}")"
      return 0
    fi
    sleep 0.1
  done
  echo "!! the Redis Cluster did not reach cluster_state:ok"
  return 1
}

stop_services() {
  local port
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  for port in "${CLUSTER_PORTS[@]}"; do
    redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
  done
  "$ROOT/scripts/mariadb.sh" stop >/dev/null 2>&1 || true
}
trap stop_services EXIT

passed=0 failed=0 skipped=0

# Adds one .NET suite's counts from its TRX file; a suite that left no TRX counts as one failure.
count_trx() {
  local trx="$1" name="$2"
  if [[ ! -f "$trx" ]]; then
    echo "!! $name produced no results (crashed or did not build)"
    failed=$((failed + 1))
    return
  fi
  local counters total executed p f
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -1)"
  total="$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters")"
  executed="$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  p="$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  f="$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
  skipped=$((skipped + ${total:-0} - ${executed:-0}))
  echo "   $name: ${p:-0} passed, ${f:-0} failed, $(( ${total:-0} - ${executed:-0} )) skipped"
}

# Prints figures, totals and, for each failed test, its message and the top of its stack (bounded),
# so the CI output alone says why a test failed; the whole log stays in $RESULTS.
summarize_dotnet_log() {
  awk '
    /^[[:space:]]*Failed [^!]/ { block = 1; shown = 0; print; next }
    /^[[:space:]]*(Passed|Skipped) / { block = 0 }
    /^[[:space:]]*(Passed!|Failed!)|\[figure\]|[Tt]est host|[Hh]ang dump|The active test|[Aa]borted/ { print; next }
    block && shown < 60 { print; shown++ }
  ' "$1" | head -400
}

run_dotnet_suites() {
  log "building ($CONFIGURATION)"
  if ! dotnet build ImSignalR.sln -c "$CONFIGURATION" -nologo -v q; then
    echo "!! build failed"
    failed=$((failed + 1))
    return
  fi
  local project name rc failed_before
  for project in tests/ImSignalR.UnitTests tests/ImSignalR.IntegrationTests tests/ImSignalR.FunctionalTests; do
    name="$(basename "$project")"
    log "$name"
    # --blame-hang: a test stuck for 5 minutes fails and is named, instead of stalling the run.
    dotnet test "$project" -c "$CONFIGURATION" --no-build -nologo \
      --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" \
      --blame-hang --blame-hang-timeout 5m --blame-hang-dump-type none \
      --results-directory "$RESULTS" >"$RESULTS/$name.log" 2>&1
    rc=$?
    summarize_dotnet_log "$RESULTS/$name.log"
    failed_before=$failed
    count_trx "$RESULTS/$name.trx" "$name"
    if ((rc != 0 && failed == failed_before)); then
      # The runner failed without a failed test in its results (a hang aborted the host, a crash).
      echo "!! $name: dotnet test exited with $rc; last lines of $RESULTS/$name.log:"
      tail -n 30 "$RESULTS/$name.log"
      failed=$((failed + 1))
    fi
  done
}

# Adds one vitest JSON report's counts; a missing report counts as one failure.
count_vitest() {
  local report="$1" name="$2"
  if [[ ! -f "$report" ]]; then
    echo "!! $name produced no report"
    failed=$((failed + 1))
    return
  fi
  local counts
  counts="$(node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const skipped = (r.numPendingTests || 0) + (r.numTodoTests || 0);
    const broken = r.numFailedTestSuites && !r.numFailedTests ? 1 : 0;
    console.log(`${r.numPassedTests} ${r.numFailedTests + broken} ${skipped}`);' "$report")"
  read -r p f s <<<"$counts"
  if [[ -z "${p:-}" || -z "${f:-}" ]]; then
    echo "!! $name: could not read $report"
    failed=$((failed + 1))
    return
  fi
  passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + ${s:-0}))
  echo "   $name: $p passed, $f failed, $s skipped"
}

run_ts_suites() {
  [[ -f clients/ts/package.json ]] || return 0
  log "TypeScript SDK: install, type-check, build"
  # npm install, not npm ci: the registry mirror lacks rollup's optional packages for other platforms, so the
  # lock cannot list them and npm ci refuses it; npm install still installs the locked versions.
  if ! (cd clients/ts && npm install --no-audit --no-fund --loglevel=error && npm run --silent typecheck && npm run --silent build); then
    echo "!! the TypeScript SDK did not install, type-check or build"
    failed=$((failed + 1))
    return
  fi
  rm -rf clients/ts/test-results
  local suite report
  # The integration and browser suites start the Release hub built above.
  for suite in test:unit test:integration test:browser; do
    report="${suite#test:}"
    log "clients/ts: $suite"
    # Bounded: a frozen event loop (issue 21) or a hung hub must fail the suite, not stall CI.
    (cd clients/ts && timeout 900 npm run --silent "${suite/test:unit/test}") 2>&1 | grep -E '(✓|×|FAIL|Test Files|Tests|Error|\[figure\])' | tail -40
    count_vitest "clients/ts/test-results/$report.json" "ts $report"
  done
}

# Repeats, right above the totals, which tests failed and the first lines of why: CI keeps only the tail of
# the output, and the per-suite summaries above may have scrolled out of it.
recap_failures() {
  ((failed > 0)) || return 0
  echo
  echo "== failed tests"
  # One reader for both kinds of report: the TRX files of the .NET suites and the vitest JSON reports.
  node -e '
    const fs = require("fs");
    const unescape = s => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, "\"").replace(/&apos;/g, "\x27").replace(/&amp;/g, "&");
    const show = (name, message) => {
      console.log(`  x ${name}`);
      for (const line of (message || "").trim().split("\n").filter(Boolean).slice(0, 6)) console.log(`      ${line.slice(0, 300)}`);
    };
    for (const path of process.argv.slice(1).filter(p => fs.existsSync(p))) {
      try {
        const text = fs.readFileSync(path, "utf8");
        if (path.endsWith(".trx")) {
          // Passed results are mostly self-closing: match those whole, so a body never runs on into the next result.
          for (const [, attributes, , body] of text.matchAll(/<UnitTestResult\b([^>]*?)(\/>|>([\s\S]*?)<\/UnitTestResult>)/g)) {
            if (!/\boutcome="Failed"/.test(attributes)) continue;
            const message = /<Message>([\s\S]*?)<\/Message>/.exec(body ?? "");
            show(unescape(/\btestName="([^"]*)"/.exec(attributes)?.[1] ?? "?"), message && unescape(message[1]));
          }
          continue;
        }
        for (const file of JSON.parse(text).testResults || []) {
          const tests = (file.assertionResults || []).filter(a => a.status === "failed");
          if (file.status === "failed" && tests.length === 0) show(file.name, file.message);
          for (const a of tests) show(a.fullName, (a.failureMessages || []).join("\n"));
        }
      } catch (error) {
        console.log(`!! could not read ${path}: ${error.message}`);
      }
    }' "$RESULTS"/*.trx clients/ts/test-results/*.json 2>/dev/null
}

install_packages
start_redis
if ! start_redis_cluster; then
  failed=$((failed + 1))
fi
log "starting MariaDB"
if "$ROOT/scripts/mariadb.sh" start; then
  eval "export $("$ROOT/scripts/mariadb.sh" env)"
else
  echo "!! MariaDB did not start"
  failed=$((failed + 1))
fi
run_dotnet_suites
run_ts_suites
recap_failures

echo
if ((skipped > 0)); then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
((failed == 0))
