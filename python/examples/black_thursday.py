#!/usr/bin/env python3
"""Black Thursday from Python: a one-day crash of an ETH-like asset of 43% (12 March 2020)
through a lending book, three ways side by side (the C++ demo examples/black_thursday.cpp, with
the same table, from the same library calls):

  static      the reference rules (Aave v3-like: 50% close factor, full close below 0.95, 5% bonus)
  vol-tight   the same, thresholds tightened as the oracle's realised volatility rises
  capped      the same static thresholds, at most --cap liquidations per round

Seized collateral is sold into a Uniswap-v2-like pool whose depth recovers between 10-minute
rounds (half-life one hour) and holds --depth times the book's collateral. The book is
synthetic (spiral.cascade.synthetic_book) unless --book names a CSV with the columns
collateral,debt,threshold. Prints the report, writes black_thursday_rounds.csv and
black_thursday_at_risk.csv, and with matplotlib cascade_price_path.png,
cascade_liquidations.png and cascade_at_risk.png into --out.

  black_thursday.py [--book FILE] [--price 194] [--shock 0.43] [--positions 50000]
                    [--excess 1.5] [--dispersion 0.7] [--depth 2] [--cap 400]
                    [--sensitivity 0.01] [--out .]
"""

import argparse
import math
import pathlib
import sys

import numpy as np

import spiral
from spiral import cascade, impact


def read_book(path):
    """A book from a CSV file: a header line, then collateral,debt,threshold per line."""
    data = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    return cascade.book(data[:, 0], data[:, 1], data[:, 2])


def report(book, runs, price, shock, pool, depth, sensitivity, cap):
    """The C++ demo's table, line for line (printf formats)."""
    collateral = sum(book.collateral.tolist())  # summed in order, as std::accumulate does
    debt = sum(book.debt.tolist())
    print("Black Thursday: a %.0f%% shock to an ETH-like asset at %g" % (100 * shock, price))
    print("book: %d positions, %.4g units of collateral, debt %.4g; pool depth %.4g units "
          "(%.0f%% of the book's collateral), liquidity half-life 1 hour\n"
          % (len(book), collateral, debt, pool.base_reserve, 100 * depth))
    print("%-30s" % "" + "".join(" %14s" % name for name, _, _ in runs))
    rows = [
        ("exogenous drop", lambda r: 100 * shock, " %13.1f%%"),
        ("final drop", lambda r: 100 * (1 - r.final_price / r.initial_price), " %13.1f%%"),
        ("amplification", lambda r: r.amplification(), " %14.3f"),
        ("final price", lambda r: r.final_price, " %14.2f"),
        ("rounds", lambda r: r.rounds, " %14.0f"),
        ("liquidations", lambda r: r.liquidations, " %14.0f"),
        ("collateral sold (% of book)", lambda r: 100 * r.collateral_sold / collateral, " %13.2f%%"),
        ("debt repaid (% of debt)", lambda r: 100 * r.debt_repaid / debt, " %13.2f%%"),
        ("bad debt", lambda r: r.bad_debt, " %14.4g"),
        ("bad debt (% of debt)", lambda r: 100 * r.bad_debt / debt, " %13.3f%%"),
        ("liquidator profit", lambda r: r.liquidator_profit(), " %14.4g"),
    ]
    for label, value, fmt in rows:
        print("%-30s" % label + "".join(fmt % value(result) for _, _, result in runs))
    print("\nrounds are 10 minutes; volatility tightening: thresholds x max(0.5, 1 - %g * "
          "(realised vol - 0.8)); cap: %g liquidations per round" % (sensitivity, cap))


def write_csvs(out, runs, price, at_risk, profile, collateral, debt):
    rounds = out / "black_thursday_rounds.csv"
    with rounds.open("w") as f:
        f.write("scenario,round,oracle_price,price,threshold_multiplier,liquidations,"
                "collateral_sold,debt_repaid,bad_debt\n")
        for name, _, result in runs:
            f.write(f"{name},0,{price:.10g},{price:.10g},1,0,0,0,0\n")
            for k, x in enumerate(result.records(), start=1):
                f.write(f"{name},{k},{x.oracle_price:.10g},{x.price:.10g},{x.threshold_multiplier:.10g},"
                        f"{x.liquidations},{x.collateral_sold:.10g},{x.debt_repaid:.10g},{x.bad_debt:.10g}\n")
    risk = out / "black_thursday_at_risk.csv"
    with risk.open("w") as f:
        f.write("shock,final_drop,collateral_sold_share,bad_debt_share,profile_collateral_share\n")
        for i, point in enumerate(at_risk):
            r = point.outcome
            share = profile[i].collateral / collateral if i < len(profile) else 0.0
            f.write(f"{point.shock:.10g},{1 - r.final_price / price:.10g},{r.collateral_sold / collateral:.10g},"
                    f"{r.bad_debt / debt:.10g},{share:.10g}\n")
    return rounds, risk


def plot(out, runs, price, shock, at_risk, profile, collateral):
    import matplotlib

    matplotlib.use("Agg")  # files only: no display needed
    import matplotlib.pyplot as plt

    colours = ["#d7301f", "#7b3294", "#1b9e77"]
    fig, ax = plt.subplots(figsize=(10, 5.2))
    for (name, _, r), colour in zip(runs, colours):
        frame = r.path_frame()
        ax.plot([0, *frame.index], [price, *frame["price"]], marker="o", markersize=3, lw=2, color=colour, label=name)
    ax.set(title=f"Market price by round after a {round(100 * shock)}% shock (round 0: before the shock)",
           xlabel="round (10 minutes)", ylabel="price")
    ax.grid(True)
    ax.legend(loc="upper right")
    fig.savefig(out / "cascade_price_path.png", dpi=100)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(10, 5.2))
    for (name, _, r), colour in zip(runs, colours):
        path = r.path
        ax.plot(np.arange(1, r.rounds + 1), path["collateral_sold"], marker="o", markersize=3, lw=2, color=colour,
                label=name)
    ax.set_yscale("log")
    ax.set(title="Collateral sold per round (asset units)", xlabel="round (10 minutes)", ylabel="collateral sold")
    ax.grid(True)
    ax.legend(loc="upper right")
    fig.savefig(out / "cascade_liquidations.png", dpi=100)
    plt.close(fig)

    shocks = np.array([p.shock for p in at_risk])
    fig, ax = plt.subplots(figsize=(10, 5.2))
    right = ax.twinx()
    band = [b.collateral / collateral for b in profile]
    right.bar(100 * np.array([b.drop_from for b in profile]) + 0.5, band, width=0.9, color="#999999", alpha=0.35,
              label="collateral liquidatable after a drop in this band (right axis)")
    ax.plot(100 * shocks, [p.outcome.collateral_sold / collateral for p in at_risk], lw=2, color="#d7301f",
            label="collateral sold in the cascade")
    ax.plot(100 * shocks, [1 - p.outcome.final_price / price for p in at_risk], lw=2, color="#0072b2",
            label="final price drop")
    ax.plot(100 * shocks, shocks, ls="--", color="black", label="exogenous drop")
    ax.set(title="Liquidations at risk (static rules) and the liquidation-price profile",
           xlabel="exogenous shock (%)", ylabel="share of the book / price drop", xlim=(0, 60))
    right.set_ylabel("profile: share of collateral per 1% band")
    ax.set_ylim(bottom=0)
    right.set_ylim(bottom=0)
    lines, labels = ax.get_legend_handles_labels()
    bars, bar_labels = right.get_legend_handles_labels()
    ax.legend(lines + bars, labels + bar_labels, loc="upper left")
    ax.grid(True)
    fig.savefig(out / "cascade_at_risk.png", dpi=100)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--book", help="CSV with columns collateral,debt,threshold (default: synthetic)")
    parser.add_argument("--price", type=float, default=194.0)
    parser.add_argument("--shock", type=float, default=0.43)
    parser.add_argument("--positions", type=int, default=50000)
    parser.add_argument("--excess", type=float, default=1.5, help="median health - 1 of the synthetic book")
    parser.add_argument("--dispersion", type=float, default=0.7, help="sigma of log(health - 1)")
    parser.add_argument("--depth", type=float, default=2.0, help="pool depth / the book's collateral")
    parser.add_argument("--cap", type=float, default=400.0, help="liquidations per round (capped run)")
    parser.add_argument("--sensitivity", type=float, default=0.01, help="volatility tightening")
    parser.add_argument("--out", default=".", help="directory for the CSV files and plots")
    parser.add_argument("--no-plots", action="store_true", help="skip the matplotlib plots")
    args = parser.parse_args(argv)
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    if args.book:
        book = read_book(args.book)
    else:
        book = cascade.synthetic_book(cascade.synthetic_book_params(
            positions=args.positions, price=args.price, median_excess_health=args.excess,
            health_dispersion=args.dispersion))
    try:
        book.validate()
    except spiral.invalid_argument as e:
        print(f"black_thursday: {e}", file=sys.stderr)
        return 2
    collateral = sum(book.collateral.tolist())
    debt = sum(book.debt.tolist())

    # The pool holds `depth` times the book's collateral; liquidity recovers with a one-hour
    # half-life (rho per day).
    pool = impact.constant_product(base_reserve=args.depth * collateral,
                                   quote_reserve=args.depth * collateral * args.price, fee=0.003)
    curve = impact.resilient(pool, 24 * math.log(2.0))
    rules = [
        ("static", cascade.rules()),
        ("vol-tight", cascade.rules(tightening=cascade.volatility_tightening(sensitivity=args.sensitivity))),
        ("capped", cascade.rules(max_liquidations_per_round=int(args.cap))),
    ]
    prepared = cascade.prepared_book(book)
    runs = [(name, r, cascade.simulate(prepared, args.price, args.shock, curve, r)) for name, r in rules]
    report(book, runs, args.price, args.shock, pool, args.depth, args.sensitivity, args.cap)

    shocks = [0.01 * i for i in range(61)]
    at_risk = cascade.liquidations_at_risk(prepared, args.price, shocks, curve)
    profile = cascade.liquidation_profile(book, args.price, 60, 0.6)
    rounds_csv, risk_csv = write_csvs(out, runs, args.price, at_risk, profile, collateral, debt)
    print(f"wrote {rounds_csv} and {risk_csv}")
    if not args.no_plots:
        plot(out, runs, args.price, args.shock, at_risk, profile, collateral)
        print(f"wrote {out / 'cascade_price_path.png'}, {out / 'cascade_liquidations.png'} and "
              f"{out / 'cascade_at_risk.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
