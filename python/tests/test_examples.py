"""The Python examples run as users run them (a new interpreter, plots into a temporary
directory): Black Thursday prints the C++ demo's table (compared line for line with the C++
program when the build has it), and the margin backtest's EWMA margins equal a recursion
written here over the same closes."""

import math
import os
import pathlib
import re
import statistics
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

EXAMPLES = pathlib.Path(__file__).resolve().parents[1] / "examples"


def run(script, *args, cwd):
    env = dict(os.environ, MPLBACKEND="Agg")
    done = subprocess.run([sys.executable, str(EXAMPLES / script), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def table_of(output):
    """The report: every line before the first `wrote ...` line."""
    return output.split("\nwrote ")[0]


def test_black_thursday(tmp_path):
    args = ["--positions", "5000", "--shock", "0.43"]
    out = run("black_thursday.py", *args, "--out", str(tmp_path), cwd=tmp_path)
    report = table_of(out)
    assert report.startswith("Black Thursday: a 43% shock to an ETH-like asset at 194")
    assert re.search(r"^amplification\s+\d\.\d{3}\s+\d\.\d{3}\s+\d\.\d{3}$", report, re.M)
    for name in ["cascade_price_path.png", "cascade_liquidations.png", "cascade_at_risk.png",
                 "black_thursday_rounds.csv", "black_thursday_at_risk.csv"]:
        assert (tmp_path / name).stat().st_size > 0, name
    rounds = pd.read_csv(tmp_path / "black_thursday_rounds.csv")
    assert set(rounds["scenario"]) == {"static", "vol-tight", "capped"}
    at_risk = pd.read_csv(tmp_path / "black_thursday_at_risk.csv")
    assert len(at_risk) == 61 and at_risk["final_drop"].is_monotonic_increasing
    program = os.environ.get("SPIRAL_BLACK_THURSDAY")
    if program and pathlib.Path(program).exists():
        cpp_dir = tmp_path / "cpp"
        cpp = subprocess.run([program, *args, "--out", str(cpp_dir)], capture_output=True, text=True,
                             timeout=300, check=True).stdout
        assert table_of(out) == table_of(cpp)
        for name in ["black_thursday_rounds.csv", "black_thursday_at_risk.csv"]:
            assert (tmp_path / name).read_text() == (cpp_dir / name).read_text(), name


def test_margin_backtest(tmp_path, source_dir):
    out = run("margin_backtest.py", "--out", str(tmp_path), "--data", str(source_dir / "data"), cwd=tmp_path)
    assert "ETH-USD 2017-11-09 to 2025-08-01 (2823 closes)" in out
    assert "BTC-USD 2014-09-17 to 2025-08-01 (3972 closes)" in out
    assert (tmp_path / "margin_backtest_eth.png").stat().st_size > 0
    assert (tmp_path / "margin_backtest_btc.png").stat().st_size > 0
    table = pd.read_csv(tmp_path / "margin_backtest.csv", index_col=0, parse_dates=True)
    margins = table.filter(like="eth_").dropna()  # one table for both: ETH starts later than BTC
    close = pd.read_csv(source_dir / "data/eth_usd_daily.csv", index_col="date", parse_dates=True)["close"]
    np.testing.assert_allclose(margins["eth_price"].to_numpy(), close.to_numpy(), rtol=1e-9)
    # RiskMetrics EWMA from the closes, seeded with the mean square of the first 30 returns
    r = np.diff(np.log(close.to_numpy()))
    v = [np.mean(r[:30] ** 2)]
    for x in r:
        v.append(0.94 * v[-1] + 0.06 * x * x)
    z = statistics.NormalDist().inv_cdf(0.99) * math.sqrt(2)
    expected = z * np.sqrt(v)
    np.testing.assert_allclose(margins["eth_ewma"].to_numpy(), expected, rtol=1e-8)
    # the long exceedances of the EWMA margin, counted here
    p = close.to_numpy()
    move = p[2:] / p[:-2] - 1
    hits = int(np.sum(-move[30:] > expected[30:-2]))
    row = re.search(r"^ewma\s+(\d+)\s+(\d+)", out, re.M)
    assert row and int(row.group(1)) == len(p) - 2 - 30 and int(row.group(2)) == hits
    # the buffer and the stressed weight only raise the margin
    assert np.all(margins["eth_ewma+buffer"] >= margins["eth_ewma"] * (1 - 1e-12))
    assert np.all(margins["eth_ewma+stress_weight"] >= margins["eth_ewma"] * (1 - 1e-12))
