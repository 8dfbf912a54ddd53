#!/usr/bin/env bash
# Fair per-core benchmark: the gateway (every bearer token verified) against nginx as a plain proxy, Apache httpd +
# mod_auth_openidc validating the same tokens, a bare Vert.x proxy (the floor of our own stack) and the Tempo stand-in
# loaded directly. Each contender runs pinned alone to one core (PROXY_CORE); the load generator, the stand-in and the
# issuer share the other (LOAD_CORE). Rounds alternate the contenders (order rotated each round) after a warm-up;
# ratios are medians of per-round ratios to nginx. Run by hand from the repository root: bench/run.sh
# Never part of the test suite. Loopback only, bounded in time; every process it starts is stopped on exit.
#
# Knobs (environment):
#   DURATION=20        seconds of each measured load (per contender, per round)
#   ROUNDS=5           rounds; each runs every contender once, the order rotated by one each round
#   WARMUP=40          seconds of the first throughput case's load on each JVM contender before measuring (JIT);
#                      later cases warm up 5 s (JVMs) / 2 s (others), but gRPC (the first HTTP/2 load) WARMUP again
#   CONNECTIONS=32     wrk / h2load connections    THREADS=1   wrk threads (one core for load and upstream)
#   CASES="startup search otlp10k otlp1m tokens forged forgedpush grpc download idle latency"   (see bench/README.md)
#   CONTENDERS="nginx gateway apache vertx direct"   nginx is always run: it is the reference of every ratio
#   TOKENS=12000       distinct tokens of the tokens case (more than the gateway's token cache holds: 2,000 by default)
#   IDLE_CONNECTIONS=200   LATENCY_FRACTION=0.5 (open-loop rate, fraction of nginx's search peak)
#   PROXY_CORE=0  LOAD_CORE=1   cores for the contender and for everything else (PIN=0: no pinning, shares cores)
#   JAVA=java          JVM of the gateway and the bare proxy
#   JAVA_OPTS=         the gateway's flags (default: the JAVA_OPTS of gateway-service/src/main/docker/Dockerfile.jvm,
#                      what ships; JAVA_OPTS="" for the JVM's own defaults)
#   VERTX_OPTS=        the bare proxy's flags (default: JAVA_OPTS, so that the ratio compares code, not JVM settings)
#   GATEWAY_JAR=gateway-service/target/quarkus-app/quarkus-run.jar   built when missing, or when REBUILD=1
#   GATEWAY_COMMIT=    the commit a GATEWAY_JAR from elsewhere was built from (recorded with the result)
#   BASELINE_JAR=      a second gateway build, contender `baseline` (same flags, same tenants): measures one change
#                      A/B in the same run, e.g. the jar of main against the jar of a branch
#   BASELINE_COMMIT=   the commit BASELINE_JAR was built from (recorded with the result)
#   BASELINE_OPTS=     the baseline's JVM flags (default: JAVA_OPTS); with BASELINE_JAR = GATEWAY_JAR it measures a flag
#   BASELINE_JAVA=     the baseline's JVM (default: JAVA); with BASELINE_JAR = GATEWAY_JAR it measures a JDK
#   BASE_PORT=18480    twelve ports from here on 127.0.0.1
#   BENCH_WORK=/tmp/tracegate-bench   scratch directory (configs, logs, raw output); replaced on each run
#   RECORD=1           append the result to bench/results/<date>.md and put it in bench/README.md (0: print only)
#   LABEL=""           stored with the result, e.g. "preliminary: machine busy"
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/.." && pwd)
cd "$REPO"

DURATION=${DURATION:-20}
ROUNDS=${ROUNDS:-5}
WARMUP=${WARMUP:-40}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-1}
CASES=${CASES:-startup search otlp10k otlp1m tokens forged forgedpush grpc download idle latency}
CONTENDERS=${CONTENDERS:-nginx gateway apache vertx direct}
TOKENS=${TOKENS:-12000}
IDLE_CONNECTIONS=${IDLE_CONNECTIONS:-200}
LATENCY_FRACTION=${LATENCY_FRACTION:-0.5}
PIN=${PIN:-1}
PROXY_CORE=${PROXY_CORE:-0}
LOAD_CORE=${LOAD_CORE:-1}
JAVA=${JAVA:-java}
# The JVM flags of what ships (-X options only: the image's system properties are the image's business).
SHIPPED_JAVA_OPTS=$(sed -n 's/^ENV JAVA_OPTS="\(.*\)"$/\1/p' "$REPO/gateway-service/src/main/docker/Dockerfile.jvm" \
    | tr ' ' '\n' | grep '^-X' | paste -sd ' ' || true)
JAVA_OPTS=${JAVA_OPTS-$SHIPPED_JAVA_OPTS}
VERTX_OPTS=${VERTX_OPTS-$JAVA_OPTS}
GATEWAY_JAR=${GATEWAY_JAR:-$REPO/gateway-service/target/quarkus-app/quarkus-run.jar}
BASELINE_JAR=${BASELINE_JAR:-}
BASELINE_COMMIT=${BASELINE_COMMIT:-unknown}
BASELINE_OPTS=${BASELINE_OPTS-$JAVA_OPTS}
BASELINE_JAVA=${BASELINE_JAVA:-$JAVA}
REBUILD=${REBUILD:-0}
BASE_PORT=${BASE_PORT:-18480}
WORK=${BENCH_WORK:-/tmp/tracegate-bench}
RECORD=${RECORD:-1}
LABEL=${LABEL:-}
RESULTS_FILE=${RESULTS_FILE:-$BENCH_DIR/results/$(date +%F).md}
MOCK_OAUTH2_VERSION=6.0.2
MOCK_OAUTH2_CACHE=${MOCK_OAUTH2_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tracegate-bench/mock-oauth2-server-$MOCK_OAUTH2_VERSION}
VERTX_DIR=$BENCH_DIR/vertx-proxy

TENANT=bench
TENANT_ID=bench-org
CLIENT_ID=tracegate-bench
UPSTREAM_PORT=$BASE_PORT
NGINX_PORT=$((BASE_PORT + 1))
GATEWAY_PORT=$((BASE_PORT + 2))
MANAGEMENT_PORT=$((BASE_PORT + 3))
ISSUER_PORT=$((BASE_PORT + 4))
VERTX_PORT=$((BASE_PORT + 5))
APACHE_PORT=$((BASE_PORT + 6))
JWKS_PORT=$((BASE_PORT + 7))
GRPC_UPSTREAM_PORT=$((BASE_PORT + 8))
GRPC_PROXY_PORT=$((BASE_PORT + 9))
BASELINE_PORT=$((BASE_PORT + 10))
BASELINE_MANAGEMENT_PORT=$((BASE_PORT + 11))
ISSUER_URL=http://127.0.0.1:$ISSUER_PORT/bench
PREFIX=/api/traces/v1/$TENANT
BIG_TRACE_ID=00000000000000000000000000000100
SEARCH_PATH="$PREFIX/tempo/api/search?tags=service.name%3Dcheckout&limit=20"
OTLP_PATH="$PREFIX/v1/traces"
DOWNLOAD_PATH="$PREFIX/tempo/api/traces/$BIG_TRACE_ID"
ECHO_PATH="$PREFIX/tempo/api/echo"
GRPC_PATH=/opentelemetry.proto.collector.trace.v1.TraceService/Export

log() { printf '[bench %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

for n in DURATION ROUNDS WARMUP CONNECTIONS THREADS BASE_PORT TOKENS IDLE_CONNECTIONS PROXY_CORE LOAD_CORE; do
    [[ ${!n} =~ ^[0-9]+$ ]] || die "$n must be a whole number (got '${!n}')"
done
(( DURATION >= 1 && DURATION <= 120 )) || die "DURATION must be 1..120 seconds"
(( ROUNDS >= 1 && ROUNDS <= 20 )) || die "ROUNDS must be 1..20"
(( WARMUP <= 180 )) || die "WARMUP must be at most 180 seconds"
[[ $LATENCY_FRACTION =~ ^0?\.[0-9]+$|^1(\.0*)?$ ]] || die "LATENCY_FRACTION must be in (0, 1] (got '$LATENCY_FRACTION')"
for c in $CASES; do
    [[ " startup search otlp10k otlp1m tokens forged forgedpush grpc download idle latency " == *" $c "* ]] \
        || die "unknown case '$c' (startup search otlp10k otlp1m tokens forged forgedpush grpc download idle latency)"
done
for c in $CONTENDERS; do
    [[ " nginx gateway baseline apache vertx direct " == *" $c "* ]] || die "unknown contender '$c' (nginx gateway baseline apache vertx direct)"
done
[[ " $CONTENDERS " != *" baseline "* || -f $BASELINE_JAR ]] || die "contender baseline needs BASELINE_JAR (a gateway's quarkus-run.jar)"
[[ " $CONTENDERS " == *" nginx "* ]] || CONTENDERS="nginx $CONTENDERS"
has() { [[ " $CONTENDERS " == *" $1 "* ]]; }
case_on() { [[ " $CASES " == *" $1 "* ]]; }
if [[ $PIN == 1 ]]; then
    (( $(nproc) >= 2 )) || die "pinning needs 2 cores (PIN=0 to share one)"
    (( PROXY_CORE != LOAD_CORE && PROXY_CORE < $(nproc) && LOAD_CORE < $(nproc) )) \
        || die "PROXY_CORE and LOAD_CORE must be two different cores below $(nproc)"
fi

# ---------------------------------------------------------------------------------------------------------- tools
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
command -v curl >/dev/null || missing+=(curl)
command -v openssl >/dev/null || missing+=(openssl)
command -v taskset >/dev/null || missing+=(util-linux)
command -v h2load >/dev/null && command -v nghttp >/dev/null || missing+=(nghttp2-client)
if has apache; then
    command -v apache2 >/dev/null || [[ -x /usr/sbin/apache2 ]] || missing+=(apache2)
    [[ -f /usr/lib/apache2/modules/mod_auth_openidc.so ]] || missing+=(libapache2-mod-auth-openidc)
fi
if (( ${#missing[@]} )); then
    log "installing ${missing[*]}"
    [[ $(id -u) == 0 ]] || die "missing ${missing[*]}: install them (apt-get install -y ${missing[*]}) or run as root"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
APACHE=$(command -v apache2 || echo /usr/sbin/apache2)
command -v "$JAVA" >/dev/null || die "no '$JAVA' on PATH (JDK 17+ needed)"
command -v mvn >/dev/null || [[ -f $GATEWAY_JAR && -f $MOCK_OAUTH2_CACHE/lib/mock-oauth2-server-$MOCK_OAUTH2_VERSION.jar \
    && -d $VERTX_DIR/target/dependency ]] || die "Maven (mvn) is needed to build the gateway and the bare proxy"

# One run at a time on this machine: the ports and the scratch directory are shared.
mkdir -p "$(dirname "$WORK")"
exec 9>"$WORK.lock"
flock -n 9 || die "another bench/run.sh is running (lock $WORK.lock)"

# ------------------------------------------------------------------------------------------------ what we run
if has gateway; then
    if [[ $REBUILD == 1 || ! -f $GATEWAY_JAR ]]; then
        [[ $GATEWAY_JAR == "$REPO/gateway-service/target/quarkus-app/quarkus-run.jar" ]] \
            || die "GATEWAY_JAR=$GATEWAY_JAR does not exist"
        log "building the gateway (mvn -pl gateway-service -am package, tests skipped)"
        mvn -B -q -pl gateway-service -am package -Dmaven.test.skip=true >"${TMPDIR:-/tmp}/tracegate-bench-build.log" 2>&1 \
            || { tail -40 "${TMPDIR:-/tmp}/tracegate-bench-build.log" >&2; die "gateway build failed"; }
    fi
    if [[ $GATEWAY_JAR == "$REPO/"* ]] && [[ -n $(find "$REPO/gateway-service/src/main" -newer "$GATEWAY_JAR" -type f -print -quit) ]]; then
        log "WARNING: $GATEWAY_JAR is older than gateway-service/src/main: REBUILD=1 to measure the current code"
    fi
fi
if { has vertx || case_on grpc; } && [[ $REBUILD == 1 || ! -d $VERTX_DIR/target/dependency || -n $(find "$VERTX_DIR/src" "$VERTX_DIR/pom.xml" \
        -newer "$VERTX_DIR/target/bare-vertx-proxy-1.jar" -type f -print -quit 2>/dev/null) || ! -f $VERTX_DIR/target/bare-vertx-proxy-1.jar ]]; then
    log "building the bare Vert.x proxy (mvn -f bench/vertx-proxy/pom.xml package)"
    mvn -B -q -f "$VERTX_DIR/pom.xml" package dependency:copy-dependencies -DincludeScope=runtime \
        >"${TMPDIR:-/tmp}/tracegate-bench-vertx-build.log" 2>&1 \
        || { tail -40 "${TMPDIR:-/tmp}/tracegate-bench-vertx-build.log" >&2; die "bare Vert.x proxy build failed"; }
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

for p in $(seq "$BASE_PORT" $((BASE_PORT + 11))); do
    if ss -Hltn "( sport = :$p )" | grep -q .; then die "port $p is in use (set BASE_PORT)"; fi
done

# ------------------------------------------------------------------------------------ processes and clean-up
PIDS=()
FG_PID=
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [[ -n $FG_PID ]]; then kill -TERM "$FG_PID" 2>/dev/null || true; fi
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

# Pinning prefixes. Background processes are started as simple commands so that $! is the process itself (taskset
# execs it), never a subshell: the clean-up must reach what really runs. They do not inherit the lock (fd 9).
ON_PROXY=() ON_LOAD=()
if [[ $PIN == 1 ]]; then ON_PROXY=(taskset -c "$PROXY_CORE") ON_LOAD=(taskset -c "$LOAD_CORE"); fi
now_ms() { date +%s%3N; }
# A load generator in the background, waited for: a signal to the script then stops the run at once, not after it.
foreground() {
    local rc=0
    "$@" 9>&- &
    FG_PID=$!
    wait "$FG_PID" || rc=$?
    FG_PID=
    return "$rc"
}

rm -rf "$WORK" && mkdir -p "$WORK/fixtures" "$WORK/tls" "$WORK/apache/run"
# nginx and Apache workers run as an unprivileged user when started by root: give them copies they can always read.
cp "$BENCH_DIR"/fixtures/*.json "$WORK/fixtures/"
# 1 MB OTLP body: the 10 KB one's resourceSpans repeated; 100 MB trace: the 10 KB trace's batches repeated.
repeat_json() { # file outer-key copies
    local inner
    inner=$(sed -e "s/^{\"$2\":\[//" -e 's/\]}$//' "$1")
    printf '{"%s":[' "$2"
    { yes "$inner," || true; } | head -n $(($3 - 1)) | tr -d '\n'
    printf '%s]}' "$inner"
}
OTLP_10K=$WORK/fixtures/otlp-10k.json
OTLP_1M=$WORK/fixtures/otlp-1m.json
repeat_json "$OTLP_10K" resourceSpans 100 >"$OTLP_1M"
# OTLP gRPC: one framed ExportTraceServiceRequest of about 10 KB; the stand-in's answer, an empty framed message.
GRPC_BODY=$WORK/fixtures/otlp-grpc.bin
if case_on grpc; then "$JAVA" "$BENCH_DIR/tools/OtlpGrpcBody.java" 65 "$GRPC_BODY" || die "could not write the gRPC body"; fi
if case_on download; then repeat_json "$WORK/fixtures/trace.json" batches 10000 >"$WORK/fixtures/big-trace.json"; fi
chmod 755 "$WORK" "$WORK/fixtures" "$WORK/tls" && chmod 644 "$WORK"/fixtures/*

# TLS for the JWKS that mod_auth_openidc fetches: a throw-away CA and a certificate for 127.0.0.1.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=tracegate bench CA" -keyout "$WORK/tls/ca.key" \
    -out "$WORK/tls/ca.pem" >"$WORK/tls/openssl.log" 2>&1
openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$WORK/tls/server.key" -out "$WORK/tls/server.csr" \
    >>"$WORK/tls/openssl.log" 2>&1
printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$WORK/tls/ext.cnf"
openssl x509 -req -in "$WORK/tls/server.csr" -CA "$WORK/tls/ca.pem" -CAkey "$WORK/tls/ca.key" -CAcreateserial -days 2 \
    -extfile "$WORK/tls/ext.cnf" -out "$WORK/tls/server.pem" >>"$WORK/tls/openssl.log" 2>&1
chmod 644 "$WORK"/tls/*.pem "$WORK"/tls/server.key

fill() { # template > output, replacing the @...@ placeholders
    local user=""
    [[ $(id -u) == 0 ]] && user=$'User www-data\nGroup www-data'
    sed -e "s#@WORK@#$WORK#g" -e "s#@FIXTURES@#$WORK/fixtures#g" -e "s#@UPSTREAM_PORT@#$UPSTREAM_PORT#g" \
        -e "s#@PROXY_PORT@#$NGINX_PORT#g" -e "s#@APACHE_PORT@#$APACHE_PORT#g" -e "s#@JWKS_PORT@#$JWKS_PORT#g" \
        -e "s#@TENANT@#$TENANT#g" -e "s#@TENANT_ID@#$TENANT_ID#g" -e "s#@CLIENT_ID@#$CLIENT_ID#g" \
        -e "s#@ISSUER_URL@#$ISSUER_URL#g" -e "s#@BIG_TRACE_ID@#$BIG_TRACE_ID#g" \
        -e "s#@GRPC_UPSTREAM_PORT@#$GRPC_UPSTREAM_PORT#g" -e "s#@GRPC_PROXY_PORT@#$GRPC_PROXY_PORT#g" \
        -e "s#@APACHE_USER@#${user//$'\n'/\\n}#g" "$1"
}

wait_for() { # url seconds what [curl-args...]
    local url=$1 deadline=$((SECONDS + $2)) what=$3
    shift 3
    until curl -fsS -o /dev/null --max-time 2 "$@" "$url" 2>/dev/null; do
        (( SECONDS < deadline )) || die "$what did not become ready at $url within the time allowed (logs in $WORK)"
        sleep 0.05
    done
}

LOADAVG_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A PID_OF STARTUP_MS

log "starting the OIDC issuer (mock-oauth2-server $MOCK_OAUTH2_VERSION) at $ISSUER_URL, core $LOAD_CORE"
SERVER_HOSTNAME=127.0.0.1 SERVER_PORT=$ISSUER_PORT JSON_CONFIG_PATH="$BENCH_DIR/oidc-config.json" LOG_LEVEL=WARN \
    "${ON_LOAD[@]}" "$JAVA" -Xmx256m -cp "$MOCK_OAUTH2_CACHE/lib/*" no.nav.security.mock.oauth2.StandaloneMockOAuth2ServerKt \
    >"$WORK/issuer.log" 2>&1 9>&- &
ISSUER_PID=$!
PIDS+=("$ISSUER_PID")
wait_for "$ISSUER_URL/.well-known/openid-configuration" 60 "mock-oauth2-server"
curl -fsS --max-time 5 "$ISSUER_URL/jwks" -o "$WORK/jwks.json" || die "no JWKS from $ISSUER_URL/jwks"
chmod 644 "$WORK/jwks.json"

log "starting the Tempo stand-in (nginx) on 127.0.0.1:$UPSTREAM_PORT and the JWKS over TLS on :$JWKS_PORT, core $LOAD_CORE"
fill "$BENCH_DIR/nginx/upstream.conf" >"$WORK/upstream.conf"
"${ON_LOAD[@]}" "$NGINX" -e "$WORK/upstream-startup.log" -p "$WORK" -c "$WORK/upstream.conf" >"$WORK/upstream.out" 2>&1 9>&- &
PIDS+=($!)
wait_for "http://127.0.0.1:$UPSTREAM_PORT/ready" 10 "Tempo stand-in" -H "X-Scope-OrgID: $TENANT_ID"
wait_for "https://127.0.0.1:$JWKS_PORT/jwks" 10 "JWKS over TLS" --cacert "$WORK/tls/ca.pem"

if case_on grpc; then
    log "starting the OTLP gRPC stand-in (bench/vertx-proxy GrpcStandIn) on 127.0.0.1:$GRPC_UPSTREAM_PORT, core $LOAD_CORE"
    "${ON_LOAD[@]}" "$JAVA" -Xmx128m -Dport="$GRPC_UPSTREAM_PORT" -Dtenant.id="$TENANT_ID" \
        -cp "$VERTX_DIR/target/classes:$VERTX_DIR/target/dependency/*" bench.GrpcStandIn >"$WORK/grpc-upstream.log" 2>&1 9>&- &
    PIDS+=($!)
    deadline=$((SECONDS + 30))
    until grep -q 'stand-in on' "$WORK/grpc-upstream.log" 2>/dev/null; do
        (( SECONDS < deadline )) || die "the OTLP gRPC stand-in did not start: $(tail -5 "$WORK/grpc-upstream.log")"
        sleep 0.1
    done
fi

token() { # client_id -> access token (client_credentials; claims come from bench/oidc-config.json)
    curl -fsS --max-time 5 -d grant_type=client_credentials -d "client_id=$1" -d client_secret=bench-secret \
        -d scope=openid "$ISSUER_URL/token" | sed -n 's/.*"access_token" *: *"\([^"]*\)".*/\1/p'
}
TOKEN=$(token "$CLIENT_ID")
WRONG_AUDIENCE_TOKEN=$(token wrong-audience)
[[ -n $TOKEN && -n $WRONG_AUDIENCE_TOKEN ]] || die "no token from $ISSUER_URL/token"
AUTH="Authorization: Bearer $TOKEN"
# The token with its signature altered in the middle, where every base64url character carries 6 bits of it: it still
# decodes to 256 bytes, so a verifier gets as far as the RSA check before it refuses.
SIGNATURE=${TOKEN##*.}
MIDDLE=$(( ${#SIGNATURE} / 2 ))
[[ ${SIGNATURE:MIDDLE:1} == A ]] && ALTERED=B || ALTERED=A
FORGED_TOKEN=${TOKEN%.*}.${SIGNATURE:0:MIDDLE}$ALTERED${SIGNATURE:MIDDLE+1}
FORGED_AUTH="Authorization: Bearer $FORGED_TOKEN"

# Each contender is started alone on PROXY_CORE; start-up = from exec to its first good answer (polled every 50 ms).
start_contender() { # name ready-url [curl-args...] ; the command comes from START_CMD
    local name=$1 url=$2 t0
    shift 2
    t0=$(now_ms)
    "${ON_PROXY[@]}" "${START_CMD[@]}" >"$WORK/$name.log" 2>&1 9>&- &
    PID_OF[$name]=$!
    PIDS+=("${PID_OF[$name]}")
    wait_for "$url" 120 "$name" "$@"
    STARTUP_MS[$name]=$(( $(now_ms) - t0 ))
    log "$name ready after ${STARTUP_MS[$name]} ms (pid ${PID_OF[$name]}, core $PROXY_CORE)"
}
declare -A URL_OF
TOKEN_FETCHES=()
URL_OF[direct]=http://127.0.0.1:$UPSTREAM_PORT
URL_OF[nginx]=http://127.0.0.1:$NGINX_PORT
URL_OF[gateway]=http://127.0.0.1:$GATEWAY_PORT
URL_OF[baseline]=http://127.0.0.1:$BASELINE_PORT
URL_OF[apache]=http://127.0.0.1:$APACHE_PORT
URL_OF[vertx]=http://127.0.0.1:$VERTX_PORT

fill "$BENCH_DIR/nginx/proxy.conf" >"$WORK/proxy.conf"
START_CMD=("$NGINX" -e "$WORK/proxy-startup.log" -p "$WORK" -c "$WORK/proxy.conf")
start_contender nginx "${URL_OF[nginx]}$SEARCH_PATH"
fill "$BENCH_DIR/tenants.yaml" >"$WORK/tenants.yaml"
start_gateway() { # contender jar port management-port flags java
    # shellcheck disable=SC2206 # the flags are a list
    START_CMD=("$6" $5 -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$3"
        -Dquarkus.management.host=127.0.0.1 -Dquarkus.management.port="$4"
        -Dtracegate.tenants.file="$WORK/tenants.yaml"
        -Dtracegate.upstream.query-frontend="http://127.0.0.1:$UPSTREAM_PORT"
        -Dtracegate.upstream.distributor="http://127.0.0.1:$UPSTREAM_PORT"
        -Dtracegate.upstream.distributor-grpc="127.0.0.1:$GRPC_UPSTREAM_PORT" -jar "$2")
    start_contender "$1" "http://127.0.0.1:$4/q/health/ready"
}
has gateway && start_gateway gateway "$GATEWAY_JAR" "$GATEWAY_PORT" "$MANAGEMENT_PORT" "$JAVA_OPTS" "$JAVA"
has baseline && start_gateway baseline "$BASELINE_JAR" "$BASELINE_PORT" "$BASELINE_MANAGEMENT_PORT" "$BASELINE_OPTS" "$BASELINE_JAVA"
if has apache; then
    fill "$BENCH_DIR/apache/httpd.conf" >"$WORK/apache/httpd.conf"
    "$APACHE" -t -f "$WORK/apache/httpd.conf" >"$WORK/apache-configtest.log" 2>&1 \
        || die "Apache refuses its configuration: $(cat "$WORK/apache-configtest.log")"
    START_CMD=("$APACHE" -DFOREGROUND -f "$WORK/apache/httpd.conf")
    # Ready = a request that needs the JWKS fetched over TLS and a token verified.
    start_contender apache "${URL_OF[apache]}$SEARCH_PATH" -H "$AUTH"
fi
if has vertx; then
    # shellcheck disable=SC2206 # VERTX_OPTS is a list of flags
    START_CMD=("$JAVA" $VERTX_OPTS -Dport="$VERTX_PORT" -Dupstream.port="$UPSTREAM_PORT"
        -Dgrpc.upstream.port="$GRPC_UPSTREAM_PORT" -Dtenant="$TENANT" -Dtenant.id="$TENANT_ID" -Dnative=true
        -cp "$VERTX_DIR/target/classes:$VERTX_DIR/target/dependency/*" bench.BareProxy)
    start_contender vertx "${URL_OF[vertx]}$SEARCH_PATH"
fi

# Everything listens on loopback only.
for pid in "${PIDS[@]}"; do
    if ss -Hltnp | grep "pid=$pid," | awk '{print $4}' | grep -v -E '^(127\.[0-9.]+|\[::1\]|\[::ffff:127\.[0-9.]+\]):' | grep -q .; then
        die "process $pid listens on a non-loopback address: $(ss -Hltnp | grep "pid=$pid,")"
    fi
done

# ------------------------------------------------------------------------------------------- sanity checks
# What each contender is sent. Authenticating ones get the token; nginx and the bare proxy get it too (they drop
# it, as the stand-in checks); direct gets the org id itself.
path_for() { # contender path -> the path that contender is asked
    if [[ $1 == direct ]]; then
        case $2 in
            "$PREFIX/tempo/"*) echo "/${2#"$PREFIX"/tempo/}" ;;
            "$PREFIX/v1/traces") echo /v1/traces ;;
            *) echo "$2" ;;
        esac
    else
        echo "$2"
    fi
}
header_for() { if [[ $1 == direct ]]; then echo "X-Scope-OrgID: $TENANT_ID"; else echo "$AUTH"; fi; }
authenticates() { [[ $1 == gateway || $1 == baseline || $1 == apache ]]; }
is_jvm() { [[ $1 == gateway || $1 == baseline || $1 == vertx ]]; }

status_of() { curl -sS -o "$WORK/check.body" -w '%{http_code}' --max-time 10 "$@"; }
expect() { # expected-status description curl-args...
    local want=$1 what=$2 got
    shift 2
    got=$(status_of "$@") || true
    [[ $got == "$want" ]] || die "$what: expected HTTP $want, got $got: $(head -c 300 "$WORK/check.body")"
    log "check: $what -> $got"
}
for c in $CONTENDERS; do
    base=${URL_OF[$c]}
    search=$base$(path_for "$c" "$SEARCH_PATH")
    if authenticates "$c"; then
        expect 401 "$c, no token" "$search"
        expect 401 "$c, token for another audience" -H "Authorization: Bearer $WRONG_AUDIENCE_TOKEN" "$search"
        expect 401 "$c, tampered signature" -H "$FORGED_AUTH" "$search"
    fi
    expect 200 "$c, search" -H "$(header_for "$c")" "$search"
    cmp -s "$WORK/check.body" "$WORK/fixtures/search.json" || die "$c: search answer differs from the stand-in's"
    expect 200 "$c, OTLP push 10 KB" -H "$(header_for "$c")" -H 'Content-Type: application/json' \
        --data-binary "@$OTLP_10K" "$base$(path_for "$c" "$OTLP_PATH")"
    if authenticates "$c"; then
        expect 401 "$c, OTLP push 10 KB, tampered signature" -H "$FORGED_AUTH" -H 'Content-Type: application/json' \
            --data-binary "@$OTLP_10K" "$base$(path_for "$c" "$OTLP_PATH")"
    fi
    expect 200 "$c, OTLP push 1 MB" -H "$(header_for "$c")" -H 'Content-Type: application/json' \
        --data-binary "@$OTLP_1M" "$base$(path_for "$c" "$OTLP_PATH")"
done

if case_on tokens; then
    log "fetching $TOKENS distinct tokens from the issuer (4 curl processes, keep-alive)"
    for part in 0 1 2 3; do
        # One URL a line, the same form for all (curl sends -d to every URL); answers go to stdout one after another.
        for ((i = part; i < TOKENS; i += 4)); do printf 'url = "%s/token"\n' "$ISSUER_URL"; done >"$WORK/tokens-$part.curl"
        "${ON_LOAD[@]}" curl -fsS --max-time 600 -K "$WORK/tokens-$part.curl" \
            -d "grant_type=client_credentials&client_id=$CLIENT_ID&client_secret=bench-secret&scope=openid" \
            >"$WORK/tokens-$part.json" 9>&- &
        TOKEN_FETCHES+=($!)
    done
    for pid in "${TOKEN_FETCHES[@]}"; do wait "$pid" || die "fetching tokens from $ISSUER_URL/token failed"; done
    cat "$WORK"/tokens-?.json | grep -o '"access_token" *: *"[^"]*"' | sed 's/.*"\([^"]*\)"$/\1/' >"$WORK/tokens.txt"
    (( $(sort -u "$WORK/tokens.txt" | wc -l) == TOKENS )) || die "expected $TOKENS distinct tokens, got $(sort -u "$WORK/tokens.txt" | wc -l)"
    for c in $CONTENDERS; do
        authenticates "$c" || continue
        expect 200 "$c, the last of the $TOKENS tokens" -H "Authorization: Bearer $(tail -1 "$WORK/tokens.txt")" \
            "${URL_OF[$c]}$SEARCH_PATH"
    done
fi

# OTLP gRPC: nginx (grpc_pass on a port of its own), the gateway and the bare proxy (same port, HTTP/2) and the
# stand-in direct. Apache takes no gRPC here.
declare -A GRPC_URL_OF=([nginx]=http://127.0.0.1:$GRPC_PROXY_PORT [gateway]=http://127.0.0.1:$GATEWAY_PORT
    [baseline]=http://127.0.0.1:$BASELINE_PORT [vertx]=http://127.0.0.1:$VERTX_PORT
    [direct]=http://127.0.0.1:$GRPC_UPSTREAM_PORT)
GRPC_CONTENDERS=""
for c in $CONTENDERS; do [[ -n ${GRPC_URL_OF[$c]:-} ]] && GRPC_CONTENDERS+="$c "; done
grpc_args_for() { # contender -> GRPC_ARGS: the call's metadata (the tenant's name and the token, which nginx and the
    # bare proxy drop, as in the HTTP cases; the org id itself for direct)
    GRPC_ARGS=(-H "content-type: application/grpc" -H "te: trailers")
    if [[ $1 == direct ]]; then
        GRPC_ARGS+=(-H "x-scope-orgid: $TENANT_ID")
    else
        GRPC_ARGS+=(-H "x-scope-orgid: $TENANT" -H "authorization: Bearer $TOKEN")
    fi
}
grpc_status() { # url nghttp-args... -> "<http status> <grpc-status>" (nghttp shows trailers; curl -D does not)
    local url=$1
    shift
    timeout 10 nghttp -v -d "$GRPC_BODY" -H "content-type: application/grpc" -H "te: trailers" "$@" "$url" 2>&1 \
        | tr -d '\r' | awk '/recv \(stream_id=[0-9]+\) :status:/ {h = $NF} /recv \(stream_id=[0-9]+\) grpc-status:/ {g = $NF}
                           END {print h, g}' || true
}
if case_on grpc; then
    for c in $GRPC_CONTENDERS; do
        grpc_args_for "$c"
        got=$(grpc_status "${GRPC_URL_OF[$c]}$GRPC_PATH" "${GRPC_ARGS[@]:4}")
        [[ $got == "200 0" ]] || die "$c, OTLP gRPC export: expected HTTP 200 and grpc-status 0, got '$got'"
        log "check: $c, OTLP gRPC export -> $got"
    done
    if has gateway; then
        got=$(grpc_status "${GRPC_URL_OF[gateway]}$GRPC_PATH" -H "x-scope-orgid: $TENANT")
        [[ $got == "200 16" ]] || die "gateway, OTLP gRPC export without a token: expected grpc-status 16 (UNAUTHENTICATED), got '$got'"
        log "check: gateway, OTLP gRPC export without a token -> $got"
    fi
    if has vertx; then
        got=$(grpc_status "${GRPC_URL_OF[vertx]}$GRPC_PATH" -H "x-scope-orgid: no-such-tenant")
        [[ $got == "200 5" ]] || die "vertx, OTLP gRPC export for an unknown tenant: expected grpc-status 5 (NOT_FOUND), got '$got'"
        log "check: vertx, OTLP gRPC export for an unknown tenant -> $got"
    fi
fi

# ------------------------------------------------------------------------------------------------ measuring
CLK_TCK=$(getconf CLK_TCK)
pids_of() { # process and its children (nginx master + workers, Apache's children)
    # shellcheck disable=SC2046 # one pid per word
    echo "$1" $(pgrep -P "$1" || true)
}
cpu_ticks() { # utime + stime of the process(es), all threads
    local total=0 pid stat
    for pid in $(pids_of "$1"); do
        stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
        stat=${stat##*) }                       # fields after "(comm) "
        # shellcheck disable=SC2086
        set -- $stat
        total=$((total + ${12} + ${13}))        # fields 14 and 15 of /proc/<pid>/stat
    done
    echo "$total"
}
core_ticks() { # "total idle" jiffies of the contender's core and of the load core, from /proc/stat
    awk -v p="cpu$PROXY_CORE" -v l="cpu$LOAD_CORE" '$1 == p || $1 == l {
        t = 0; for (i = 2; i <= 9; i++) t += $i    # user nice system idle iowait irq softirq steal
        v[$1] = t " " ($5 + $6) }
        END { print v[p], v[l] }' /proc/stat
}
cores_busy() { # key before after: R[key.core_busy] and R[key.load_busy], percent of each core not idle between them
    [[ $PIN == 1 ]] || return 0
    local -a a b
    read -r -a a <<<"$2"
    read -r -a b <<<"$3"
    R[$1.core_busy]=$(percent_busy $((b[0] - a[0])) $((b[1] - a[1])))
    R[$1.load_busy]=$(percent_busy $((b[2] - a[2])) $((b[3] - a[3])))
}
percent_busy() { # jiffies in all, of them idle -> percent not idle
    awk -v t="$1" -v i="$2" 'BEGIN{ if (t > 0) printf "%.0f", 100 - 100 * i / t }'
}
mem_kb() { # VmRSS|VmHWM pid: summed over the process(es)
    local total=0 pid v
    for pid in $(pids_of "$2"); do
        v=$(awk -v k="$1:" '$1 == k {print $2}' "/proc/$pid/status" 2>/dev/null || true)
        total=$((total + ${v:-0}))
    done
    echo "$total"
}
rss_watch_start() { # pid file [seconds]: the process's RSS (KiB) every 0.25 s (or seconds) into file, until rss_watch_stop or either process ends
    RSS_WATCH=
    [[ -n ${1:-} ]] || return 0
    local script=$$ every=${3:-0.25}
    ( while kill -0 "$1" 2>/dev/null && kill -0 "$script" 2>/dev/null; do mem_kb VmRSS "$1"; sleep "$every"; done ) >"$2" 9>&- &
    RSS_WATCH=$!
    [[ $PIN == 1 ]] && taskset -p -c "$LOAD_CORE" "$RSS_WATCH" >/dev/null
    return 0
}
rss_watch_stop() { # key file: R[key.rss_min] and R[key.rss_max] = the lowest and highest sample
    [[ -n ${RSS_WATCH:-} ]] || return 0
    kill "$RSS_WATCH" 2>/dev/null || true
    wait "$RSS_WATCH" 2>/dev/null || true
    RSS_WATCH=
    R[$1.rss_min]=$(numbers <"$2" | head -1)
    R[$1.rss_max]=$(numbers <"$2" | tail -1)
}
rotated() { # round -> the contenders in this round's order
    local -a list
    read -r -a list <<<"$1"
    local n=${#list[@]} i
    for ((i = 0; i < n; i++)); do printf '%s ' "${list[$(( (i + $2) % n ))]}"; done
}
numbers() { tr ' ' '\n' | awk '$1 ~ /^-?[0-9.]+$/' | sort -g; }
divide() { # a b decimals -> a / b; nothing when a is missing or b is missing or zero
    awk -v a="${1:-}" -v b="${2:-}" -v d="$3" 'BEGIN{ if (a != "" && b > 0) printf("%." d "f", a / b) }'
}
median() { numbers | awk '{a[NR] = $1} END {if (NR % 2) print a[(NR + 1) / 2]; else if (NR) print (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
minmax() { numbers | awk 'NR == 1 {lo = $1} {hi = $1} END {if (NR) printf "%s-%s", lo, hi}'; }

medians_of() { # case contenders keys...
    local case=$1 contenders=$2 c key vals round
    shift 2
    for c in $contenders; do
        for key in "$@"; do
            vals=""
            for ((round = 1; round <= ROUNDS; round++)); do vals+="${R[$case.$c.$round.$key]:-} "; done
            R[$case.$c.$key]=$(median <<<"$vals")
            if [[ $key == ratio ]]; then R[$case.$c.ratio_range]=$(minmax <<<"$vals"); fi
        done
    done
    return 0
}
max_of() { # case contenders key: R[case.contender.key] = the highest over rounds
    local case=$1 contenders=$2 key=$3 c round vals
    for c in $contenders; do
        vals=""
        for ((round = 1; round <= ROUNDS; round++)); do vals+="${R[$case.$c.$round.$key]:-} "; done
        R[$case.$c.$key]=$(numbers <<<"$vals" | tail -1)
    done
}
declare -A R        # R[case.contender.round.key] and R[case.contender.key] (medians)
INVALID_RUNS=()
LOADAVG_SAMPLES=()

wrk_run() { # case contender round seconds (round "w": warm-up)
    local case=$1 c=$2 round=$3 seconds=$4 out body="" tokens="" path=$SEARCH_PATH header expect_status=""
    out=$WORK/wrk-$case-$c-$round.txt
    header=$(header_for "$c")
    case $case in
        otlp10k) path=$OTLP_PATH body=$OTLP_10K ;;
        otlp1m) path=$OTLP_PATH body=$OTLP_1M ;;
        tokens) tokens=$WORK/tokens.txt ;;
        forged) header=$FORGED_AUTH expect_status=401 ;;
        forgedpush) path=$OTLP_PATH body=$OTLP_10K header=$FORGED_AUTH expect_status=401 ;;
    esac
    local pid=${PID_OF[$c]:-} before=0 after cores_before
    [[ -n $pid ]] && before=$(cpu_ticks "$pid")
    local k=$case.$c.$round rss=$WORK/rss-$case-$c-$round.txt
    [[ $round == w ]] || { rss_watch_start "$pid" "$rss"; cores_before=$(core_ticks); }
    BENCH_BODY_FILE=$body BENCH_TOKENS_FILE=$tokens BENCH_EXPECT_STATUS=$expect_status foreground "${ON_LOAD[@]}" \
        wrk -t"$THREADS" -c"$CONNECTIONS" -d"${seconds}s" --timeout 5s --latency -s "$BENCH_DIR/wrk/bench.lua" \
        -H "$header" "${URL_OF[$c]}$(path_for "$c" "$path")" >"$out" 2>&1 || die "wrk failed for $case/$c: $(tail -5 "$out")"
    [[ $round == w ]] && return 0
    cores_busy "$k" "$cores_before" "$(core_ticks)"
    rss_watch_stop "$k" "$rss"
    local line kv
    line=$(grep '^BENCH ' "$out") || die "no result line from wrk for $case/$c: $(tail -5 "$out")"
    for kv in ${line#BENCH }; do R[$k.${kv%%=*}]=${kv#*=}; done
    if [[ -n $pid ]]; then
        after=$(cpu_ticks "$pid")
        R[$k.cpu]=$(awk -v t=$((after - before)) -v hz="$CLK_TCK" -v n="${R[$k.requests]}" 'BEGIN{ if (n > 0) printf "%.1f", t * 1000 / hz * 1000 / n }')
    fi
    # With an expected status (the forged cases: 401), an error is any other answer; else any answer but 2xx.
    local wrong=${R[$k.non2xx]}
    [[ -n $expect_status ]] && wrong=${R[$k.unexpected]}
    local errs=$(( wrong + R[$k.connect_err] + R[$k.read_err] + R[$k.write_err] + R[$k.timeouts] ))
    R[$k.errors]=$errs
    (( errs == 0 && R[$k.requests] > 0 )) || INVALID_RUNS+=("$case/$c/round $round: $errs errors (see $out)")
    log "$(printf '%-8s %-8s round %s %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms  errors %d  CPU %s ms/1k  cores busy %s/%s %%' \
        "$case" "$c" "$round" "${R[$k.rps]}" "$(awk -v u="${R[$k.p50_us]}" 'BEGIN{print u/1000}')" \
        "$(awk -v u="${R[$k.p99_us]}" 'BEGIN{print u/1000}')" "$errs" "${R[$k.cpu]:--}" "${R[$k.core_busy]:--}" "${R[$k.load_busy]:--}")"
}

throughput_case() { # case contenders
    local case=$1 contenders=$2 c round warm
    for c in $contenders; do
        warm=2
        is_jvm "$c" && warm=5
        is_jvm "$c" && [[ -z ${WARMED[$c]:-} ]] && warm=$WARMUP && WARMED[$c]=1
        (( warm > 0 )) && { log "warm-up: $case on $c, $warm s (discarded)"; wrk_run "$case" "$c" w "$warm"; }
    done
    for ((round = 1; round <= ROUNDS; round++)); do
        LOADAVG_SAMPLES+=("$(cut -d' ' -f1 /proc/loadavg)")
        for c in $(rotated "$contenders" $((round - 1))); do wrk_run "$case" "$c" "$round" "$DURATION"; done
        for c in $contenders; do
            R[$case.$c.$round.ratio]=$(divide "${R[$case.$c.$round.rps]}" "${R[$case.nginx.$round.rps]:-}" 3)
            R[$case.$c.$round.cpu_ratio]=$(divide "${R[$case.nginx.$round.cpu]:-}" "${R[$case.$c.$round.cpu]:-}" 3)
        done
    done
    medians_of "$case" "$contenders" rps p50_us p99_us cpu ratio cpu_ratio core_busy load_busy
    max_of "$case" "$contenders" rss_max
}
declare -A WARMED

authenticating() { local c out=""; for c in $CONTENDERS; do authenticates "$c" && out+="$c "; done; echo "$out"; }
auth_and_reference() { local c out=""; for c in $CONTENDERS; do [[ $c == nginx ]] || authenticates "$c" && out+="$c "; done; echo "$out"; }

RATE=""
case_on search && throughput_case search "$CONTENDERS"
case_on otlp10k && throughput_case otlp10k "$CONTENDERS"
case_on otlp1m && throughput_case otlp1m "$CONTENDERS"
case_on tokens && throughput_case tokens "$(auth_and_reference)"
# Refusals only: nginx (no authentication) would answer them, so there is no ratio to nginx here.
case_on forged && throughput_case forged "$(authenticating)"
case_on forgedpush && throughput_case forgedpush "$(authenticating)"

if case_on download; then
    # One 100 MB download at a time through each contender; its resident memory sampled every 100 ms meanwhile.
    for ((round = 1; round <= ROUNDS && round <= 3; round++)); do
        for c in $(rotated "$CONTENDERS" $((round - 1))); do
            k=download.$c.$round
            rss_watch_start "${PID_OF[$c]:-}" "$WORK/rss-download-$c-$round.txt" 0.1
            foreground "${ON_LOAD[@]}" curl -sS -o /dev/null -w '%{http_code} %{size_download} %{time_total}\n' --max-time 120 \
                -H "$(header_for "$c")" "${URL_OF[$c]}$(path_for "$c" "$DOWNLOAD_PATH")" >"$WORK/download-$c-$round.txt" 2>&1 || true
            rss_watch_stop "$k" "$WORK/rss-download-$c-$round.txt"
            read -r code size secs <"$WORK/download-$c-$round.txt" || true
            R[$k.mbps]=$(awk -v s="${size:-0}" -v t="${secs:-0}" 'BEGIN{ if (t > 0) printf "%.0f", s / t / 1048576 }')
            expected=$(stat -c %s "$WORK/fixtures/big-trace.json")
            if [[ ${code:-} != 200 || ${size:-0} != "$expected" ]]; then
                INVALID_RUNS+=("download/$c/round $round: HTTP ${code:-?}, $size of $expected bytes")
            fi
            log "$(printf 'download %-8s round %s %5s MiB/s  RSS %s-%s MiB  HTTP %s' "$c" "$round" "${R[$k.mbps]}" \
                "$(( ${R[$k.rss_min]:-0} / 1024 ))" "$(( ${R[$k.rss_max]:-0} / 1024 ))" "${code:-?}")"
        done
    done
    for c in $CONTENDERS; do
        for key in mbps rss_min rss_max; do
            vals=""
            for ((round = 1; round <= ROUNDS && round <= 3; round++)); do vals+="${R[download.$c.$round.$key]:-} "; done
            R[download.$c.$key]=$(median <<<"$vals")
        done
    done
fi

if case_on idle; then
    # IDLE_CONNECTIONS keep-alive connections, one request each, then held idle: resident memory before and while.
    for c in $CONTENDERS; do
        [[ $c == direct ]] && continue
        pid=${PID_OF[$c]}
        R[idle.$c.before]=$(mem_kb VmRSS "$pid")
        fifo=$WORK/idle-$c.in
        mkfifo "$fifo"
        "${ON_LOAD[@]}" "$JAVA" "$BENCH_DIR/tools/IdleConnections.java" "${URL_OF[$c]##*:}" "$ECHO_PATH" \
            "$IDLE_CONNECTIONS" "$(header_for "$c")" <"$fifo" >"$WORK/idle-$c.out" 2>&1 9>&- &
        holder=$!
        exec 8>"$fifo"
        deadline=$((SECONDS + 60))
        until grep -q '^ready' "$WORK/idle-$c.out" 2>/dev/null || ! kill -0 "$holder" 2>/dev/null || (( SECONDS > deadline )); do
            sleep 0.2
        done
        sleep 1
        R[idle.$c.held]=$(mem_kb VmRSS "$pid")
        R[idle.$c.open]=$(ss -Htn state established "( sport = :${URL_OF[$c]##*:} )" | wc -l)
        exec 8>&-
        wait "$holder" || true
        read -r _ opened _ ok <"$WORK/idle-$c.out" || true
        if [[ ${ok:-0} != "$IDLE_CONNECTIONS" ]]; then
            INVALID_RUNS+=("idle/$c: ${ok:-0} of $IDLE_CONNECTIONS connections answered 2xx ($(tail -3 "$WORK/idle-$c.out"))")
        fi
        log "$(printf 'idle     %-8s RSS %d -> %d MiB with %s connections held' "$c" $(( R[idle.$c.before] / 1024 )) \
            $(( R[idle.$c.held] / 1024 )) "${R[idle.$c.open]}")"
    done
fi

# One h2load run, its answers' percentiles and failures into R[case.contender.round.*]. h2load args follow the keys.
h2load_run() { # case contender round h2load-args...
    local case=$1 c=$2 round=$3 k=$1.$2.$3 n p50 p99 p999 bad
    shift 3
    local lat=$WORK/h2load-$case-$c-$round.tsv out=$WORK/h2load-$case-$c-$round.txt rss=$WORK/rss-$case-$c-$round.txt
    rss_watch_start "${PID_OF[$c]:-}" "$rss"
    local cores_before
    cores_before=$(core_ticks)
    foreground "${ON_LOAD[@]}" h2load -D "$DURATION" --warm-up-time=2 --log-file="$lat" "$@" >"$out" 2>&1 \
        || die "h2load failed for $case/$c: $(tail -5 "$out")"
    cores_busy "$k" "$cores_before" "$(core_ticks)"
    rss_watch_stop "$k" "$rss"
    # Percentiles of the answered requests (a request cut off when the duration ends is logged without a status);
    # failures are what h2load itself counts: failed, errored, timed out, or not 2xx.
    read -r n p50 p99 p999 < <(awk -F'\t' '$2 >= 200 && $2 <= 299 {print $3}' "$lat" | sort -n | awk '
        function at(q,  i) { i = int(NR * q); if (i < NR * q) i++; if (i < 1) i = 1; return lat[i] }
        { lat[NR] = $1 }
        END { if (NR == 0) print 0, 0, 0, 0; else printf "%d %d %d %d\n", NR, at(0.5), at(0.99), at(0.999) }')
    bad=$(awk '/^requests:/ { for (i = 1; i <= NF; i++) if ($i ~ /^(failed|errored|timeout),?$/) n += $(i - 1) }
               /^status codes:/ { n += $5 + $7 + $9 } END { print n + 0 }' "$out")
    R[$k.requests]=$n R[$k.p50_us]=$p50 R[$k.p99_us]=$p99 R[$k.p999_us]=$p999
    R[$k.rps]=$(awk -v n="$n" -v d="$DURATION" 'BEGIN{printf "%.0f", n / d}')
    if (( n == 0 || bad > 0 )); then INVALID_RUNS+=("$case/$c/round $round: $bad requests failed (see $out)"); fi
    log "$(printf '%-8s %-8s round %s %7s req/s  p50 %6.2f  p99 %6.2f  p99.9 %6.2f ms  failed %d' "$case" "$c" "$round" \
        "${R[$k.rps]}" "$(awk -v u="$p50" 'BEGIN{print u/1000}')" "$(awk -v u="$p99" 'BEGIN{print u/1000}')" \
        "$(awk -v u="$p999" 'BEGIN{print u/1000}')" "$bad")"
}

if case_on grpc; then
    # OTLP gRPC push, closed loop like wrk: h2load over prior-knowledge HTTP/2, one stream per connection.
    for c in $GRPC_CONTENDERS; do
        # HTTP/2's code paths are cold in a JVM whatever ran before: 5 s left the gateway at half its warm rate.
        warm=2
        is_jvm "$c" && warm=$WARMUP && WARMED[$c]=1
        (( warm > 0 )) || continue
        log "warm-up: grpc on $c, $warm s (discarded)"
        grpc_args_for "$c"
        foreground "${ON_LOAD[@]}" h2load -c "$CONNECTIONS" -m 1 -D "$warm" -d "$GRPC_BODY" \
            "${GRPC_ARGS[@]}" "${GRPC_URL_OF[$c]}$GRPC_PATH" >"$WORK/h2load-grpc-$c-w.txt" 2>&1 || true
    done
    for ((round = 1; round <= ROUNDS; round++)); do
        LOADAVG_SAMPLES+=("$(cut -d' ' -f1 /proc/loadavg)")
        for c in $(rotated "$GRPC_CONTENDERS" $((round - 1))); do
            pid=${PID_OF[$c]:-} before=0
            [[ -n $pid ]] && before=$(cpu_ticks "$pid")
            grpc_args_for "$c"
            h2load_run grpc "$c" "$round" -c "$CONNECTIONS" -m 1 -d "$GRPC_BODY" "${GRPC_ARGS[@]}" "${GRPC_URL_OF[$c]}$GRPC_PATH"
            if [[ -n $pid ]]; then
                R[grpc.$c.$round.cpu]=$(awk -v t=$(( $(cpu_ticks "$pid") - before )) -v hz="$CLK_TCK" -v n="${R[grpc.$c.$round.requests]}" \
                    'BEGIN{ if (n > 0) printf "%.1f", t * 1000 / hz * 1000 / n }')
            fi
        done
        for c in $GRPC_CONTENDERS; do
            R[grpc.$c.$round.ratio]=$(divide "${R[grpc.$c.$round.rps]}" "${R[grpc.nginx.$round.rps]}" 3)
            R[grpc.$c.$round.cpu_ratio]=$(divide "${R[grpc.nginx.$round.cpu]:-}" "${R[grpc.$c.$round.cpu]:-}" 3)
        done
    done
    medians_of grpc "$GRPC_CONTENDERS" rps p50_us p99_us cpu ratio cpu_ratio core_busy load_busy
    max_of grpc "$GRPC_CONTENDERS" rss_max
fi

if case_on latency; then
    # Open-loop: a fixed request rate (h2load --rps per connection), far from saturation: LATENCY_FRACTION of nginx's
    # median search peak (measured now when the search case did not run).
    if [[ -z ${R[search.nginx.rps]:-} ]]; then
        wrk_run peak nginx 1 "$DURATION"
        R[search.nginx.rps]=${R[peak.nginx.1.rps]}
    fi
    RATE=$(awk -v p="${R[search.nginx.rps]}" -v f="$LATENCY_FRACTION" -v c="$CONNECTIONS" 'BEGIN{printf "%d", p * f / c}')
    (( RATE >= 1 )) || die "latency: rate per connection below 1 request/s"
    for ((round = 1; round <= ROUNDS; round++)); do
        for c in $(rotated "$CONTENDERS" $((round - 1))); do
            h2load_run latency "$c" "$round" --h1 -c "$CONNECTIONS" --rps="$RATE" -H "$(header_for "$c")" \
                "${URL_OF[$c]}$(path_for "$c" "$SEARCH_PATH")"
        done
    done
    medians_of latency "$CONTENDERS" rps p50_us p99_us p999_us
    max_of latency "$CONTENDERS" rss_max
fi

for c in $CONTENDERS; do
    [[ -n ${PID_OF[$c]:-} ]] || continue
    R[mem.$c.rss]=$(mem_kb VmRSS "${PID_OF[$c]}")
    R[mem.$c.hwm]=$(mem_kb VmHWM "${PID_OF[$c]}")
done
LOADAVG_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
if has gateway; then
    curl -fsS --max-time 5 "http://127.0.0.1:$MANAGEMENT_PORT/q/metrics" 2>/dev/null \
        | grep -E '^tracegate_gateway_requests_seconds_count' >"$WORK/gateway-counts.txt" || true
fi

# ------------------------------------------------------------------------------------------------- report
declare -A LABEL_OF=(
    [nginx]="nginx, plain proxy (no auth)"
    [gateway]="gateway (JVM), token verified"
    [baseline]="baseline gateway (JVM, BASELINE_JAR), token verified"
    [apache]="Apache httpd + mod_auth_openidc, token verified"
    [vertx]="bare Vert.x proxy (no auth)"
    [direct]="Tempo stand-in, direct (reference)")
ms() { [[ -n ${1:-} ]] && awk -v u="$1" 'BEGIN{printf "%.2f", u/1000}' || echo -; }
mib() { [[ -n ${1:-} ]] && awk -v k="$1" 'BEGIN{printf "%.0f", k/1024}' || echo -; }
num() { [[ -n ${1:-} ]] && printf '%.0f' "$1" || echo -; }
one() { [[ -n ${1:-} ]] && printf '%.1f' "$1" || echo -; }
ratio2() { [[ -n ${1:-} ]] && printf '%.2f' "$1" || echo -; }
# The gateway against one other contender, round by round (the issue's ≥ 0.85 × the bare proxy; an A/B against a
# baseline build): rates divided in the same round, and CPU per request (the other's over the gateway's, so that
# above 1 means the gateway is cheaper).
against() { # case contender description
    local case=$1 other=$2 name=$3 round rates="" cpus=""
    for ((round = 1; round <= ROUNDS; round++)); do
        [[ -n ${R[$case.gateway.$round.rps]:-} && -n ${R[$case.$other.$round.rps]:-} ]] || continue
        rates+="$(divide "${R[$case.gateway.$round.rps]}" "${R[$case.$other.$round.rps]}" 2) "
        cpus+="$(divide "${R[$case.$other.$round.cpu]:-}" "${R[$case.gateway.$round.cpu]:-}" 2) "
    done
    [[ -n $rates ]] || return 0
    printf 'Gateway / %s, per round by rate: %s(median %s); by CPU per request: %s(median %s).\n\n' \
        "$name" "$rates" "$(ratio2 "$(median <<<"$rates")")" "$cpus" "$(ratio2 "$(median <<<"$cpus")")"
}

# nginx does the same work for every request of a case, so its CPU per request moving from round to round is the
# host's speed moving (a shared or virtual machine's neighbours, its clock), which no ratio of rounds far apart escapes.
host_drift() { # case
    local round vals=""
    for ((round = 1; round <= ROUNDS; round++)); do vals+="${R[$1.nginx.$round.cpu]:-} "; done
    [[ -n ${vals// /} ]] || return 0
    printf 'Host drift: nginx'"'"'s CPU ms per 1k requests, round by round: %s(highest / lowest %s).\n\n' "$vals" \
        "$(divide "$(numbers <<<"$vals" | tail -1)" "$(numbers <<<"$vals" | head -1)" 2)"
}

CPU_MODEL=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
MEM_TOTAL=$(awk '/^MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)
JAVA_VERSION=$("$JAVA" -version 2>&1 | head -1 || true)
BASELINE_JAVA_VERSION=$("$BASELINE_JAVA" -version 2>&1 | head -1 || true)
NGINX_VERSION=$("$NGINX" -v 2>&1 | sed 's/^nginx version: //' || true)
APACHE_VERSION=$("$APACHE" -v 2>/dev/null | sed -n 's/^Server version: //p' || true)
OIDC_VERSION=$(dpkg-query -W -f '${Version}' libapache2-mod-auth-openidc 2>/dev/null || echo unknown)
# Empty when the bare proxy was not built (not a contender of this run).
VERTX_VERSION=$( { find "$VERTX_DIR/target/dependency" -name 'vertx-core-*.jar' 2>/dev/null || true; } | sed 's/.*vertx-core-\(.*\)\.jar/\1/' | head -1)
WRK_VERSION=$(wrk --version 2>&1 | head -1 | awk '{print $2}' || true)   # wrk --version exits 1
H2LOAD_VERSION=$(h2load --version 2>&1 | head -1 || true)
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
PINNING="each contender pinned alone to core $PROXY_CORE (\`taskset\`); wrk/h2load, the stand-in and the issuer on core $LOAD_CORE"
[[ $PIN == 1 ]] || PINNING="NOT pinned (PIN=0): load generator, contenders and stand-in share the cores"

REPORT=$WORK/report.md
{
    printf '## %s%s\n\n' "$(date '+%F %T %Z')" "${LABEL:+ - $LABEL}"
    if [[ $(awk -v l="${LOADAVG_BEFORE%% *}" -v n="$(nproc)" 'BEGIN{print (l > 0.25 * n)}') == 1 ]]; then
        printf '**Preliminary: the machine was busy (load average %s before the run). Do not quote these numbers as the result.**\n\n' "$LOADAVG_BEFORE"
    fi
    if (( ${#INVALID_RUNS[@]} )); then
        printf '**INVALID RUN: errors or non-2xx answers. Do not quote these numbers.**\n\n'
        printf -- '- %s\n' "${INVALID_RUNS[@]}"
        printf '\n'
    fi
    printf -- '- Machine: %s cores (%s), %s, %s; load average before/after: %s / %s; 1-min load at the start of each round: %s\n' \
        "$(nproc)" "$CPU_MODEL" "$MEM_TOTAL" "$(uname -sr)" "$LOADAVG_BEFORE" "$LOADAVG_AFTER" "$(minmax <<<"${LOADAVG_SAMPLES[*]:-}")"
    printf -- '- Method: %s; %s rounds of %s s per contender and case, the order rotated each round; JIT warm-up %s s (first case and gRPC, JVMs), 5 s otherwise; ratios are medians of per-round ratios to nginx (range in brackets); wrk %s, %s connections, %s thread(s)\n- Cores busy: the medians over rounds of how much of the contender'"'"'s core, then of the load core, was not idle while it was loaded (`/proc/stat`). A contender whose core idles while the load core is full was held back by the load side, and its rate says little about its own cost; its CPU per request (× nginx by CPU per request: nginx'"'"'s CPU per request over the contender'"'"'s, the median of rounds) still does.\n' \
        "$PINNING" "$ROUNDS" "$DURATION" "$WARMUP" "$WRK_VERSION" "$CONNECTIONS" "$THREADS"
    if has gateway; then
        printf -- '- Gateway: commit %s, `%s` (built %s), %s, flags: `%s`\n' "$COMMIT" "${GATEWAY_JAR#"$REPO"/}" \
            "$(date -r "$GATEWAY_JAR" '+%F %T')" "$JAVA_VERSION" "${JAVA_OPTS:-(JVM defaults)}"
    fi
    if has baseline; then
        printf -- '- Baseline gateway: commit %s, `%s` (built %s), %s, flags: `%s`\n' "$BASELINE_COMMIT" "$BASELINE_JAR" \
            "$(date -r "$BASELINE_JAR" '+%F %T')" "$BASELINE_JAVA_VERSION" "${BASELINE_OPTS:-(JVM defaults)}"
    fi
    printf -- '- %s, 1 worker; %s (event MPM) + mod_auth_openidc %s; bare proxy: Vert.x %s, flags `%s`; stand-ins: nginx, 1 worker, fixed answers (OTLP gRPC: Vert.x); issuer: mock-oauth2-server %s (RS256)\n\n' \
        "$NGINX_VERSION" "${APACHE_VERSION:-Apache}" "$OIDC_VERSION" "${VERTX_VERSION:-?}" "${VERTX_OPTS:-(JVM defaults)}" "$MOCK_OAUTH2_VERSION"

    for case in search otlp10k otlp1m tokens grpc; do
        # Measured as a case (ratios computed), not only nginx's peak that the latency case needs.
        [[ -n ${R[$case.nginx.ratio]:-} ]] || continue
        case $case in
            search) printf '### GET search, %s B JSON answer\n\n' "$(stat -c %s "$WORK/fixtures/search.json")" ;;
            otlp10k) printf '### POST OTLP/HTTP, %s B JSON body\n\n' "$(stat -c %s "$OTLP_10K")" ;;
            otlp1m) printf '### POST OTLP/HTTP, %s B JSON body\n\n' "$(stat -c %s "$OTLP_1M")" ;;
            grpc) printf '### OTLP gRPC TraceService/Export, %s B message (h2load, prior-knowledge HTTP/2, one stream per connection; Apache not run)\n\n' "$(stat -c %s "$GRPC_BODY")" ;;
            tokens)
                if (( TOKENS > 2000 )); then
                    printf '### GET search, %s distinct tokens in rotation (each token comes back after %s others: the gateway'"'"'s cache of 2,000 cannot help)\n\n' "$TOKENS" "$TOKENS"
                else
                    printf '### GET search, %s distinct tokens in rotation (fewer than the gateway'"'"'s token cache holds: it helps after the first pass)\n\n' "$TOKENS"
                fi ;;
        esac
        printf '| contender | req/s | × nginx | p50 ms | p99 ms | CPU ms / 1k req | × nginx by CPU per request | cores busy, %% | RSS under load, max MiB |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n'
        for c in $CONTENDERS; do
            [[ -n ${R[$case.$c.rps]:-} ]] || continue
            printf '| %s | %s | %s (%s) | %s | %s | %s | %s | %s | %s |\n' "${LABEL_OF[$c]}" "$(num "${R[$case.$c.rps]}")" \
                "$(ratio2 "${R[$case.$c.ratio]}")" "${R[$case.$c.ratio_range]}" "$(ms "${R[$case.$c.p50_us]}")" \
                "$(ms "${R[$case.$c.p99_us]}")" "$(one "${R[$case.$c.cpu]:-}")" "$(ratio2 "${R[$case.$c.cpu_ratio]:-}")" \
                "$( [[ -n ${R[$case.$c.core_busy]:-} ]] && echo "${R[$case.$c.core_busy]} / ${R[$case.$c.load_busy]}" || echo -)" \
                "$(mib "${R[$case.$c.rss_max]:-}")"
        done
        printf '\n'
        host_drift "$case"
        against "$case" vertx "the bare proxy"
        against "$case" baseline "the baseline"
    done

    for case in forged forgedpush; do
        [[ -n ${R[$case.gateway.rps]:-}${R[$case.apache.rps]:-}${R[$case.baseline.rps]:-} ]] || continue
        if [[ $case == forged ]]; then
            printf '### GET search with a forged token (the signature altered): every answer a 401\n\n'
        else
            printf '### OTLP push of 10 KB with a forged token: every answer a 401, given before the body is read\n\n'
        fi
        printf '| contender | refusals/s | p50 ms | p99 ms | CPU ms / 1k req | RSS under load, max MiB |\n|---|---:|---:|---:|---:|---:|\n'
        for c in $CONTENDERS; do
            [[ -n ${R[$case.$c.rps]:-} ]] || continue
            printf '| %s | %s | %s | %s | %s | %s |\n' "${LABEL_OF[$c]}" "$(num "${R[$case.$c.rps]}")" \
                "$(ms "${R[$case.$c.p50_us]}")" "$(ms "${R[$case.$c.p99_us]}")" "$(one "${R[$case.$c.cpu]:-}")" \
                "$(mib "${R[$case.$c.rss_max]:-}")"
        done
        printf '\n'
        against "$case" apache "Apache"
        against "$case" baseline "the baseline"
    done

    if [[ -n $RATE ]]; then
        printf '### Open-loop latency, GET search at %s req/s (%s × nginx'"'"'s median search peak; h2load --h1, %s connections × --rps %s)\n\n' \
            "$((RATE * CONNECTIONS))" "$LATENCY_FRACTION" "$CONNECTIONS" "$RATE"
        printf '| contender | answered req/s | p50 ms | p99 ms | p99.9 ms | RSS under load, max MiB |\n|---|---:|---:|---:|---:|---:|\n'
        for c in $CONTENDERS; do
            short=$(awk -v a="${R[latency.$c.rps]:-0}" -v t="$((RATE * CONNECTIONS))" 'BEGIN{ if (a < 0.95 * t) print " (below the rate: saturated)" }')
            printf '| %s | %s%s | %s | %s | %s | %s |\n' "${LABEL_OF[$c]}" "$(num "${R[latency.$c.rps]:-}")" "$short" \
                "$(ms "${R[latency.$c.p50_us]:-}")" "$(ms "${R[latency.$c.p99_us]:-}")" "$(ms "${R[latency.$c.p999_us]:-}")" \
                "$(mib "${R[latency.$c.rss_max]:-}")"
        done
        printf '\nA contender that cannot keep the rate answers at its own pace: its latencies are then those of saturation, not of the rate.\n\n'
    fi

    if case_on download; then
        printf '### 100 MB trace download (GET /api/traces/<id>, one at a time; RSS of the contender sampled every 100 ms while it streams)\n\n'
        printf '| contender | MiB/s | RSS during, MiB (min-max) |\n|---|---:|---:|\n'
        for c in $CONTENDERS; do
            printf '| %s | %s | %s |\n' "${LABEL_OF[$c]}" "$(num "${R[download.$c.mbps]:-}")" \
                "$( [[ -n ${R[download.$c.rss_max]:-} ]] && echo "$(mib "${R[download.$c.rss_min]}")-$(mib "${R[download.$c.rss_max]}")" || echo -)"
        done
        printf '\n'
    fi

    if case_on idle; then
        printf '### %s idle keep-alive connections (one request each, then held open)\n\n' "$IDLE_CONNECTIONS"
        printf '| contender | RSS before, MiB | RSS while held, MiB | KiB per connection |\n|---|---:|---:|---:|\n'
        for c in $CONTENDERS; do
            [[ -n ${R[idle.$c.held]:-} ]] || continue
            printf '| %s | %s | %s | %s |\n' "${LABEL_OF[$c]}" "$(mib "${R[idle.$c.before]}")" "$(mib "${R[idle.$c.held]}")" \
                "$(awk -v a="${R[idle.$c.before]}" -v b="${R[idle.$c.held]}" -v n="$IDLE_CONNECTIONS" 'BEGIN{printf "%.1f", (b - a) / n}')"
        done
        printf '\n'
    fi

    printf '### Start-up to ready and memory at the end\n\n'
    printf '| contender | start-up to first good answer, ms | RSS at the end, MiB | peak RSS (VmHWM), MiB |\n|---|---:|---:|---:|\n'
    for c in $CONTENDERS; do
        [[ -n ${PID_OF[$c]:-} ]] || continue
        printf '| %s | %s | %s | %s |\n' "${LABEL_OF[$c]}" "${STARTUP_MS[$c]:--}" "$(mib "${R[mem.$c.rss]}")" "$(mib "${R[mem.$c.hwm]}")"
    done
    printf '\nStart-up: from exec (pinned) to the first 200 (gateway: `/q/health/ready`; Apache: a request whose token needed the JWKS fetched over TLS). Memory is summed over a process'"'"'s children (nginx, Apache).\n\n'
} >"$REPORT"

echo
cat "$REPORT"
if [[ -s $WORK/gateway-counts.txt ]]; then
    echo "Gateway's own request counts (warm-up and checks included):"
    sed 's/^/  /' "$WORK/gateway-counts.txt"
    echo
fi
echo "Raw wrk/h2load output, configs and logs: $WORK"

if (( ${#INVALID_RUNS[@]} )); then
    log "INVALID RUN: some requests failed; nothing recorded"
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
