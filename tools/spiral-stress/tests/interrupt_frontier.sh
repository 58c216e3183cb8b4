#!/bin/sh
# ctest spiral_stress_frontier_interrupt: start a long `spiral-stress recommend` run, send SIGINT
# (Ctrl-C) once it reports progress, and check that it stops with exit code 130, says so on
# stderr, and writes a report (saying the run was interrupted) and frontier.csv for the scenarios
# completed.
#   interrupt_frontier.sh <spiral-stress> <config.toml> <work dir>
set -u
program=$1
config=$2
work=$3
rm -rf "$work"
mkdir -p "$work"
cd "$work" || exit 1
"$program" recommend "$config" --scenarios 100000 --output out > stdout.txt 2> stderr.txt &
pid=$!
tries=0
while ! grep -q "scenarios (" stderr.txt; do
    if ! kill -0 "$pid" 2> /dev/null; then
        echo "spiral-stress recommend ended before it could be interrupted:"
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
grep -q "interrupted after [0-9]* of 100000 scenarios" stderr.txt || fail "no 'interrupted' on stderr"
[ -f out/report.md ] || fail "no out/report.md"
grep -q "The run was interrupted (Ctrl-C) after [0-9]* of 100000" out/report.md ||
    fail "report.md does not say the run was interrupted"
[ -f out/frontier.csv ] || fail "no out/frontier.csv"
rows=$(($(wc -l < out/frontier.csv) - 1))
[ "$rows" -eq 12 ] || fail "frontier.csv has $rows rows for 12 parameter sets"
[ -f out/recommendations.csv ] || fail "no out/recommendations.csv"
echo "interrupted: exit 130, report and frontier.csv written"
