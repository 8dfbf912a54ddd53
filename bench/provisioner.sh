#!/usr/bin/env bash
# The provisioner at scale: runs provisioner-service's ProvisionerAtScaleBench (a @QuarkusTest against fabric8's mock
# API server and the Grafana stand-in, skipped in the normal suite) and prints its result line. Run by hand from the
# repository root: bench/provisioner.sh. Knobs: TENANTS=1000; RECORD=1 appends the line to bench/results/<date>.md
# with LABEL and the load average (0: print only). Loopback only (the test's own servers). The publish cap is set
# back to its production default (the test profile's is longer, for slow CI machines).
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
TENANTS=${TENANTS:-1000}
RECORD=${RECORD:-1}
LABEL=${LABEL:-}
[[ $TENANTS =~ ^[0-9]+$ ]] && (( TENANTS >= 1 && TENANTS <= 5000 )) || { echo "TENANTS must be 1..5000" >&2; exit 1; }
log=${TMPDIR:-/tmp}/tracegate-bench-provisioner.log
rm -f provisioner-service/target/bench-provisioner.txt
LOADAVG_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
echo "[bench] provisioner at scale: $TENANTS tenants (mvn verify -pl provisioner-service -am, one test; log $log)" >&2
timeout 1200 mvn -B -q verify -pl provisioner-service -am -DskipITs -Dtest=ProvisionerAtScaleBench -Dsurefire.failIfNoSpecifiedTests=false \
    -Dtracegate.bench=true -Dtracegate.bench.tenants="$TENANTS" -Dquarkus.log.category.\"io.fabric8.mockwebserver\".level=WARN \
    -D%test.tracegate.provisioner.publish.max-delay=5s >"$log" 2>&1 || { tail -60 "$log" >&2; exit 1; }
[[ -s provisioner-service/target/bench-provisioner.txt ]] || { echo "no result: the bench test did not run (see $log)" >&2; exit 1; }
read -r _ _ tenants ready rotation documents <provisioner-service/target/bench-provisioner.txt
summary=$(printf -- '- %s%s: %s, %s (the document for every tenant holding the new secret; %s distinct documents seen by a 50 ms poll); commit %s; load average before/after: %s / %s\n' \
    "$(date '+%F %T %Z')" "${LABEL:+ - $LABEL}" "${tenants/=/ }" "from creation to datasources and Ready ${ready#*=} ms, source Secret rotation to published ${rotation#*=} ms" \
    "${documents#*=}" "$(git rev-parse --short HEAD)" "$LOADAVG_BEFORE" "$(cut -d' ' -f1-3 /proc/loadavg)")
echo "$summary"
if [[ $RECORD == 1 ]]; then
    results=bench/results/$(date +%F).md
    [[ -f $results ]] || printf '# Benchmark results, %s\n\nWritten by `bench/run.sh` and `bench/provisioner.sh`; newest last. See bench/README.md for the method.\n\n' "$(date +%F)" >"$results"
    printf '## Provisioner at scale (bench/provisioner.sh)\n\n%s\n\n' "$summary" >>"$results"
    echo "recorded in $results" >&2
fi
