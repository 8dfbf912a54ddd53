#!/usr/bin/env bash
# The provisioner at scale: runs provisioner-service's ProvisionerAtScaleBenchIT (the packaged provisioner as its own
# process against fabric8's mock API server and the Grafana stand-in, which run in the test JVM; skipped in the normal
# suite) and prints its result line. Run by hand from the repository root: bench/provisioner.sh. As bench/run.sh
# does, the provisioner runs pinned alone to one CPU (PROVISIONER_CPU, 0) and the test JVM on the other (PEER_CPU, 1);
# PIN=0 leaves both unpinned. Knobs: TENANTS=1000; ROTATIONS=3 (one after the other); JAVA_OPTS, the provisioner's
# JVM flags (default: Dockerfile.jvm's, its half of the shipped 256Mi limit as -Xmx128m, its Serial GC being what a
# JVM on one CPU picks anyway);
# PEER_JAVA_OPTS, the test JVM's (default C1 only: the stand-ins stand for servers that compile nothing at run time,
# and C2 compiling them took half of their core, bench/README.md); RECORD=1 appends the line to
# bench/results/<date>.md with LABEL and the load average (0: print only). Loopback only.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
TENANTS=${TENANTS:-1000}
ROTATIONS=${ROTATIONS:-3}
PIN=${PIN:-1}
PROVISIONER_CPU=${PROVISIONER_CPU:-0}
PEER_CPU=${PEER_CPU:-1}
JAVA_OPTS=${JAVA_OPTS--Xmx128m -XX:+ExitOnOutOfMemoryError -XX:TieredStopAtLevel=1}
PEER_JAVA_OPTS=${PEER_JAVA_OPTS--XX:TieredStopAtLevel=1}
RECORD=${RECORD:-1}
LABEL=${LABEL:-}
[[ $TENANTS =~ ^[0-9]+$ ]] && (( TENANTS >= 1 && TENANTS <= 5000 )) || { echo "TENANTS must be 1..5000" >&2; exit 1; }
[[ $ROTATIONS =~ ^[0-9]+$ ]] && (( ROTATIONS >= 1 && ROTATIONS <= 20 )) || { echo "ROTATIONS must be 1..20" >&2; exit 1; }
pin=()
pinned_to=()
if [[ $PIN == 1 ]]; then
    command -v taskset >/dev/null || { echo "taskset (util-linux) is needed to pin; PIN=0 runs unpinned" >&2; exit 1; }
    (( $(nproc) >= 2 )) || { echo "pinning needs 2 CPUs; PIN=0 runs unpinned" >&2; exit 1; }
    pin=(taskset -c "$PEER_CPU")
    pinned_to=(-Dtracegate.bench.provisioner-cpu="$PROVISIONER_CPU")
fi
log=${TMPDIR:-/tmp}/tracegate-bench-provisioner.log
rm -f provisioner-service/target/bench-provisioner.txt
LOADAVG_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
echo "[bench] provisioner at scale: $TENANTS tenants, $ROTATIONS rotations (mvn verify -pl provisioner-service -am, one IT; log $log)" >&2
# Maven runs on PEER_CPU, and so does the test JVM it forks (mock API server, stand-in, poll); the test then pins the
# provisioner it launches to PROVISIONER_CPU.
timeout 1800 "${pin[@]}" mvn -B -q verify -pl provisioner-service -am -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test=ProvisionerAtScaleBenchIT -Dfailsafe.failIfNoSpecifiedTests=false "${pinned_to[@]}" \
    -Dtracegate.bench=true -Dtracegate.bench.tenants="$TENANTS" -Dtracegate.bench.rotations="$ROTATIONS" \
    -Dquarkus.test.arg-line="$JAVA_OPTS" -DargLine="$PEER_JAVA_OPTS" -Dquarkus.log.category.\"io.fabric8.mockwebserver\".level=WARN \
    >"$log" 2>&1 || { tail -60 "$log" >&2; exit 1; }
[[ -s provisioner-service/target/bench-provisioner.txt ]] || { echo "no result: the bench did not run (see $log)" >&2; exit 1; }
# BENCH provisioner tenants=N pinned=CPU|no ready=wall/cpu/peer rotations=wall/cpu/peer,... then_settled=... documents_seen=n,... peak_rss_mib=M
read -r _ _ tenants pinned ready rotation settled documents peak <provisioner-service/target/bench-provisioner.txt
flags() { [[ -n $1 ]] && printf '`%s`' "$1" || printf "none (the JVM's defaults)"; }
phase() { # wall/cpu/peer -> words
    IFS=/ read -r wall cpu peer <<<"$1"
    printf '%s ms (provisioner CPU %s ms; the test JVM: mock API server, Grafana stand-in and poll, %s ms)' "$wall" "$cpu" "$peer"
}
IFS=, read -r -a rotation_figures <<<"${rotation#*=}"
IFS=, read -r -a settled_figures <<<"${settled#*=}"
IFS=, read -r -a documents_seen <<<"${documents#*=}"
rotations=""
for (( i = 0; i < ${#rotation_figures[@]}; i++ )); do
    rotations+="$(( i + 1 )). $(phase "${rotation_figures[i]}"), ${documents_seen[i]} new document(s) handed to a gateway's long poll on the way, the reconcile's end $(phase "${settled_figures[i]}") later; "
done
rotations=${rotations%; }
where=${pinned#*=}
[[ $where == no ]] && where="unpinned" || where="the provisioner pinned to CPU $where, the test JVM to CPU $PEER_CPU"
summary=$(printf -- '- %s%s: %s, %s, provisioner flags %s, test JVM flags %s. From creation to datasources and Ready %s. Source Secret rotations, each once the provisioner was idle, to the document for every tenant holding the new secret: %s. Provisioner peak RSS (VmHWM) %s MiB. Commit %s; load average before/after: %s / %s\n' \
    "$(date '+%F %T %Z')" "${LABEL:+ - $LABEL}" "${tenants/=/ }" "$where" "$(flags "$JAVA_OPTS")" "$(flags "$PEER_JAVA_OPTS")" "$(phase "${ready#*=}")" "$rotations" \
    "${peak#*=}" "$(git rev-parse --short HEAD)" "$LOADAVG_BEFORE" "$(cut -d' ' -f1-3 /proc/loadavg)")
echo "$summary"
if [[ $RECORD == 1 ]]; then
    results=bench/results/$(date +%F).md
    [[ -f $results ]] || printf '# Benchmark results, %s\n\nWritten by `bench/run.sh` and `bench/provisioner.sh`; newest last. See bench/README.md for the method.\n\n' "$(date +%F)" >"$results"
    printf '## Provisioner at scale (bench/provisioner.sh)\n\n%s\n\n' "$summary" >>"$results"
    echo "recorded in $results" >&2
fi
