#!/usr/bin/env python3
"""Bulk Black–Scholes (price + 5 Greeks) of 1M options from Python, against

  cpp         the C++ call on the very same NumPy columns, timed in C++ around the library call
              (spiral._core._time_black_scholes: no Python between repetitions);
  cpp-bench   optionally (--cpp-bench PATH), the repository's Google Benchmark program
              bench_black_scholes (its own columns, same ranges): spiral_bulk_dispatch and
              spiral_bulk_simd (-O3 -march=native);
  numpy       the same six outputs written with NumPy and SciPy's norm.cdf / norm.pdf, vectorised,
              in this process.

The Python call is timed as a user makes it (time.perf_counter around spiral.black_scholes):
`python`       writing into the arrays of a previous call (out=...), as the C++ benchmark reuses
               its output vectors;
`python-fresh` allocating six new 8 MB arrays per call (page faults included).
Inputs (fixed seed): spot 20-500, strike 60%-160% of spot, one day to three years, rate -1%..8%,
dividend yield 0-5%, vol 5%-120%, calls and puts at random: bench/black_scholes.cpp's ranges.
Prints the machine, the load average before and after, medians and the two ratios of issue 16:
python / cpp (bar: <= 1.2) and numpy / python (bar: >= 25).

  bench_bulk.py [--options 1000000] [--repeats 21] [--numpy-repeats 5] [--cpp-bench PATH]
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

import numpy as np

import spiral

NAMES = ["price", "delta", "gamma", "vega", "theta", "rho"]


def book(n, seed=20240611):
    rng = np.random.default_rng(seed)
    spot = 20.0 * np.exp(np.log(25.0) * rng.random(n))
    return (
        rng.integers(0, 2, n).astype(np.int32),  # 0 call, 1 put: int32 is read in place
        spot,
        spot * (0.6 + rng.random(n)),
        1.0 / 365.0 + 3.0 * rng.random(n),
        -0.01 + 0.09 * rng.random(n),
        0.05 * rng.random(n),
        0.05 + 1.15 * rng.random(n),
    )


def numpy_scipy(type_, spot, strike, time_, rate, dividend, vol):
    """Price and first-order Greeks, the textbook way with NumPy and scipy.stats.norm."""
    from scipy.stats import norm

    sign = np.where(type_ == 0, 1.0, -1.0)
    sqrt_t = np.sqrt(time_)
    sd = vol * sqrt_t
    d1 = (np.log(spot / strike) + (rate - dividend + 0.5 * vol * vol) * time_) / sd
    d2 = d1 - sd
    dividend_discount = np.exp(-dividend * time_)
    forward = spot * dividend_discount
    strike_discounted = strike * np.exp(-rate * time_)
    cdf1 = norm.cdf(sign * d1)
    cdf2 = norm.cdf(sign * d2)
    pdf1 = norm.pdf(d1)
    return {
        "price": sign * (forward * cdf1 - strike_discounted * cdf2),
        "delta": sign * dividend_discount * cdf1,
        "gamma": dividend_discount * pdf1 / (spot * sd),
        "vega": forward * pdf1 * sqrt_t,
        "theta": -forward * pdf1 * vol / (2 * sqrt_t) + sign * (dividend * forward * cdf1 - rate * strike_discounted * cdf2),
        "rho": sign * time_ * strike_discounted * cdf2,
    }


def timed(f, repeats):
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        f()
        seconds.append(time.perf_counter() - start)
    return seconds


def machine():
    model = "?"
    try:
        with open("/proc/cpuinfo") as f:
            model = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    import scipy

    return (f"{model}, {os.cpu_count()} CPUs; {platform.python_implementation()} {platform.python_version()}, "
            f"NumPy {np.__version__}, SciPy {scipy.__version__}; spiral {spiral.__version__}, bulk calls on "
            f"{spiral.simd_target()} (spiral::dispatch)")


def cpp_bench(path):
    """Medians (s) of the C++ Google Benchmark programs' bulk runs."""
    out = subprocess.run(
        [path, "--benchmark_filter=^spiral_bulk_(dispatch|simd)(/real_time)?$", "--benchmark_repetitions=5",
         "--benchmark_min_time=0.2", "--benchmark_format=json"],
        capture_output=True, text=True, check=True).stdout
    runs = json.loads(out)["benchmarks"]
    return {r["run_name"]: r["real_time"] / 1e3 for r in runs if r.get("aggregate_name") == "median"}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--options", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=21)
    parser.add_argument("--numpy-repeats", type=int, default=5)
    parser.add_argument("--cpp-bench", help="path of bench_black_scholes (Google Benchmark) to run too")
    args = parser.parse_args(argv)

    columns = book(args.options)
    load_before = os.getloadavg()
    out = spiral.black_scholes(*columns)  # also warms the pages of the outputs
    reference = numpy_scipy(*columns)
    worst = max(float(np.max(np.abs(out[n] - reference[n]) / np.maximum(np.abs(reference[n]), 1e-6 * columns[1])))
                for n in NAMES)

    # Interleaved rounds, so that a change of load hits every variant alike.
    cpp, python, fresh, numpy = [], [], [], []
    rounds = 3
    for _ in range(rounds):
        cpp += spiral._core._time_black_scholes(*columns, out, args.repeats // rounds)
        python += timed(lambda: spiral.black_scholes(*columns, out=out), args.repeats // rounds)
        fresh += timed(lambda: spiral.black_scholes(*columns), max(1, args.repeats // (2 * rounds)))
        numpy += timed(lambda: numpy_scipy(*columns), max(1, args.numpy_repeats // rounds))
    load_after = os.getloadavg()

    median = {k: statistics.median(v) for k, v in
              [("cpp", cpp), ("python", python), ("python-fresh", fresh), ("numpy", numpy)]}
    print(f"machine: {machine()}")
    print(f"load average (1, 5, 15 min): before {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}, "
          f"after {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}")
    print(f"{args.options} options, price + delta + gamma + vega + theta + rho, double; "
          f"largest relative difference from NumPy+SciPy {worst:.1e}")
    for name, samples in [("cpp", cpp), ("python", python), ("python-fresh", fresh), ("numpy", numpy)]:
        print(f"  {name:13s} median {1e3 * median[name]:8.2f} ms   min {1e3 * min(samples):8.2f} ms   "
              f"({len(samples)} runs)")
    if args.cpp_bench:
        for name, seconds in sorted(cpp_bench(args.cpp_bench).items()):
            print(f"  {name:13s} median {1e3 * seconds:8.2f} ms   (bench_black_scholes, its own columns)")
    print(f"python / cpp          {median['python'] / median['cpp']:.3f}   (bar: <= 1.2)")
    print(f"python-fresh / cpp    {median['python-fresh'] / median['cpp']:.3f}")
    print(f"numpy+scipy / python  {median['numpy'] / median['python']:.1f}   (bar: >= 25)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
