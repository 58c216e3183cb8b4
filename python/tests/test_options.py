"""Black–Scholes over columns, implied vol, the element kernels and the normal distribution.

References: a Black–Scholes–Merton formula written here with math.erfc (independent of spiral's
normal CDF), the element kernels called through the module, and put-call parity."""

import math
import statistics
import threading

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import spiral

NAMES = ["price", "delta", "gamma", "vega", "theta", "rho"]


def phi(x):
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def reference_row(put, s, k, t, r, q, v):
    """Price and first-order Greeks of one option, textbook formulas (Hull), math.erfc."""
    sign = -1.0 if put else 1.0
    sd = v * math.sqrt(t)
    d1 = (math.log(s / k) + (r - q + 0.5 * v * v) * t) / sd
    d2 = d1 - sd
    f = s * math.exp(-q * t)
    kd = k * math.exp(-r * t)
    n1 = math.exp(-0.5 * d1 * d1) / math.sqrt(2 * math.pi)
    price = sign * (f * phi(sign * d1) - kd * phi(sign * d2))
    delta = sign * math.exp(-q * t) * phi(sign * d1)
    gamma = math.exp(-q * t) * n1 / (s * sd)
    vega = f * n1 * math.sqrt(t)
    theta = -f * n1 * v / (2 * math.sqrt(t)) + sign * (q * f * phi(sign * d1) - r * kd * phi(sign * d2))
    rho = sign * t * kd * phi(sign * d2)
    return price, delta, gamma, vega, theta, rho


def book(rng, n):
    """The benchmark's ranges: spot 20-500, strike 60-160% of spot, one day to three years."""
    spot = 20.0 * np.exp(np.log(25.0) * rng.random(n))
    return dict(
        type=rng.integers(0, 2, n).astype(np.int32),
        spot=spot,
        strike=spot * (0.6 + rng.random(n)),
        time=1.0 / 365.0 + 3.0 * rng.random(n),
        rate=-0.01 + 0.09 * rng.random(n),
        dividend=0.05 * rng.random(n),
        vol=0.05 + 1.15 * rng.random(n),
    )


def columns(b):
    return b["type"], b["spot"], b["strike"], b["time"], b["rate"], b["dividend"], b["vol"]


def test_bulk_greeks_match_the_textbook_formulas(rng):
    b = book(rng, 2000)
    g = spiral.black_scholes(*columns(b))
    assert list(g) == NAMES
    for i in range(0, 2000, 7):
        ref = reference_row(b["type"][i] == 1, *(b[c][i] for c in ["spot", "strike", "time", "rate", "dividend", "vol"]))
        for name, expected in zip(NAMES, ref):
            scale = b["spot"][i]  # prices and sensitivities are bounded by a few spots
            assert abs(g[name][i] - expected) <= 1e-11 * scale + 1e-12 * abs(expected), (name, i)


def test_bulk_greeks_match_the_element_kernel(rng):
    b = book(rng, 500)
    g = spiral.black_scholes(*columns(b))
    for i in range(500):
        one = spiral.greeks(int(b["type"][i]), *(float(b[c][i]) for c in ["spot", "strike", "time", "rate", "dividend", "vol"]))
        for name in NAMES:
            assert g[name][i] == pytest.approx(getattr(one, name), rel=1e-12, abs=1e-13 * b["spot"][i])


def test_all_thirteen_greeks_by_finite_differences():
    args = dict(spot=100.0, strike=95.0, time=0.75, rate=0.03, dividend=0.01, vol=0.3)
    g = spiral.greeks("put", **args)

    def price(**change):
        return spiral.black_scholes_price("put", **{**args, **change})

    h = 1e-4
    assert g.price == pytest.approx(price())
    assert g.dividend_rho == pytest.approx((price(dividend=0.01 + h) - price(dividend=0.01 - h)) / (2 * h), rel=1e-6)
    assert g.vanna == pytest.approx(
        (spiral.greeks("put", **{**args, "vol": 0.3 + h}).delta - spiral.greeks("put", **{**args, "vol": 0.3 - h}).delta) / (2 * h), rel=1e-6)
    assert g.volga == pytest.approx(
        (spiral.greeks("put", **{**args, "vol": 0.3 + h}).vega - spiral.greeks("put", **{**args, "vol": 0.3 - h}).vega) / (2 * h), rel=1e-5)
    assert g.charm == pytest.approx(
        -(spiral.greeks("put", **{**args, "time": 0.75 + h}).delta - spiral.greeks("put", **{**args, "time": 0.75 - h}).delta) / (2 * h), rel=1e-5)
    assert g.speed == pytest.approx(
        (spiral.greeks("put", **{**args, "spot": 100 + 1e-3}).gamma - spiral.greeks("put", **{**args, "spot": 100 - 1e-3}).gamma) / 2e-3, rel=1e-5)
    assert g.zomma == pytest.approx(
        (spiral.greeks("put", **{**args, "vol": 0.3 + h}).gamma - spiral.greeks("put", **{**args, "vol": 0.3 - h}).gamma) / (2 * h), rel=1e-5)
    assert g.color == pytest.approx(
        -(spiral.greeks("put", **{**args, "time": 0.75 + h}).gamma - spiral.greeks("put", **{**args, "time": 0.75 - h}).gamma) / (2 * h), rel=1e-5)
    assert g.veta == pytest.approx(
        -(spiral.greeks("put", **{**args, "time": 0.75 + h}).vega - spiral.greeks("put", **{**args, "time": 0.75 - h}).vega) / (2 * h), rel=1e-5)
    assert g.as_dict()["vanna"] == g.vanna
    assert spiral.greeks("call", 100, 100, 1, 0, 0, -1).price != spiral.greeks("call", 100, 100, 1, 0, 0, -1).price  # NaN


@given(
    spot=st.floats(1.0, 1000.0),
    moneyness=st.floats(0.5, 2.0),
    time=st.floats(0.01, 5.0),
    rate=st.floats(-0.02, 0.1),
    dividend=st.floats(0.0, 0.08),
    vol=st.floats(0.01, 2.0),
)
def test_put_call_parity(spot, moneyness, time, rate, dividend, vol):
    strike = spot * moneyness
    g = spiral.black_scholes([0, 1], spot, strike, time, rate, dividend, vol)
    forward_minus_strike = spot * math.exp(-dividend * time) - strike * math.exp(-rate * time)
    assert g["price"][0] - g["price"][1] == pytest.approx(forward_minus_strike, abs=1e-12 * max(spot, strike) * 8)
    assert g["delta"][0] - g["delta"][1] == pytest.approx(math.exp(-dividend * time), abs=1e-13)
    assert g["gamma"][0] == pytest.approx(g["gamma"][1], rel=1e-13)
    assert g["vega"][0] == pytest.approx(g["vega"][1], rel=1e-13)


def test_outputs_out_and_zero_copy(rng):
    b = book(rng, 1000)
    first = spiral.black_scholes(*columns(b), outputs=["price", "delta"])
    assert list(first) == ["price", "delta"]
    # a second call writes into the first call's arrays: the very same objects come back
    again = spiral.black_scholes(*columns(b), out=first)
    assert again["price"] is first["price"] and again["delta"] is first["delta"]
    out = {name: np.empty(1000) for name in NAMES}
    full = spiral.black_scholes(*columns(b), out=out)
    assert all(full[n] is out[n] for n in NAMES)
    # kernels specialised for fewer outputs may round the last bit differently (FMA contraction)
    np.testing.assert_allclose(full["price"], first["price"], rtol=1e-13)
    with pytest.raises(ValueError, match="outputs = pricee"):
        spiral.black_scholes(*columns(b), outputs=["pricee"])
    with pytest.raises(ValueError, match=r"out\['price'\]"):
        spiral.black_scholes(*columns(b), out={"price": np.empty(1000, dtype=np.float32)})
    with pytest.raises(ValueError, match=r"price.size\(\) = 10 \(must be 0 or 1000\)"):
        spiral.black_scholes(*columns(b), out={"price": np.empty(10)})
    with pytest.raises(ValueError, match="read-only"):
        ro = np.empty(1000)
        ro.setflags(write=False)
        spiral.black_scholes(*columns(b), out={"price": ro})


def test_other_layouts_are_converted(rng):
    b = book(rng, 200)
    expected = spiral.black_scholes(*columns(b))["price"]
    strided = {k: np.repeat(v, 2)[::2] for k, v in b.items()}  # not contiguous
    assert not strided["spot"].flags.c_contiguous
    np.testing.assert_array_equal(spiral.black_scholes(*columns(strided))["price"], expected)
    as_lists = {k: v.tolist() for k, v in b.items()}
    np.testing.assert_array_equal(spiral.black_scholes(*columns(as_lists))["price"], expected)
    as_int64 = dict(b, type=b["type"].astype(np.int64))
    np.testing.assert_array_equal(spiral.black_scholes(*columns(as_int64))["price"], expected)
    names = np.where(b["type"] == 0, "call", "put")
    np.testing.assert_array_equal(spiral.black_scholes(*columns(dict(b, type=names)))["price"], expected)
    enums = [spiral.call if t == 0 else spiral.put for t in b["type"]]
    np.testing.assert_array_equal(spiral.black_scholes(*columns(dict(b, type=enums)))["price"], expected)
    # integers in a float column, scalars broadcast
    g = spiral.black_scholes(np.zeros(3, dtype=np.int32), np.array([100, 110, 120]), 100, 1, 0, 0, 0.2)
    assert g["price"].shape == (3,)
    assert g["price"][0] == spiral.black_scholes("call", 100.0, 100.0, 1.0, 0.0, 0.0, 0.2)["price"]


def test_scalars_give_floats():
    g = spiral.black_scholes(spiral.call, 100.0, 100.0, 1.0, 0.0, 0.0, 0.2)
    assert isinstance(g["price"], float)
    assert g["price"] == pytest.approx(7.965567455405798, rel=1e-14)
    vol = spiral.implied_vol("call", g["price"], 100.0, 100.0, 1.0, 0.0, 0.0)
    assert isinstance(vol, float) and vol == pytest.approx(0.2, rel=1e-13)


def test_float32_columns(rng):
    b = book(rng, 3000)
    f = {k: (v.astype(np.float32) if v.dtype == np.float64 else v) for k, v in b.items()}
    g32 = spiral.black_scholes(*columns(f))
    assert g32["price"].dtype == np.float32
    g64 = spiral.black_scholes(*columns({k: v.astype(np.float64) if v.dtype == np.float32 else v for k, v in f.items()}))
    for name in NAMES:
        scale = np.maximum(np.abs(g64[name]), 1e-3 * f["spot"])
        assert np.max(np.abs(g32[name] - g64[name]) / scale) < 1e-4, name
    assert spiral.black_scholes(*columns(b), dtype="float32")["price"].dtype == np.float32
    with pytest.raises(ValueError, match="dtype = int32"):
        spiral.black_scholes(*columns(b), dtype=np.int32)


def test_bad_input_names_the_field(rng):
    b = book(rng, 10)
    bad = dict(b, vol=b["vol"].copy())
    bad["vol"][3] = -1
    with pytest.raises(ValueError, match=r"spiral: black_scholes: vol\[3\] = -1 \(must be 0 or in \[1e-08, 100\]\)"):
        spiral.black_scholes(*columns(bad))
    with pytest.raises(ValueError, match=r"type\[1\] = 'cal' \(must be 'call' or 'put'\)"):
        spiral.black_scholes(["call", "cal"], 100, 100, 1, 0, 0, 0.2)
    with pytest.raises(ValueError, match=r"type\[0\] = 2 \(must be option_type::call \(0\) or option_type::put \(1\)\)"):
        spiral.black_scholes([2, 0], 100, 100, 1, 0, 0, 0.2)
    with pytest.raises(ValueError, match=r"type\[1\] = 5000000000"):
        spiral.black_scholes(np.array([0, 5_000_000_000]), 100, 100, 1, 0, 0, 0.2)
    with pytest.raises(ValueError, match=r"spot.dtype = <U1"):
        spiral.black_scholes(b["type"], ["a"] * 10, b["strike"], b["time"], b["rate"], b["dividend"], b["vol"])
    with pytest.raises(ValueError, match=r"spot.ndim = 2"):
        spiral.black_scholes(0, np.ones((2, 2)), 100, 1, 0, 0, 0.2)
    with pytest.raises(ValueError, match=r"strike.size\(\) = 9 \(must equal type.size\(\) = 10\)"):
        spiral.black_scholes(b["type"], b["spot"], b["strike"][:9], b["time"], b["rate"], b["dividend"], b["vol"])
    with pytest.raises(ValueError, match=r"type.dtype = float64"):
        spiral.black_scholes(np.zeros(3), 100, 100, 1, 0, 0, 0.2)


def test_implied_vol_recovers_the_vol(rng):
    b = book(rng, 4000)
    price = spiral.black_scholes(*columns(b), outputs=["price"])["price"]
    iv = spiral.implied_vol(b["type"], price, b["spot"], b["strike"], b["time"], b["rate"], b["dividend"])
    element = spiral.implied_vol_element(b["type"], price, b["spot"], b["strike"], b["time"], b["rate"], b["dividend"])
    vega = spiral.black_scholes(*columns(b), outputs=["vega"])["vega"]
    priced = vega > 1e-6 * b["spot"]  # where the price still carries the vol
    assert priced.mean() > 0.95
    # the bulk call and the element kernel both recover the vol to the solver's accuracy; they
    # normalise the price in different orders (the element form from intrinsic value plus the
    # out-of-the-money Black value), so they agree to that accuracy, not to the last bits
    np.testing.assert_allclose(iv[priced], b["vol"][priced], rtol=1e-9)
    np.testing.assert_allclose(element[priced], b["vol"][priced], rtol=1e-9)
    out = np.empty(4000)
    assert spiral.implied_vol(b["type"], price, b["spot"], b["strike"], b["time"], b["rate"], b["dividend"], out=out) is out
    # below intrinsic value: no vol fits
    assert math.isnan(spiral.implied_vol("call", 1.0, 120.0, 100.0, 1.0, 0.0, 0.0))
    with pytest.raises(ValueError, match=r"implied_vol: price\[1\] = -1 \(must be finite and >= 0\)"):
        spiral.implied_vol(["call", "put"], [1.0, -1.0], 100, 100, 1, 0, 0)


def test_implied_stddev_inverts_black():
    forward = np.array([100.0, 100.0, 80.0, 130.0])
    strike = np.array([100.0, 120.0, 100.0, 100.0])
    stddev = np.array([0.2, 0.35, 0.1, 0.5])
    types = np.array([0, 1, 1, 0], dtype=np.int32)
    price = spiral.black(types, forward, strike, stddev, 0.97)
    np.testing.assert_allclose(spiral.implied_stddev(types, price, forward, strike, 0.97), stddev, rtol=1e-12)
    # black is Black–Scholes on the forward: F = S e^{(r-q)T}, discount e^{-rT}
    s, k, t, r, q, v = 100.0, 105.0, 0.5, 0.03, 0.01, 0.25
    assert spiral.black("call", s * math.exp((r - q) * t), k, v * math.sqrt(t), math.exp(-r * t)) == pytest.approx(
        spiral.black_scholes_price("call", s, k, t, r, q, v), rel=1e-14)


def test_element_kernels_give_nan_for_bad_input():
    prices = spiral.black_scholes_price([0, 1, 2], [100, -100, 100], 100, 1, 0, 0, 0.2)
    assert np.isfinite(prices[0]) and np.isnan(prices[1]) and np.isnan(prices[2])
    assert math.isnan(spiral.black("call", -1.0, 100.0, 0.2, 1.0))
    assert math.isnan(spiral.implied_vol_element("put", -1.0, 100.0, 100.0, 1.0, 0.0, 0.0))


def test_normal_distribution_matches_the_standard_library():
    normal = statistics.NormalDist()
    x = np.linspace(-8, 8, 161)
    # NormalDist.cdf goes through erf and cancels in the lower tail: compare with erfc
    np.testing.assert_allclose(spiral.norm_cdf(x), [phi(v) for v in x], rtol=1e-14, atol=1e-300)
    np.testing.assert_allclose(spiral.norm_pdf(x), [normal.pdf(v) for v in x], rtol=1e-14)
    p = np.linspace(0.001, 0.999, 99)
    np.testing.assert_allclose(spiral.norm_quantile(p), [normal.inv_cdf(v) for v in p], rtol=1e-12, atol=1e-15)
    assert spiral.norm_cdf(0.0) == 0.5


def test_threads_share_the_module(rng):
    """The bulk call releases the GIL: threads run it at once and each gets its own answer."""
    books = [book(np.random.default_rng(seed), 50_000) for seed in range(4)]
    expected = [spiral.black_scholes(*columns(b))["price"] for b in books]
    results = [None] * 4

    def work(i):
        results[i] = spiral.black_scholes(*columns(books[i]))["price"]

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for got, want in zip(results, expected):
        np.testing.assert_array_equal(got, want)


def test_empty_columns():
    g = spiral.black_scholes(np.empty(0, dtype=np.int32), *[np.empty(0)] * 6)
    assert all(v.shape == (0,) for v in g.values())
    assert spiral.implied_vol([], [], [], [], [], [], []).shape == (0,)  # [] reads as float64
    assert spiral.black_scholes(0, 100.0, 100.0, 1.0, 0.0, 0.0, 0.2, outputs=[]) == {}
