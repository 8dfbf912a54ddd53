#!/usr/bin/env bash
# What a token no cache holds costs the gateway's JVM to verify, against the RS256 check alone in the same JVM and
# in OpenSSL (what Apache + mod_auth_openidc's check rests on): tools/TokenVerificationFloor.java, one thread pinned to
# one core, with the gateway's shipped JVM flags and its packaged libraries. Run by hand from anywhere; about 30 s.
# Knobs (environment): JAVA=java, JAVA_OPTS (default: the shipped ones), CORE=0, REBUILD=0 (1: package the gateway
# first), BENCH_WORK=/tmp/tracegate-verify-floor.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$BENCH_DIR")
JAVA=${JAVA:-java}
CORE=${CORE:-0}
APP="$REPO/gateway-service/target/quarkus-app"

if [[ ${REBUILD:-0} == 1 || ! -f "$APP/quarkus-run.jar" ]]; then
  (cd "$REPO" && mvn -q -B -pl gateway-service -am package -DskipTests)
fi
# OidcTenantConfig's builder generates its configuration classes at run time with ASM, which the packaged
# application does not carry (Quarkus generated them at build time): the build's own ASM, from the local repository.
WORK=${BENCH_WORK:-/tmp/tracegate-verify-floor}
mkdir -p "$WORK"
(cd "$REPO" && mvn -q -B dependency:copy -Dartifact=org.ow2.asm:asm:9.9 -DoutputDirectory="$WORK" >"$WORK/mvn.log" 2>&1) \
  || { cat "$WORK/mvn.log"; exit 1; } # 9.9: the version in Quarkus 3.33's BOM
ASM_JAR="$WORK/asm-9.9.jar"
CLASSPATH=$(printf '%s:' "$APP"/lib/main/*.jar "$APP"/lib/boot/*.jar)$ASM_JAR

# The shipped flags, read as run.sh reads them (-X options only), unless JAVA_OPTS is given as for run.sh.
SHIPPED_JAVA_OPTS=$(sed -n 's/^ENV JAVA_OPTS="\(.*\)"$/\1/p' "$REPO/gateway-service/src/main/docker/Dockerfile.jvm" \
    | tr ' ' '\n' | grep '^-X' | paste -sd ' ' || true)
read -r -a FLAGS <<<"${JAVA_OPTS-$SHIPPED_JAVA_OPTS}"
echo "JVM: $("$JAVA" -version 2>&1 | sed -n 1p); flags: ${FLAGS[*]}; pinned to core $CORE"
taskset -c "$CORE" "$JAVA" "${FLAGS[@]}" -cp "$CLASSPATH" "$BENCH_DIR/tools/TokenVerificationFloor.java" 2>&1 \
  | grep -v -e '^WARN' -e 'jboss.logging'
if command -v openssl >/dev/null; then
  echo "OpenSSL, the same check: $(taskset -c "$CORE" openssl speed -seconds 3 rsa2048 2>/dev/null \
    | awk '/^rsa 2048/ { printf "%.1f microseconds per signature verified", $5 * 1e6 }')"
fi
