"""The cascade against a plain implementation of the reference rules written here (docs/cascade.md:
every unhealthy position liquidated once per round at the round's oracle price, sales moving the
price along the curve), conservation of collateral and debt as a property, and the analysis
functions against their definitions."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from spiral import cascade, impact


def reference(collateral, debt, threshold, price, shock, curve, close_factor=0.5,
              full_close_below=0.95, bonus=0.05, round_days=1.0 / 144):
    """The reference semantics, one position at a time. `curve` may be impact.resilient (its
    displaced volume grows with each round's sale and decays between rounds)."""
    c, d = list(collateral), list(debt)
    base = price * (1 - shock)
    market = base
    sold = 0.0
    recovering = isinstance(curve, impact.resilient)
    if recovering:
        curve = impact.resilient(curve.curve, curve.rho, curve.displaced)
    rounds = []
    while True:
        if rounds and recovering:
            curve.decay(round_days)
            market = base * curve.price_factor(0.0)
        oracle = market
        seized = repaid = bad = 0.0
        count = 0
        for i in range(len(c)):
            if not d[i] > 0:
                continue
            h = c[i] * oracle * threshold[i] / d[i]
            if not h < 1:
                continue
            fraction = 1.0 if h <= full_close_below else close_factor
            want = fraction * d[i]
            take = want * (1 + bonus) / oracle
            if not take <= c[i]:
                take, want = c[i], min(c[i] * oracle / (1 + bonus), want)
            c[i] -= take
            d[i] -= want
            if c[i] == 0 and d[i] > 0:
                bad += d[i]
                d[i] = 0.0
            seized, repaid, count = seized + take, repaid + want, count + 1
        if count == 0:
            break
        if recovering:
            proceeds = base * curve.trade(seized)
            market = base * curve.price_factor(0.0)
        else:
            proceeds = base * (curve.proceeds(sold + seized) - curve.proceeds(sold))
            sold += seized
            market = base * curve.price_factor(sold)
        rounds.append(dict(oracle_price=oracle, price=market, liquidations=count, collateral_sold=seized,
                           debt_repaid=repaid, bad_debt=bad, proceeds=proceeds))
    # the final price is the market's after the last round that liquidated (before recovery)
    return rounds, c, d, rounds[-1]["price"] if rounds else base


def small_book(seed=3, positions=400, price=194.0):
    return cascade.synthetic_book(cascade.synthetic_book_params(
        positions=positions, price=price, median_excess_health=0.3, health_dispersion=0.9, seed=seed))


CURVES = {
    "linear": lambda col: impact.linear(lambda_=0.3 / col),
    "constant_product": lambda col: impact.constant_product(base_reserve=2 * col, quote_reserve=2 * col * 194, fee=0.003),
    "resilient": lambda col: impact.resilient(impact.constant_product(base_reserve=2 * col, quote_reserve=2 * col * 194,
                                                                      fee=0.003), 24 * math.log(2)),
    "order_book": lambda col: impact.scaled_depth(impact.order_book([(194.0 - k, col / 50) for k in range(60)]), 1.0),
}


@pytest.mark.parametrize("name", sorted(CURVES))
def test_simulate_is_the_reference_cascade(name):
    b = small_book()
    curve = CURVES[name](float(np.sum(b.collateral)))
    got_c, got_d = np.empty(len(b)), np.empty(len(b))
    r = cascade.simulate(b, 194.0, 0.3, curve, final_collateral=got_c, final_debt=got_d)
    rounds, c, d, final = reference(b.collateral, b.debt, b.threshold, 194.0, 0.3, curve)
    assert r.rounds == len(rounds) > 1
    assert r.initial_price == 194.0 and r.shocked_price == pytest.approx(194.0 * 0.7)
    assert r.final_price == pytest.approx(final, rel=1e-12)
    path = r.path
    for key in ["oracle_price", "price", "collateral_sold", "debt_repaid", "bad_debt", "proceeds"]:
        np.testing.assert_allclose(path[key], [x[key] for x in rounds], rtol=1e-11, atol=1e-9, err_msg=key)
    np.testing.assert_array_equal(path["liquidations"], [x["liquidations"] for x in rounds])
    assert r.liquidations == sum(x["liquidations"] for x in rounds)
    np.testing.assert_allclose(got_c, c, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(got_d, d, rtol=1e-12, atol=1e-9)
    assert not r.truncated
    assert r.amplification() == pytest.approx((194.0 - r.final_price) / (194.0 - r.shocked_price))
    assert r.liquidator_profit() == pytest.approx(r.proceeds - r.debt_repaid)


def test_result_path_frame_and_records():
    b = small_book()
    r = cascade.simulate(b, 194.0, 0.3, CURVES["linear"](float(np.sum(b.collateral))))
    frame = r.path_frame()
    assert list(frame.columns) == ["oracle_price", "price", "threshold_multiplier", "liquidations",
                                   "collateral_sold", "debt_repaid", "bad_debt", "proceeds"]
    assert frame.index.name == "round" and frame.index[0] == 1 and len(frame) == r.rounds
    records = r.records()
    assert isinstance(records[0], cascade.round_record)
    assert records[-1].price == r.final_price and records[0].threshold_multiplier == 1.0
    assert r.as_dict()["rounds"] == r.rounds
    assert frame["collateral_sold"].sum() == pytest.approx(r.collateral_sold, rel=1e-12)


@given(
    seed=st.integers(0, 10_000),
    shock=st.floats(0.0, 0.9),
    close_factor=st.floats(0.05, 1.0),
    bonus=st.floats(0.0, 0.3),
    cap=st.integers(1, 50),
    delay=st.integers(0, 3),
)
def test_collateral_and_debt_are_conserved(seed, shock, close_factor, bonus, cap, delay):
    b = small_book(seed=seed, positions=150)
    pool = impact.constant_product(base_reserve=float(np.sum(b.collateral)), quote_reserve=float(np.sum(b.collateral)) * 194, fee=0.003)
    rules = cascade.rules(close_factor=close_factor, bonus=bonus, max_liquidations_per_round=cap, oracle_delay=delay,
                          tightening=cascade.volatility_tightening(sensitivity=0.01))
    c, d = np.empty(len(b)), np.empty(len(b))
    r = cascade.simulate(b, 194.0, shock, pool, rules, final_collateral=c, final_debt=d)
    total_c, total_d = float(np.sum(b.collateral)), float(np.sum(b.debt))
    assert np.sum(c) + r.collateral_sold == pytest.approx(total_c, rel=1e-12)
    assert np.sum(d) + r.debt_repaid + r.bad_debt == pytest.approx(total_d, rel=1e-12)
    assert np.all(c >= 0) and np.all(d >= 0) and np.all(c <= b.collateral) and np.all(d <= b.debt)
    assert r.final_price <= r.shocked_price
    assert np.all(r.path["liquidations"] <= cap)
    assert r.proceeds <= r.collateral_sold * r.shocked_price * (1 + 1e-12)


def test_prepared_book_and_liquidations_at_risk():
    b = small_book()
    prepared = cascade.prepared_book(b)
    assert len(prepared) == len(b) == b.size() == prepared.size()
    assert prepared.indebted() == np.count_nonzero(b.debt > 0)
    assert prepared.total_debt() == pytest.approx(np.sum(b.debt))
    assert prepared.total_collateral() == pytest.approx(np.sum(b.collateral))
    assert np.all(np.diff(prepared.liquidation_price) <= 0)  # highest first
    np.testing.assert_allclose(prepared.liquidation_price,
                               cascade.liquidation_price(b.collateral, b.debt, b.threshold)[prepared.row], rtol=1e-15)
    curve = CURVES["resilient"](float(np.sum(b.collateral)))
    shocks = [0.0, 0.1, 0.2, 0.4]
    points = cascade.liquidations_at_risk(prepared, 194.0, shocks, curve)
    assert [p.shock for p in points] == shocks
    assert all(isinstance(p, cascade.at_risk_point) and isinstance(p.outcome, cascade.result) for p in points)
    for p in points:
        alone = cascade.simulate(b, 194.0, p.shock, curve)
        assert p.outcome == alone
    assert cascade.liquidations_at_risk(b, 194.0, shocks, curve)[2].outcome == points[2].outcome


def test_liquidation_profile_and_toxic_positions():
    b = small_book()
    bins = cascade.liquidation_profile(b, 194.0, 20, 0.6)
    assert isinstance(bins[0], cascade.profile_bin)
    assert len(bins) == 20 and bins[0].drop_from == 0 and bins[-1].drop_to == pytest.approx(0.6)
    at = b.debt / (b.collateral * b.threshold)
    drop = np.where(at >= 194.0, 0.0, 1 - at / 194.0)
    inside = drop < 0.6
    counts = np.bincount(np.minimum((drop[inside] / 0.03).astype(int), 19), minlength=20)
    assert [x.positions for x in bins] == counts.tolist()
    assert sum(x.collateral for x in bins) == pytest.approx(np.sum(b.collateral[inside]))
    toxic = cascade.toxic_positions(b, 120.0, 0.05)
    expected = np.nonzero((b.collateral * 120.0 < b.debt * 1.05) & (b.debt > 0))[0]
    np.testing.assert_array_equal(toxic, expected)


def test_synthetic_books_are_reproducible():
    p = cascade.synthetic_book_params(positions=1000, seed=11)
    p.validate()
    a, b = cascade.synthetic_book(p), cascade.synthetic_book(p)
    np.testing.assert_array_equal(a.collateral, b.collateral)
    health = a.collateral * p.price * a.threshold / a.debt
    assert np.all(health > 1) and np.all(np.abs(a.threshold - p.threshold) <= p.threshold_spread)
    with pytest.raises(ValueError, match=r"cascade::synthetic_book_params: price = 0"):
        cascade.synthetic_book(cascade.synthetic_book_params(price=0))
    assert not a.collateral.flags.writeable  # views of the book's columns


def test_position_kernels():
    np.testing.assert_allclose(cascade.health([10.0, 5.0], 2000.0, 0.8, [8000.0, 0.0]), [2.0, math.inf])
    assert cascade.toxic_price(10.0, 1000.0, 0.05) == pytest.approx(105.0)
    one = cascade.liquidate(10.0, 1000.0, 100.0, 0.5, 0.05)
    assert isinstance(one, cascade.liquidation)
    assert (one.seized, one.repaid, one.bad_debt, one.collateral_left, one.debt_left) == pytest.approx((5.25, 500.0, 0.0, 4.75, 500.0))
    short = cascade.liquidate(1.0, 1000.0, 100.0, 1.0, 0.05)  # the collateral runs out: bad debt
    assert short.seized == 1.0 and short.repaid == pytest.approx(100 / 1.05) and short.bad_debt == pytest.approx(1000 - 100 / 1.05)
    assert short.debt_left == 0.0


def test_rules_and_bad_input():
    r = cascade.rules(size_by=cascade.sizing.target_health, target_health=1.1, bonus_slope=0.2, max_bonus=0.15,
                      max_collateral_per_round=100.0, round_days=1 / 24)
    r.validate()
    assert r.size_by == cascade.sizing.target_health and r.tightening.sensitivity == 0
    b = small_book()
    pool = CURVES["constant_product"](float(np.sum(b.collateral)))
    assert cascade.simulate(b, 194.0, 0.3, pool, r).liquidations > 0
    assert cascade.simulate(b, 194.0, 0.3, pool, cascade.rules(size_by=cascade.sizing.full)).rounds >= 1
    with pytest.raises(ValueError, match=r"spiral: cascade::simulate: shock = 1.2 \(must be in \[0, 1\)\)"):
        cascade.simulate(b, 194.0, 1.2, pool)
    with pytest.raises(ValueError, match=r"cascade::rules: target_health = 1 \(must be finite and > 1\)"):
        cascade.simulate(b, 194.0, 0.3, pool, cascade.rules(target_health=1.0))
    with pytest.raises(ValueError, match=r"cascade::prepared_book: debt\[1\] = -1 \(must be finite and >= 0\)"):
        cascade.simulate(cascade.book([1.0, 1.0], [1.0, -1.0], [0.8, 0.8]), 194.0, 0.3, pool)
    with pytest.raises(ValueError, match=r"cascade::book: threshold.size\(\) = 1"):
        cascade.book([1.0, 1.0], [1.0, 1.0], [0.8]).validate()
    with pytest.raises(ValueError, match=r"impact::constant_product: fee = 2"):
        cascade.simulate(b, 194.0, 0.3, impact.constant_product(base_reserve=1, quote_reserve=1, fee=2))
    with pytest.raises(ValueError, match=r"cascade::simulate: curve = float \(must be a spiral.impact curve\)"):
        cascade.simulate(b, 194.0, 0.3, 0.5)
    with pytest.raises(ValueError, match=r"cascade::simulate: out\['final_debt'\].size\(\)|final_positions.debt.size\(\) = 3"):
        cascade.simulate(b, 194.0, 0.3, pool, final_debt=np.empty(3))
