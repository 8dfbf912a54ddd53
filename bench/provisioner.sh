#!/usr/bin/env bash
# The provisioner at scale: runs provisioner-service's ProvisionerAtScaleBench (a @QuarkusTest against fabric8's mock
# API server and the Grafana stand-in, skipped in the normal suite) and prints its result line. Run by hand from the
# repository root: bench/provisioner.sh. Knob: TENANTS=1000. Loopback only (the test's own servers).
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
TENANTS=${TENANTS:-1000}
[[ $TENANTS =~ ^[0-9]+$ ]] && (( TENANTS >= 1 && TENANTS <= 5000 )) || { echo "TENANTS must be 1..5000" >&2; exit 1; }
log=${TMPDIR:-/tmp}/tracegate-bench-provisioner.log
rm -f provisioner-service/target/bench-provisioner.txt
echo "[bench] provisioner at scale: $TENANTS tenants (mvn verify -pl provisioner-service -am, one test; log $log)" >&2
timeout 1200 mvn -B -q verify -pl provisioner-service -am -Dtest=ProvisionerAtScaleBench -Dsurefire.failIfNoSpecifiedTests=false \
    -Dtracegate.bench=true -Dtracegate.bench.tenants="$TENANTS" -Dquarkus.log.category.\"io.fabric8.mockwebserver\".level=WARN >"$log" 2>&1 || { tail -60 "$log" >&2; exit 1; }
[[ -s provisioner-service/target/bench-provisioner.txt ]] || { echo "no result: the bench test did not run (see $log)" >&2; exit 1; }
printf '%s; load average %s\n' "$(cat provisioner-service/target/bench-provisioner.txt)" "$(cut -d' ' -f1-3 /proc/loadavg)"
