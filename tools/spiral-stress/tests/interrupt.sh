#!/bin/sh
# ctest spiral_stress_interrupt: start a long run, send SIGINT (Ctrl-C) once it reports
# progress, and check that it stops with exit code 130, says so on stderr, and writes a report
# for the scenarios completed that says the run was interrupted.
#   interrupt.sh <spiral-stress> <config.toml> <work dir>
set -u
program=$1
config=$2
work=$3
rm -rf "$work"
mkdir -p "$work"
cd "$work" || exit 1
"$program" "$config" --scenarios 400000 --output out > stdout.txt 2> stderr.txt &
pid=$!
tries=0
while ! grep -q "scenarios (" stderr.txt; do
    if ! kill -0 "$pid" 2> /dev/null; then
        echo "spiral-stress ended before it could be interrupted:"
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
grep -q "interrupted after [0-9]* of 400000 scenarios" stderr.txt || fail "no 'interrupted' on stderr"
[ -f out/report.md ] || fail "no out/report.md"
grep -q "The run was interrupted (Ctrl-C) after [0-9]* of 400000" out/report.md ||
    fail "report.md does not say the run was interrupted"
[ -f out/metrics.csv ] || fail "no out/metrics.csv"
completed=$(sed -n 's/^scenarios,\([0-9]*\),.*/\1/p' out/metrics.csv)
[ -n "$completed" ] && [ "$completed" -gt 0 ] && [ "$completed" -lt 400000 ] ||
    fail "metrics.csv says $completed scenarios"
rows=$(($(wc -l < out/scenarios.csv) - 1))
[ "$rows" -eq "$completed" ] || fail "scenarios.csv has $rows rows for $completed scenarios"
echo "interrupted after $completed scenarios: exit 130, report written"
