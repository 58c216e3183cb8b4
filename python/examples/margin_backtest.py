#!/usr/bin/env python3
"""A margin backtest on the ETH-USD and BTC-USD daily histories (data/, Yahoo Finance closes).

Each day t a VaR margin m_t = z sigma_t sqrt(h) (fraction of the price; z for --confidence, h =
--horizon days, the margin period of risk) is set from that day's close, with sigma_t the daily
volatility forecast of
  ewma     RiskMetrics EWMA, lambda 0.94;
  garch    GARCH(1,1) fitted by maximum likelihood on the first --fit-days returns only (no look-
           ahead), then run over the whole history;
and the EWMA margin is passed through each anti-procyclicality tool of EMIR RTS 153/2013 art. 28
(a 25% buffer, 25% weight on the stressed margin, a floor from the long look-back volatility) and
a 10% daily speed limit. The backtest counts the days on which the next h days' move exceeded the
margin: a fall for a long position, a rise for a short one (each expected on a share 1 - confidence
of days for a well-calibrated normal model), and the procyclicality of each margin series (peak to
trough, largest 1-day and 5-day increases).

Prints the table (pandas), writes margin_backtest.csv (every day's margins) and, with matplotlib,
margin_backtest_eth.png and margin_backtest_btc.png into --out.

  margin_backtest.py [--data DIR] [--out .] [--confidence 0.99] [--horizon 2] [--fit-days 730]
"""

import argparse
import math
import pathlib
import sys

import numpy as np
import pandas as pd

from spiral import margin

WARM_UP = 30  # days left out of the statistics while the estimators settle


def default_data_dir():
    return pathlib.Path(__file__).resolve().parents[2] / "data"


def margins(close, confidence, horizon, fit_days):
    """Every model's margin series (fractions of the price), one value per close."""
    prices = close.to_numpy()
    returns = margin.log_returns(prices)
    var = margin.var_margin(confidence=confidence, horizon_days=horizon)
    # v_t, one per close: the forecast of the next return, known at the close of day t
    ewma = margin.ewma(lambda_=0.94).variance(returns)
    fit = margin.fit_garch11(returns[:fit_days])
    garch = fit.params.variance(returns)
    base = var.apply(ewma)
    table = pd.DataFrame(
        {
            "price": prices,
            "ewma": base,
            "garch": var.apply(garch),
            "ewma+buffer": margin.apc_buffer(buffer=0.25).apply(base),
            "ewma+stress_weight": margin.stress_weight(weight=0.25).apply(base),
            "ewma+floor": margin.lookback_floor(lookback_days=2520, var=var).apply(returns, base),
            "ewma+speed_limit": margin.speed_limit(max_daily_increase=0.10).apply(base),
        },
        index=close.index,
    )
    return table, fit


def backtest(table, horizon, confidence):
    """Exceedances and procyclicality of each margin column."""
    prices = table["price"].to_numpy()
    move = prices[horizon:] / prices[:-horizon] - 1  # the next `horizon` days' move, from day t
    rows = []
    for model in table.columns.drop("price"):
        m = table[model].to_numpy()
        live = slice(WARM_UP, len(m) - horizon)
        days = len(m) - horizon - WARM_UP
        long_hits = int(np.sum(-move[live] > m[live]))
        short_hits = int(np.sum(move[live] > m[live]))
        metrics_1 = margin.procyclicality_metrics(m[WARM_UP:], 1)
        metrics_5 = margin.procyclicality_metrics(m[WARM_UP:], 5)
        rows.append(
            {
                "model": model,
                "days": days,
                "long exceedances": long_hits,
                "long rate %": 100 * long_hits / days,
                "short exceedances": short_hits,
                "short rate %": 100 * short_hits / days,
                "mean margin %": 100 * float(np.mean(m[WARM_UP:])),
                "peak/trough": metrics_1.peak_to_trough,
                "max 1-day rise %": 100 * metrics_1.max_n_day_increase,
                "max 5-day rise %": 100 * metrics_5.max_n_day_increase,
            }
        )
    expected = 100 * (1 - confidence)
    return pd.DataFrame(rows).set_index("model"), expected


def plot(table, asset, path):
    import matplotlib

    matplotlib.use("Agg")  # files only: no display needed
    import matplotlib.pyplot as plt

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(11, 7), sharex=True, height_ratios=[1, 2])
    top.semilogy(table.index, table["price"], color="black", lw=1)
    top.set(title=f"{asset}-USD daily close and VaR margins", ylabel="price (USD, log)")
    top.grid(True)
    for model, colour in [("ewma", "#d7301f"), ("garch", "#0072b2"), ("ewma+buffer", "#7b3294"),
                          ("ewma+floor", "#1b9e77"), ("ewma+speed_limit", "#e6ab02")]:
        bottom.plot(table.index[WARM_UP:], 100 * table[model].iloc[WARM_UP:], lw=1, color=colour, label=model)
    bottom.set(ylabel="margin (% of price)")
    bottom.grid(True)
    bottom.legend(loc="upper right")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=pathlib.Path, default=default_data_dir(),
                        help="directory with eth_usd_daily.csv and btc_usd_daily.csv")
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("."))
    parser.add_argument("--confidence", type=float, default=0.99)
    parser.add_argument("--horizon", type=int, default=2, help="margin period of risk, days")
    parser.add_argument("--fit-days", type=int, default=730, help="returns the GARCH fit may see")
    parser.add_argument("--no-plots", action="store_true")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    pd.set_option("display.width", 160)
    pd.set_option("display.max_columns", 20)
    all_margins = []
    for asset in ("ETH", "BTC"):
        close = pd.read_csv(args.data / f"{asset.lower()}_usd_daily.csv", parse_dates=["date"],
                            index_col="date")["close"]
        table, fit = margins(close, args.confidence, args.horizon, args.fit_days)
        results, expected = backtest(table, args.horizon, args.confidence)
        p = fit.params
        print(f"{asset}-USD {close.index[0].date()} to {close.index[-1].date()} ({len(close)} closes); "
              f"{args.horizon}-day {100 * args.confidence:g}% VaR margin; GARCH(1,1) fitted on the first "
              f"{args.fit_days} returns: alpha {p.alpha:.4f}, beta {p.beta:.4f}, long-run vol "
              f"{math.sqrt(p.long_run_variance() * 365):.0%} a year (converged: {fit.converged})")
        print(results.round(3).to_string())
        print(f"expected exceedance rate of a calibrated normal model: {expected:g}%\n")
        all_margins.append(table.add_prefix(f"{asset.lower()}_"))
        if not args.no_plots:
            plot(table, asset, args.out / f"margin_backtest_{asset.lower()}.png")
    csv = args.out / "margin_backtest.csv"
    pd.concat(all_margins, axis=1).to_csv(csv, float_format="%.10g")
    print(f"wrote {csv}" + ("" if args.no_plots else " and the plots margin_backtest_eth.png, margin_backtest_btc.png"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
