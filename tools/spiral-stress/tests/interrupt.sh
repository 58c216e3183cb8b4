#!/bin/sh
# ctests spiral_stress_interrupt and spiral_stress_frontier_interrupt: start a long run, send
# SIGINT (Ctrl-C) once it reports progress, and check that it stops with exit code 130, says so
# on stderr, and writes a report (saying the run was interrupted) and the CSV files for the
# scenarios completed.
#   interrupt.sh <spiral-stress> <config.toml> <work dir> [recommend]
# Without a mode: a stress run of 400000 scenarios (metrics.csv and scenarios.csv agree on the
# count); with `recommend`: a frontier of the config's 12 parameter sets over 100000 scenarios
# (frontier.csv has a row per set, recommendations.csv exists).
set -u
program=$1
config=$2
work=$3
mode=${4:-}
if [ "$mode" = recommend ]; then
    scenarios=100000
else
    scenarios=400000
fi
rm -rf "$work"
mkdir -p "$work"
cd "$work" || exit 1
# $mode unquoted on purpose: no word at all for a plain stress run
"$program" $mode "$config" --scenarios "$scenarios" --output out > stdout.txt 2> stderr.txt &
pid=$!
tries=0
while ! grep -q "scenarios (" stderr.txt; do
    if ! kill -0 "$pid" 2> /dev/null; then
        echo "spiral-stress $mode ended before it could be interrupted:"
        cat stdout.txt stderr.txt
        exit 1
    fi
    tries=$((tries + 1))
    if [ "$tries" -gt 900 ]; then
        echo "no progress line after 90 s"
        kill "$pid"
        exit 1
    fi
    sleep 0.1
done
kill -INT "$pid"
wait "$pid"
rc=$?
cat stdout.txt stderr.txt
fail() {
    echo "FAIL: $1"
    exit 1
}
[ "$rc" -eq 130 ] || fail "exit code $rc, expected 130"
grep -q "interrupted after [0-9]* of $scenarios scenarios" stderr.txt ||
    fail "no 'interrupted' on stderr"
[ -f out/report.md ] || fail "no out/report.md"
grep -q "The run was interrupted (Ctrl-C) after [0-9]* of $scenarios" out/report.md ||
    fail "report.md does not say the run was interrupted"
if [ "$mode" = recommend ]; then
    [ -f out/frontier.csv ] || fail "no out/frontier.csv"
    rows=$(($(wc -l < out/frontier.csv) - 1))
    [ "$rows" -eq 12 ] || fail "frontier.csv has $rows rows for 12 parameter sets"
    [ -f out/recommendations.csv ] || fail "no out/recommendations.csv"
    echo "interrupted: exit 130, report and frontier.csv written"
    exit 0
fi
[ -f out/metrics.csv ] || fail "no out/metrics.csv"
completed=$(sed -n 's/^scenarios,\([0-9]*\),.*/\1/p' out/metrics.csv)
[ -n "$completed" ] && [ "$completed" -gt 0 ] && [ "$completed" -lt "$scenarios" ] ||
    fail "metrics.csv says $completed scenarios"
rows=$(($(wc -l < out/scenarios.csv) - 1))
[ "$rows" -eq "$completed" ] || fail "scenarios.csv has $rows rows for $completed scenarios"
echo "interrupted after $completed scenarios: exit 130, report written"
