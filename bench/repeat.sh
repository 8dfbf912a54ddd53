#!/usr/bin/env bash
# bench/run.sh several times, each with new JVMs, and the gateway's per-round ratios pooled over all of them.
# One JVM's compilation decides much of its speed: the bare Vert.x proxy's push rate moved by 13 % from one start to
# the next on the same host (bench/README.md, "Fourteenth round"), so one run's ratio is partly one start's luck.
# Pooling the rounds of several starts is what JMH's forks do. Run by hand from the repository root:
#   RUNS=4 CASES="search otlp10k" CONTENDERS="nginx gateway vertx" ROUNDS=3 DURATION=10 bench/repeat.sh
#
# Knobs (environment): RUNS=4 runs; TARGET=0.85 (rounds at or over it are counted); BENCH_WORK=/tmp/tracegate-repeat
# (run k works in $BENCH_WORK/run-k); RECORD=1 appends the pooled summary and every run's report to
# bench/results/<date>.md (0: print only); LABEL. Everything else goes to bench/run.sh as it is, but RECORD: the
# single runs never rewrite bench/README.md's "Latest recorded run".
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RUNS=${RUNS:-4}
TARGET=${TARGET:-0.85}
WORK=${BENCH_WORK:-/tmp/tracegate-repeat}
RECORD=${RECORD:-1}
LABEL=${LABEL:-}
RESULTS_FILE=${RESULTS_FILE:-$BENCH_DIR/results/$(date +%F).md}

[[ $RUNS =~ ^[0-9]+$ ]] && (( RUNS >= 2 && RUNS <= 20 )) || { echo "RUNS must be 2..20" >&2; exit 1; }
[[ $TARGET =~ ^[0-9]*\.?[0-9]+$ ]] || { echo "TARGET must be a number" >&2; exit 1; }
rm -rf "$WORK"
mkdir -p "$WORK"
started=$(date '+%F %T %Z')

# run.sh marks a run preliminary when the 1-minute load average is over a quarter of the cores at its start; right
# after a run that is the last run's own load, decaying (about 90 s from 2.3 to 0.5). Before each run, wait for it to
# fall under that line, up to 3 minutes: a run that starts busy after that was disturbed by something else.
settle() {
    local waited=0
    while (( waited < 180 )) && [[ $(awk -v n="$(nproc)" '{print ($1 > 0.25 * n)}' /proc/loadavg) == 1 ]]; do
        sleep 10
        waited=$((waited + 10))
    done
}

for ((run = 1; run <= RUNS; run++)); do
    settle
    printf '[repeat %s] run %d of %d (load average %s)\n' "$(date +%T)" "$run" "$RUNS" "$(cut -d' ' -f1-3 /proc/loadavg)" >&2
    BENCH_WORK=$WORK/run-$run RECORD=0 LABEL="run $run of $RUNS${LABEL:+, $LABEL}" "$BENCH_DIR/run.sh"
done

# Every report has, under each case's "### " heading, lines such as
#   Gateway / the bare proxy, per round by rate: 0.85 0.83 0.88 (median 0.85); by CPU per request: 0.84 0.86 0.88 (median 0.86).
# Pooled by case and contender, in the order they first appear.
SUMMARY=$WORK/summary.md
python3 - "$WORK" "$RUNS" "$TARGET" "$started" "$LABEL" >"$SUMMARY" <<'PY'
import re, statistics, sys
work, runs, target, started, label = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5]
line = re.compile(r"^Gateway / (.+), per round by rate: ([0-9. ]+)\(median")
# Since 2026-12-04 the line also gives each round's ratio by CPU per request (before, only its median).
cpu_line = re.compile(r"by CPU per request: ([0-9. ]+)\(median")
pooled = {}  # (case, other) -> [(run, [ratios])], in the order first seen
pooled_cpu = {}  # the same by CPU per request
for run in range(1, runs + 1):
    case = None
    for text in open(f"{work}/run-{run}/report.md"):
        if text.startswith("### "):
            case = text[4:].strip()
        elif (m := line.match(text)):
            pooled.setdefault((case, m.group(1)), []).append((run, [float(r) for r in m.group(2).split()]))
            if (c := cpu_line.search(text)):
                pooled_cpu.setdefault((case, m.group(1)), []).extend(float(r) for r in c.group(1).split())
print(f"## {started} - {runs} runs of bench/run.sh, new JVMs each" + (f" - {label}" if label else "") + "\n")
print("Per-round ratios by rate, pooled over the runs (bench/repeat.sh); each run's own report follows.\n")
print(f"| case | gateway / | median of each run's rounds | rounds | pooled median | lowest-highest | rounds ≥ {target:g} "
      "| by CPU per request, pooled median (lowest-highest) |")
print("|---|---|---|---:|---:|---:|---:|---:|")
for (case, other), per_run in pooled.items():
    every = sorted(r for _, rounds in per_run for r in rounds)
    runs_text = ", ".join(f"{statistics.median(rounds):.2f}" for _, rounds in per_run)
    hits = sum(r >= target for r in every)
    cpu = sorted(pooled_cpu.get((case, other), []))
    cpu_text = f"{statistics.median(cpu):.3f} ({cpu[0]:.2f}-{cpu[-1]:.2f})" if cpu else "-"
    print(f"| {case} | {other} | {runs_text} | {len(every)} | {statistics.median(every):.3f} | "
          f"{every[0]:.2f}-{every[-1]:.2f} | {hits} of {len(every)} | {cpu_text} |")
print()
PY

cat "$SUMMARY"
if [[ $RECORD == 1 ]]; then
    mkdir -p "$(dirname "$RESULTS_FILE")"
    { cat "$SUMMARY"; for ((run = 1; run <= RUNS; run++)); do sed 's/^\(#\+\) /#\1 /' "$WORK/run-$run/report.md"; printf '\n'; done; } >>"$RESULTS_FILE"
    printf 'Appended to %s\n' "$RESULTS_FILE" >&2
fi
