#!/usr/bin/env bash
# Load benchmark: the gateway (every bearer token verified) side by side with nginx as a plain reverse proxy, both
# in front of the same Tempo stand-in, in one run. Run by hand from the repository root: bench/run.sh
# Never part of the test suite. Loopback only, bounded in time; every process it starts is stopped on exit.
#
# Knobs (environment):
#   DURATION=30        seconds of each measured load
#   WARMUP=15          seconds of load on the gateway before measuring (discarded; JIT warm-up)
#   CONNECTIONS=32     wrk connections      THREADS=2   wrk threads (the machine has 2 cores: keep it small)
#   CASES="search otlp"  search = GET .../tempo/api/search; otlp = POST .../v1/traces with a ~10 KB OTLP JSON body
#   DIRECT=1           also load the Tempo stand-in directly (reference: what the upstream alone gives)
#   JAVA=java          JVM that runs the gateway     JAVA_OPTS=""   its flags (JVM defaults when empty)
#   GATEWAY_JAR=gateway-service/target/quarkus-app/quarkus-run.jar   built when missing, or when REBUILD=1
#   GATEWAY_COMMIT=    the commit a GATEWAY_JAR from elsewhere was built from (recorded with the result)
#   BASE_PORT=18480    five ports from here on 127.0.0.1: Tempo stand-in, nginx, gateway, management, issuer
#   BENCH_WORK=/tmp/tracegate-bench   scratch directory (configs, logs, raw wrk output); replaced on each run
#   RECORD=1           append the result to bench/results/<date>.md and put it in bench/README.md (0: print only)
#   LABEL=""           a word or phrase stored with the result, e.g. "preliminary: machine busy"
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/.." && pwd)
cd "$REPO"

DURATION=${DURATION:-30}
WARMUP=${WARMUP:-15}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
CASES=${CASES:-search otlp}
DIRECT=${DIRECT:-1}
JAVA=${JAVA:-java}
JAVA_OPTS=${JAVA_OPTS:-}
GATEWAY_JAR=${GATEWAY_JAR:-$REPO/gateway-service/target/quarkus-app/quarkus-run.jar}
REBUILD=${REBUILD:-0}
BASE_PORT=${BASE_PORT:-18480}
WORK=${BENCH_WORK:-/tmp/tracegate-bench}
RECORD=${RECORD:-1}
LABEL=${LABEL:-}
RESULTS_FILE=${RESULTS_FILE:-$BENCH_DIR/results/$(date +%F).md}
MOCK_OAUTH2_VERSION=6.0.2
MOCK_OAUTH2_CACHE=${MOCK_OAUTH2_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tracegate-bench/mock-oauth2-server-$MOCK_OAUTH2_VERSION}

TENANT=bench
TENANT_ID=bench-org
CLIENT_ID=tracegate-bench
UPSTREAM_PORT=$BASE_PORT
PROXY_PORT=$((BASE_PORT + 1))
GATEWAY_PORT=$((BASE_PORT + 2))
MANAGEMENT_PORT=$((BASE_PORT + 3))
ISSUER_PORT=$((BASE_PORT + 4))
ISSUER_URL=http://127.0.0.1:$ISSUER_PORT/bench
SEARCH_PATH="/api/traces/v1/$TENANT/tempo/api/search?tags=service.name%3Dcheckout&limit=20"
OTLP_PATH="/api/traces/v1/$TENANT/v1/traces"
OTLP_BODY=$BENCH_DIR/fixtures/otlp-10k.json

log() { printf '[bench %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

for n in DURATION WARMUP CONNECTIONS THREADS BASE_PORT; do
    [[ ${!n} =~ ^[0-9]+$ ]] || die "$n must be a whole number (got '${!n}')"
done
(( DURATION >= 1 && DURATION <= 120 )) || die "DURATION must be 1..120 seconds"
(( WARMUP <= 120 )) || die "WARMUP must be at most 120 seconds"
for c in $CASES; do [[ $c == search || $c == otlp ]] || die "unknown case '$c' (search, otlp)"; done

# ---------------------------------------------------------------------------------------------------------- tools
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
command -v curl >/dev/null || missing+=(curl)
if (( ${#missing[@]} )); then
    log "installing ${missing[*]}"
    [[ $(id -u) == 0 ]] || die "missing ${missing[*]}: install them (apt-get install -y ${missing[*]}) or run as root"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
command -v "$JAVA" >/dev/null || die "no '$JAVA' on PATH (JDK 17+ needed)"
command -v mvn >/dev/null || [[ -f $GATEWAY_JAR && -f $MOCK_OAUTH2_CACHE/lib/mock-oauth2-server-$MOCK_OAUTH2_VERSION.jar ]] \
    || die "Maven (mvn) is needed to build the gateway and fetch mock-oauth2-server"

# One run at a time on this machine: the ports and the scratch directory are shared.
mkdir -p "$(dirname "$WORK")"
exec 9>"$WORK.lock"
flock -n 9 || die "another bench/run.sh is running (lock $WORK.lock)"

# ------------------------------------------------------------------------------------------------ what we run
if [[ $REBUILD == 1 || ! -f $GATEWAY_JAR ]]; then
    [[ $GATEWAY_JAR == "$REPO/gateway-service/target/quarkus-app/quarkus-run.jar" ]] \
        || die "GATEWAY_JAR=$GATEWAY_JAR does not exist"
    log "building the gateway (mvn -pl gateway-service package, tests skipped)"
    mvn -B -q -pl gateway-service package -Dmaven.test.skip=true >"${TMPDIR:-/tmp}/tracegate-bench-build.log" 2>&1 \
        || { tail -40 "${TMPDIR:-/tmp}/tracegate-bench-build.log" >&2; die "gateway build failed"; }
fi
if [[ $GATEWAY_JAR == "$REPO/"* ]] && [[ -n $(find "$REPO/gateway-service/src/main" -newer "$GATEWAY_JAR" -type f -print -quit) ]]; then
    log "WARNING: $GATEWAY_JAR is older than gateway-service/src/main: REBUILD=1 to measure the current code"
fi

if [[ ! -f $MOCK_OAUTH2_CACHE/lib/mock-oauth2-server-$MOCK_OAUTH2_VERSION.jar ]]; then
    log "fetching no.nav.security:mock-oauth2-server:$MOCK_OAUTH2_VERSION and its dependencies with Maven"
    fetch=$(mktemp -d)
    cat >"$fetch/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>tracegate.bench</groupId><artifactId>issuer-classpath</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>no.nav.security</groupId><artifactId>mock-oauth2-server</artifactId><version>$MOCK_OAUTH2_VERSION</version></dependency>
  </dependencies>
</project>
EOF
    rm -rf "$MOCK_OAUTH2_CACHE.tmp" && mkdir -p "$MOCK_OAUTH2_CACHE.tmp"
    mvn -B -q -f "$fetch/pom.xml" dependency:copy-dependencies -DoutputDirectory="$MOCK_OAUTH2_CACHE.tmp/lib" \
        >"$fetch/mvn.log" 2>&1 || { tail -40 "$fetch/mvn.log" >&2; die "could not fetch mock-oauth2-server"; }
    rm -rf "$MOCK_OAUTH2_CACHE" && mv "$MOCK_OAUTH2_CACHE.tmp" "$MOCK_OAUTH2_CACHE"
    rm -rf "$fetch"
fi

for p in $UPSTREAM_PORT $PROXY_PORT $GATEWAY_PORT $MANAGEMENT_PORT $ISSUER_PORT; do
    if ss -Hltn "( sport = :$p )" | grep -q .; then die "port $p is in use (set BASE_PORT)"; fi
done

# ------------------------------------------------------------------------------------ processes and clean-up
PIDS=()
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if (( ${#PIDS[@]} )); then
        log "stopping ${PIDS[*]}"
        for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
        for _ in $(seq 100); do
            local alive=0
            for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
            (( alive )) || break
            sleep 0.1
        done
        for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
        wait 2>/dev/null || true
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

rm -rf "$WORK" && mkdir -p "$WORK/fixtures"
# nginx workers run as an unprivileged user when started by root: give them copies they can always read.
cp "$BENCH_DIR"/fixtures/*.json "$WORK/fixtures/"
chmod 755 "$WORK" "$WORK/fixtures" && chmod 644 "$WORK"/fixtures/*

fill() { # template > output, replacing the @...@ placeholders
    sed -e "s#@WORK@#$WORK#g" -e "s#@FIXTURES@#$WORK/fixtures#g" -e "s#@UPSTREAM_PORT@#$UPSTREAM_PORT#g" \
        -e "s#@PROXY_PORT@#$PROXY_PORT#g" -e "s#@TENANT@#$TENANT#g" -e "s#@TENANT_ID@#$TENANT_ID#g" \
        -e "s#@ISSUER_URL@#$ISSUER_URL#g" "$1"
}

wait_for() { # url seconds what
    local deadline=$((SECONDS + $2))
    until curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null; do
        (( SECONDS < deadline )) || die "$3 did not become ready at $1 within $2 s (logs in $WORK)"
        sleep 0.2
    done
}

LOADAVG_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

log "starting the Tempo stand-in (nginx) on 127.0.0.1:$UPSTREAM_PORT"
fill "$BENCH_DIR/nginx/upstream.conf" >"$WORK/upstream.conf"
"$NGINX" -e "$WORK/upstream-startup.log" -p "$WORK" -c "$WORK/upstream.conf" >"$WORK/upstream.out" 2>&1 &
PIDS+=($!)
wait_for "http://127.0.0.1:$UPSTREAM_PORT/ready" 10 "Tempo stand-in"

log "starting nginx as a plain reverse proxy on 127.0.0.1:$PROXY_PORT (one worker)"
fill "$BENCH_DIR/nginx/proxy.conf" >"$WORK/proxy.conf"
"$NGINX" -e "$WORK/proxy-startup.log" -p "$WORK" -c "$WORK/proxy.conf" >"$WORK/proxy.out" 2>&1 &
NGINX_PID=$!
PIDS+=("$NGINX_PID")
wait_for "http://127.0.0.1:$PROXY_PORT$SEARCH_PATH" 10 "nginx proxy"

log "starting the OIDC issuer (mock-oauth2-server $MOCK_OAUTH2_VERSION) at $ISSUER_URL"
SERVER_HOSTNAME=127.0.0.1 SERVER_PORT=$ISSUER_PORT JSON_CONFIG_PATH="$BENCH_DIR/oidc-config.json" LOG_LEVEL=WARN \
    "$JAVA" -Xmx256m -cp "$MOCK_OAUTH2_CACHE/lib/*" no.nav.security.mock.oauth2.StandaloneMockOAuth2ServerKt \
    >"$WORK/issuer.log" 2>&1 &
ISSUER_PID=$!
PIDS+=("$ISSUER_PID")
wait_for "$ISSUER_URL/.well-known/openid-configuration" 60 "mock-oauth2-server"

log "starting the gateway (JVM) on 127.0.0.1:$GATEWAY_PORT, management $MANAGEMENT_PORT"
fill "$BENCH_DIR/tenants.yaml" >"$WORK/tenants.yaml"
# shellcheck disable=SC2086 # JAVA_OPTS is a list of flags
"$JAVA" $JAVA_OPTS \
    -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$GATEWAY_PORT" \
    -Dquarkus.management.host=127.0.0.1 -Dquarkus.management.port="$MANAGEMENT_PORT" \
    -Dtracegate.tenants.file="$WORK/tenants.yaml" \
    -Dtracegate.upstream.query-frontend="http://127.0.0.1:$UPSTREAM_PORT" \
    -Dtracegate.upstream.distributor="http://127.0.0.1:$UPSTREAM_PORT" \
    -jar "$GATEWAY_JAR" >"$WORK/gateway.log" 2>&1 &
GATEWAY_PID=$!
PIDS+=("$GATEWAY_PID")
wait_for "http://127.0.0.1:$MANAGEMENT_PORT/q/health/ready" 90 "gateway"

# Everything listens on loopback only.
for pid in "$NGINX_PID" "$GATEWAY_PID"; do
    if ss -Hltnp | grep "pid=$pid," | awk '{print $4}' | grep -v -E '^(127\.[0-9.]+|\[::1\]|\[::ffff:127\.[0-9.]+\]):' | grep -q .; then
        die "process $pid listens on a non-loopback address: $(ss -Hltnp | grep "pid=$pid,")"
    fi
done

token() { # client_id -> access token (client_credentials; claims come from bench/oidc-config.json)
    curl -fsS --max-time 5 -d grant_type=client_credentials -d "client_id=$1" -d client_secret=bench-secret \
        -d scope=openid "$ISSUER_URL/token" | sed -n 's/.*"access_token" *: *"\([^"]*\)".*/\1/p'
}
TOKEN=$(token "$CLIENT_ID")
WRONG_AUDIENCE_TOKEN=$(token wrong-audience)
[[ -n $TOKEN && -n $WRONG_AUDIENCE_TOKEN ]] || die "no token from $ISSUER_URL/token"

# ------------------------------------------------------------------------------------------- sanity checks
status_of() { curl -sS -o "$WORK/check.body" -w '%{http_code}' --max-time 5 "$@"; }
expect() { # expected-status description curl-args...
    local want=$1 what=$2 got
    shift 2
    got=$(status_of "$@") || true
    [[ $got == "$want" ]] || die "$what: expected HTTP $want, got $got: $(head -c 300 "$WORK/check.body")"
    log "check: $what -> $got"
}
GW=http://127.0.0.1:$GATEWAY_PORT
NX=http://127.0.0.1:$PROXY_PORT
expect 401 "gateway, no token" "$GW$SEARCH_PATH"
expect 401 "gateway, token for another audience" -H "Authorization: Bearer $WRONG_AUDIENCE_TOKEN" "$GW$SEARCH_PATH"
expect 401 "gateway, tampered token" -H "Authorization: Bearer ${TOKEN%?????}AAAAA" "$GW$SEARCH_PATH"
expect 200 "gateway, search with token" -H "Authorization: Bearer $TOKEN" "$GW$SEARCH_PATH"
cmp -s "$WORK/check.body" "$WORK/fixtures/search.json" || die "gateway: search body differs from the fixture"
expect 200 "nginx, search" "$NX$SEARCH_PATH"
cmp -s "$WORK/check.body" "$WORK/fixtures/search.json" || die "nginx: search body differs from the fixture"
if [[ " $CASES " == *" otlp "* ]]; then
    expect 200 "gateway, OTLP push with token" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
        --data-binary "@$OTLP_BODY" "$GW$OTLP_PATH"
    expect 200 "nginx, OTLP push" -H 'Content-Type: application/json' --data-binary "@$OTLP_BODY" "$NX$OTLP_PATH"
fi

# ------------------------------------------------------------------------------------------------------ load
CLK_TCK=$(getconf CLK_TCK)
pids_of() { # process and its children (nginx master + workers)
    # shellcheck disable=SC2046 # one pid per word
    echo "$1" $(pgrep -P "$1" || true)
}
cpu_ticks() { # utime + stime of the process(es), all threads
    local total=0 pid stat
    for pid in $(pids_of "$1"); do
        stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
        stat=${stat##*) }                       # fields after "(comm) "
        set -- $stat
        total=$((total + ${12} + ${13}))        # fields 14 and 15 of /proc/<pid>/stat
    done
    echo "$total"
}
mem_kb() { # VmRSS|VmHWM summed over the process(es)
    local total=0 pid v
    for pid in $(pids_of "$2"); do
        v=$(awk -v k="$1:" '$1 == k {print $2}' "/proc/$pid/status" 2>/dev/null || true)
        total=$((total + ${v:-0}))
    done
    echo "$total"
}

declare -A R
RSS_IDLE_NGINX=$(mem_kb VmRSS "$NGINX_PID")
RSS_IDLE_GATEWAY=$(mem_kb VmRSS "$GATEWAY_PID")

load() { # id seconds url pid|- body|- [header]
    local id=$1 seconds=$2 url=$3 pid=$4 body=$5 header=${6:-}
    local out=$WORK/wrk-$id.txt before=0 after=0 args=()
    if [[ -n $header ]]; then args=(-H "$header"); fi
    if [[ $pid != - ]]; then before=$(cpu_ticks "$pid"); fi
    local issuer_before issuer_after
    issuer_before=$(cpu_ticks "$ISSUER_PID")
    BENCH_BODY_FILE=$([[ $body != - ]] && echo "$body" || true) \
        wrk -t"$THREADS" -c"$CONNECTIONS" -d"${seconds}s" --timeout 5s --latency -s "$BENCH_DIR/wrk/bench.lua" \
        "${args[@]}" "$url" >"$out" 2>&1 || die "wrk failed for $id: $(tail -5 "$out")"
    if [[ $pid != - ]]; then after=$(cpu_ticks "$pid"); fi
    issuer_after=$(cpu_ticks "$ISSUER_PID")
    R[$id.issuer_cpu_ms]=$(( (issuer_after - issuer_before) * 1000 / CLK_TCK ))
    local line kv
    line=$(grep '^BENCH ' "$out") || die "no result line from wrk for $id: $(tail -5 "$out")"
    for kv in ${line#BENCH }; do R[$id.${kv%%=*}]=${kv#*=}; done
    R[$id.cpu_ms]=
    if [[ $pid != - ]]; then R[$id.cpu_ms]=$(( (after - before) * 1000 / CLK_TCK )); fi
    case $id in warmup-*) ;; *)
        log "$(printf '%-16s %9.0f req/s  p50 %7.2f ms  p99 %7.2f ms  errors %d  (issuer CPU %d ms)' "$id" "${R[$id.rps]}" \
            "$(awk -v u="${R[$id.p50_us]}" 'BEGIN{print u/1000}')" "$(awk -v u="${R[$id.p99_us]}" 'BEGIN{print u/1000}')" \
            $(( R[$id.non2xx] + R[$id.connect_err] + R[$id.read_err] + R[$id.write_err] + R[$id.timeouts] )) \
            "${R[$id.issuer_cpu_ms]}")" ;;
    esac
}

AUTH="Authorization: Bearer $TOKEN"
if [[ " $CASES " == *" search "* ]]; then
    (( WARMUP > 0 )) && { log "warm-up: gateway search, ${WARMUP} s (discarded)"; load warmup-gw-search "$WARMUP" "$GW$SEARCH_PATH" - - "$AUTH"; }
    log "warm-up: nginx search, 3 s (discarded)"; load warmup-nx-search 3 "$NX$SEARCH_PATH" - -
    log "measuring search, ${DURATION} s each"
    load nginx-search "$DURATION" "$NX$SEARCH_PATH" "$NGINX_PID" -
    load gateway-search "$DURATION" "$GW$SEARCH_PATH" "$GATEWAY_PID" - "$AUTH"
    [[ $DIRECT == 1 ]] && load direct-search "$DURATION" "http://127.0.0.1:$UPSTREAM_PORT${SEARCH_PATH#/api/traces/v1/$TENANT/tempo}" - -
fi
if [[ " $CASES " == *" otlp "* ]]; then
    (( WARMUP > 0 )) && { log "warm-up: gateway OTLP push, 5 s (discarded)"; load warmup-gw-otlp 5 "$GW$OTLP_PATH" - "$OTLP_BODY" "$AUTH"; }
    log "warm-up: nginx OTLP push, 3 s (discarded)"; load warmup-nx-otlp 3 "$NX$OTLP_PATH" - "$OTLP_BODY"
    log "measuring OTLP push, ${DURATION} s each"
    load nginx-otlp "$DURATION" "$NX$OTLP_PATH" "$NGINX_PID" "$OTLP_BODY"
    load gateway-otlp "$DURATION" "$GW$OTLP_PATH" "$GATEWAY_PID" "$OTLP_BODY" "$AUTH"
fi

RSS_NGINX=$(mem_kb VmRSS "$NGINX_PID");     HWM_NGINX=$(mem_kb VmHWM "$NGINX_PID")
RSS_GATEWAY=$(mem_kb VmRSS "$GATEWAY_PID"); HWM_GATEWAY=$(mem_kb VmHWM "$GATEWAY_PID")
LOADAVG_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
# The gateway's own count of what it answered, as a cross-check of wrk's.
curl -fsS --max-time 5 "http://127.0.0.1:$MANAGEMENT_PORT/q/metrics" >"$WORK/gateway-metrics.txt" 2>/dev/null || true

# ------------------------------------------------------------------------------------------------- report
ms() { awk -v u="$1" 'BEGIN{printf "%.2f", u/1000}'; }
mb() { awk -v k="$1" 'BEGIN{printf "%.0f", k/1024}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (a == "" || b == "" || b == 0) print "n/a"; else printf "%.2f", a/b }'; }
per_k() { # cpu ms per 1000 requests
    local id=$1
    [[ -n ${R[$id.cpu_ms]:-} ]] || { echo "-"; return; }
    awk -v c="${R[$id.cpu_ms]}" -v n="${R[$id.requests]}" 'BEGIN{ if (n == 0) print "n/a"; else printf "%.1f", c * 1000 / n }'
}
errors() { local id=$1; echo $(( R[$id.connect_err] + R[$id.read_err] + R[$id.write_err] + R[$id.timeouts] )); }

VALID=1
for id in nginx-search gateway-search direct-search nginx-otlp gateway-otlp; do
    [[ -n ${R[$id.requests]:-} ]] || continue
    (( R[$id.non2xx] == 0 && $(errors "$id") == 0 && R[$id.requests] > 0 )) || VALID=0
done

row() { # label id
    local id=$2
    printf '| %s | %.0f | %s | %s | %s | %s | %s | %s |\n' "$1" "${R[$id.rps]}" "$(ms "${R[$id.p50_us]}")" \
        "$(ms "${R[$id.p90_us]}")" "$(ms "${R[$id.p99_us]}")" "${R[$id.non2xx]}" "$(errors "$id")" "$(per_k "$id")"
}
ratio_row() { # case
    local n=nginx-$1 g=gateway-$1
    printf '| **gateway / nginx** | **%s** | **%s** | **%s** | **%s** | | | **%s** |\n' \
        "$(ratio "${R[$g.rps]}" "${R[$n.rps]}")" "$(ratio "${R[$g.p50_us]}" "${R[$n.p50_us]}")" \
        "$(ratio "${R[$g.p90_us]}" "${R[$n.p90_us]}")" "$(ratio "${R[$g.p99_us]}" "${R[$n.p99_us]}")" \
        "$(ratio "$(per_k "$g")" "$(per_k "$n")")"
}

CPU_MODEL=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
MEM_TOTAL=$(awk '/^MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)
JAVA_VERSION=$("$JAVA" -version 2>&1 | head -1 || true)
NGINX_VERSION=$("$NGINX" -v 2>&1 | sed 's/^nginx version: //' || true)
WRK_VERSION=$(wrk --version 2>&1 | head -1 | awk '{print $2}' || true)   # wrk --version exits 1
if [[ -n ${GATEWAY_COMMIT:-} ]]; then
    COMMIT=$GATEWAY_COMMIT
elif [[ $GATEWAY_JAR != "$REPO/"* ]]; then
    COMMIT="unknown (jar from outside this repository; set GATEWAY_COMMIT)"
else
    COMMIT=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
    if [[ -n $(git -C "$REPO" status --porcelain -- gateway-service pom.xml 2>/dev/null) ]]; then
        COMMIT="$COMMIT (gateway-service has uncommitted changes)"
    fi
fi
JAR_TIME=$(date -r "$GATEWAY_JAR" '+%F %T')

REPORT=$WORK/report.md
{
    printf '## %s%s\n\n' "$(date '+%F %T %Z')" "${LABEL:+ - $LABEL}"
    (( VALID )) || printf '**INVALID RUN: errors or non-2xx answers, see below. Do not quote these numbers.**\n\n'
    printf -- '- Machine: %s cores (%s), %s, %s; load average before/after: %s / %s\n' "$(nproc)" "$CPU_MODEL" "$MEM_TOTAL" \
        "$(uname -sr)" "$LOADAVG_BEFORE" "$LOADAVG_AFTER"
    printf -- '- Gateway: commit %s, `%s` (built %s), JVM mode, %s, flags: `%s`\n' "$COMMIT" "${GATEWAY_JAR#"$REPO"/}" \
        "$JAR_TIME" "$JAVA_VERSION" "${JAVA_OPTS:-(defaults)}"
    printf -- '- %s (proxy: 1 worker, keep-alive pool of 64 to the upstream); Tempo stand-in: nginx, 1 worker, fixed answers\n' "$NGINX_VERSION"
    printf -- '- Load: wrk %s, %s connections, %s threads, %s s per case after warm-up (gateway %s s); load generator, proxies and stand-in share the same %s cores\n' \
        "$WRK_VERSION" "$CONNECTIONS" "$THREADS" "$DURATION" "$WARMUP" "$(nproc)"
    printf -- '- Gateway requests carry a bearer token (RS256, mock-oauth2-server %s) checked for signature, iss, exp and aud; nginx checks nothing\n\n' "$MOCK_OAUTH2_VERSION"
    printf 'Latencies in ms. CPU = CPU time of the proxy process(es) during the case, per 1,000 requests.\n\n'
    if [[ -n ${R[gateway-search.requests]:-} ]]; then
        printf '### GET search: `%s` (%s B answer)\n\n' "$SEARCH_PATH" "$(stat -c %s "$WORK/fixtures/search.json")"
        printf '| contender | req/s | p50 | p90 | p99 | non-2xx | socket errors | CPU ms / 1k req |\n'
        printf '|---|---:|---:|---:|---:|---:|---:|---:|\n'
        [[ -n ${R[direct-search.requests]:-} ]] && row "Tempo stand-in, direct (reference)" direct-search
        row "nginx, plain reverse proxy" nginx-search
        row "gateway, token verified" gateway-search
        ratio_row search
        printf '\n'
    fi
    if [[ -n ${R[gateway-otlp.requests]:-} ]]; then
        printf '### POST OTLP/HTTP: `%s` (%s B JSON body)\n\n' "$OTLP_PATH" "$(stat -c %s "$OTLP_BODY")"
        printf '| contender | req/s | p50 | p90 | p99 | non-2xx | socket errors | CPU ms / 1k req |\n'
        printf '|---|---:|---:|---:|---:|---:|---:|---:|\n'
        row "nginx, plain reverse proxy" nginx-otlp
        row "gateway, token verified" gateway-otlp
        ratio_row otlp
        printf '\n'
    fi
    printf 'OIDC issuer CPU while the gateway was measured: search %s ms, OTLP %s ms; while nginx was: %s ms, %s ms (the same: tokens are checked locally against cached keys, the issuer is not called per request).\n\n' \
        "${R[gateway-search.issuer_cpu_ms]:--}" "${R[gateway-otlp.issuer_cpu_ms]:--}" \
        "${R[nginx-search.issuer_cpu_ms]:--}" "${R[nginx-otlp.issuer_cpu_ms]:--}"
    printf '### Resident memory (MiB)\n\n'
    printf '| process | RSS idle, before load | RSS after the run | peak RSS (VmHWM) |\n|---|---:|---:|---:|\n'
    printf '| nginx (master + worker) | %s | %s | %s |\n' "$(mb "$RSS_IDLE_NGINX")" "$(mb "$RSS_NGINX")" "$(mb "$HWM_NGINX")"
    printf '| gateway (JVM) | %s | %s | %s |\n' "$(mb "$RSS_IDLE_GATEWAY")" "$(mb "$RSS_GATEWAY")" "$(mb "$HWM_GATEWAY")"
    printf '| **gateway / nginx** | **%s** | **%s** | **%s** |\n\n' "$(ratio "$RSS_IDLE_GATEWAY" "$RSS_IDLE_NGINX")" \
        "$(ratio "$RSS_GATEWAY" "$RSS_NGINX")" "$(ratio "$HWM_GATEWAY" "$HWM_NGINX")"
} >"$REPORT"

# The gateway's own count of answers (cross-check of wrk): lines of its request timer, by status.
grep -E '^tracegate_gateway_requests_seconds_count' "$WORK/gateway-metrics.txt" >"$WORK/gateway-counts.txt" 2>/dev/null || true

echo
cat "$REPORT"
if [[ -s $WORK/gateway-counts.txt ]]; then
    echo "Gateway's own request counts (warm-up and checks included):"
    sed 's/^/  /' "$WORK/gateway-counts.txt"
    echo
fi
echo "Raw wrk output, configs and logs: $WORK"

if (( ! VALID )); then
    log "INVALID RUN: some requests failed (non-2xx or socket errors); nothing recorded"
    exit 1
fi
if [[ $RECORD == 1 ]]; then
    mkdir -p "$(dirname "$RESULTS_FILE")"
    [[ -f $RESULTS_FILE ]] || printf '# Benchmark results, %s\n\nWritten by `bench/run.sh`; newest last. See bench/README.md for the method.\n\n' "$(date +%F)" >"$RESULTS_FILE"
    cat "$REPORT" >>"$RESULTS_FILE"
    # bench/README.md shows the latest run between its markers.
    readme=$BENCH_DIR/README.md
    if grep -q '<!-- bench:latest:begin -->' "$readme" 2>/dev/null; then
        awk -v report="$REPORT" -v file="${RESULTS_FILE#"$REPO"/}" '
            /<!-- bench:latest:begin -->/ { print; print ""; print "Recorded in `" file "`."; print "";
                while ((getline l < report) > 0) { if (l ~ /^#/) l = "#" l; print l }; skip = 1; next }
            /<!-- bench:latest:end -->/ { skip = 0 }
            !skip { print }' "$readme" >"$readme.tmp" && mv "$readme.tmp" "$readme"
    fi
    log "recorded in ${RESULTS_FILE#"$REPO"/} and bench/README.md"
fi
