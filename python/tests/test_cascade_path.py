"""cascade.run, the cascade along a price path: hand-worked cases redone here by formula (one
position along a path, Aave v3's protocol fee, Compound III's absorb and storefront), a path
that drops once and stays flat against the single-shock simulate round by round, the accounting
identities of docs/cascade.md as properties over random books, paths and rule sets, the venue
presets, and bad input named by field."""

import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from path_designs import DESIGNS
from spiral import cascade, impact

SUMMED = ["liquidations", "collateral_seized", "collateral_sold", "protocol_fee", "debt_repaid",
          "bad_debt", "proceeds", "repaid_value", "gas", "unprofitable", "deferred", "blocked",
          "auctions_started", "auctions_settled", "zero_bid_auctions", "collateral_returned",
          "collateral_kept", "raised", "incentives", "penalty", "returned_value"]


def check_accounts(book, r, c, d):
    """docs/cascade.md: collateral seized = sold + protocol fee + returned + held by the protocol;
    debt before = after + repaid + bad debt + debt behind live auctions; steps add up to the
    totals; the final book agrees with the totals."""
    total_c, total_d = float(np.sum(book.collateral)), float(np.sum(book.debt))
    scale_c, scale_d = max(total_c, 1.0), max(total_d, 1.0)
    assert r.initial_collateral == pytest.approx(total_c, rel=1e-12)
    assert r.initial_debt == pytest.approx(total_d, rel=1e-12)
    assert abs(r.initial_collateral - (r.final_collateral + r.collateral_seized)) <= 1e-12 * scale_c
    assert abs(r.initial_debt - (r.final_debt + r.debt_repaid + r.bad_debt + r.auction_debt)) <= 1e-12 * scale_d
    assert abs(np.sum(c) - r.final_collateral) <= 1e-10 * scale_c
    assert abs(np.sum(d) - r.final_debt) <= 1e-10 * scale_d
    assert abs(r.collateral_seized - (r.collateral_sold + r.protocol_fee + r.collateral_returned
                                      + r.protocol_collateral)) <= 1e-10 * scale_c
    assert np.all(c >= 0) and np.all(d >= 0)
    assert np.all(c <= np.asarray(book.collateral) * (1 + 1e-15))
    assert np.all(d <= np.asarray(book.debt) * (1 + 1e-15))
    steps = r.steps
    for name in SUMMED:
        column = steps[name]
        if column.dtype == np.int64:
            assert int(column.sum()) == getattr(r, name), name
        else:
            assert float(column.sum()) == pytest.approx(getattr(r, name), rel=1e-12, abs=1e-12 * scale_d), name
    if len(steps["price"]):
        assert steps["price"][-1] == r.final_price
        assert steps["protocol_collateral"][-1] == r.protocol_collateral
        assert steps["auction_debt"][-1] == r.auction_debt
    assert r.liquidator_profit() == pytest.approx(r.proceeds - r.repaid_value - r.gas)
    assert r.shortfall() == pytest.approx(r.bad_debt + r.incentives - r.penalty)


def run_with_book(book, path, curve, rules=None):
    c, d = np.empty(len(book)), np.empty(len(book))
    r = cascade.run(book, path, curve, rules if rules is not None else cascade.path_rules(),
                    final_collateral=c, final_debt=d)
    return r, c, d


def test_one_position_along_a_path_by_hand():
    # tests/unit/cascade_path.cpp, "run: one position along a path, by hand": 1 unit at 1000,
    # debt 800, threshold 0.85 (liquidation price 941.18); path 1000 -> 960 -> 930 -> 990,
    # linear impact 0.2, reference rules.
    b = cascade.book([1.0], [800.0], [0.85])
    path = cascade.price_path(np.array([1000.0, 960.0, 930.0, 990.0]), step_days=1 / 144)
    lam = 0.2
    r, c, d = run_with_book(b, path, impact.linear(lam))
    assert isinstance(r, cascade.path_result)
    s = r.steps
    assert len(r.records()) == 3 and len(s["price"]) == 3 and len(path) == 3
    # step 1 at 960: health 960 * 0.85 / 800 = 1.02, nothing
    assert s["liquidations"][0] == 0 and s["oracle_price"][0] == 960 and s["price"][0] == 960
    # step 2 at 930: health 0.988 in (0.95, 1): half the debt, seize 400 * 1.05 / 930
    s2 = 400 * 1.05 / 930
    assert s["liquidations"][1] == 1
    assert s["collateral_sold"][1] == pytest.approx(s2, rel=1e-15)
    assert s["debt_repaid"][1] == pytest.approx(400, rel=1e-15)
    # proceeds: 930 times the integral of 1 - lam q over [0, s2]
    assert s["proceeds"][1] == pytest.approx(930 * (s2 - lam / 2 * s2 * s2), rel=1e-14)
    assert s["price"][1] == pytest.approx(930 * (1 - lam * s2), rel=1e-15)
    # step 3: the exogenous price rises to 990, the impact stays
    m3 = 990 * (1 - lam * s2)
    assert s["exogenous_price"][2] == 990
    assert s["market_price"][2] == pytest.approx(m3, rel=1e-15)
    assert (1 - s2) * m3 * 0.85 / 400 > 1 and s["liquidations"][2] == 0
    assert c[0] == pytest.approx(1 - s2, rel=1e-14) and d[0] == pytest.approx(400, rel=1e-15)
    assert r.final_price == pytest.approx(m3, rel=1e-15)
    assert r.liquidator_profit() == pytest.approx(r.proceeds - 400, rel=1e-15)
    np.testing.assert_allclose(s["time"], [1 / 144, 2 / 144, 3 / 144], rtol=1e-15)
    assert r.shortfall() == 0 and r.zero_bid_share() == 0
    check_accounts(b, r, c, d)
    # the DataFrame and the records say the same
    frame = r.steps_frame()
    assert frame.index.name == "step" and list(frame.index) == [1, 2, 3]
    assert list(frame.columns) == list(cascade.step_record._fields) == list(s)
    assert frame["collateral_sold"].sum() == pytest.approx(r.collateral_sold, rel=1e-15)
    rec = r.records()[1]
    assert isinstance(rec, cascade.step_record) and rec.debt_repaid == s["debt_repaid"][1]
    assert r.as_dict()["liquidations"] == 1 and "auction_debt" in r._fields
    # a bare array of prices is a path of one-minute steps; a prepared book is the same book
    bare = cascade.run(b, [1000.0, 960.0, 930.0, 990.0], impact.linear(lam))
    assert bare.steps["time"][0] == pytest.approx(1 / 1440) and bare.debt_repaid == r.debt_repaid
    assert cascade.run(cascade.prepared_book(b), path, impact.linear(lam)) == r


def test_aave_protocol_fee_by_hand():
    # 10 ETH at 1,900, threshold 0.825, debt 16,000: health 0.98 > 0.95, half the debt repaid.
    # Bonus 5%, protocol fee 10% of the bonus collateral; the fee is not sold.
    taken = 8000 / 1900 * 1.05
    to_protocol = 0.10 * taken * 0.05 / 1.05
    b = cascade.book([10.0], [16000.0], [0.825])
    rules = cascade.path_rules(terms=cascade.liquidation_terms(protocol_fee=0.10, full_close_value=2000,
                                                               min_leftover_value=1000))
    r, c, d = run_with_book(b, cascade.price_path([2000.0, 1900.0]), impact.linear(0.0), rules)
    assert r.liquidations == 1
    assert r.protocol_fee == pytest.approx(to_protocol, rel=1e-13)
    assert r.collateral_sold == pytest.approx(taken - to_protocol, rel=1e-15)
    assert r.collateral_sold == pytest.approx(4.4, rel=1e-15)
    assert r.collateral_seized == pytest.approx(taken, rel=1e-15)
    assert c[0] == pytest.approx(10 - taken, rel=1e-15) and d[0] == 8000
    assert r.liquidator_profit() == pytest.approx(4.4 * 1900 - 8000, rel=1e-13)
    check_accounts(b, r, c, d)
    # the Aave v3 preset is the same rule set (bonus 5%, fee 10%)
    assert cascade.run(b, cascade.price_path([2000.0, 1900.0]), impact.linear(0.0),
                       cascade.venues.aave_v3()).protocol_fee == pytest.approx(to_protocol, rel=1e-13)


def test_compound_absorb_by_hand():
    # 1 WETH against 2,500 USDC, liquidateCF 0.9: health 0.972 at 2,700. Absorbed whole: credit
    # 2,700 * 0.95 = 2,565, the 65 over the debt is the owner's; a buyer then pays the storefront
    # price 2,700 (1 - 0.5 (1 - 0.95)) and resells at 2,700.
    b = cascade.book([1.0], [2500.0], [0.9])
    rules = cascade.venues.compound_v3_usdc_weth()
    assert rules.design == cascade.liquidation_design.absorb
    rules.absorb.target_reserves = math.inf  # always for sale (written in place)
    assert rules.absorb.target_reserves == math.inf
    r, c, d = run_with_book(b, cascade.price_path([3000.0, 2700, 2700, 2700]), impact.linear(0.0), rules)
    s = r.steps
    assert s["auctions_started"][0] == 1 and s["debt_repaid"][0] == 2500 and s["bad_debt"][0] == 0
    assert s["returned_value"][0] == pytest.approx(65, rel=1e-13)
    assert s["protocol_collateral"][0] == 1 and c[0] == 0 and d[0] == 0
    storefront = 2700 * (1 - 0.5 * (1 - 0.95))
    assert rules.absorb.storefront_factor() == pytest.approx(storefront / 2700)
    assert s["collateral_sold"][1] == 1 and s["raised"][1] == pytest.approx(storefront, rel=1e-15)
    assert r.protocol_collateral == 0
    assert r.liquidator_profit() == pytest.approx(2700 - storefront, rel=1e-13)
    check_accounts(b, r, c, d)
    # under water at 2,000: credit 1,900 against 2,500, 600 of bad debt
    deep, c, d = run_with_book(b, cascade.price_path([3000.0, 2000.0]), impact.linear(0.0), rules)
    assert deep.debt_repaid == pytest.approx(1900, rel=1e-15) and deep.bad_debt == pytest.approx(600, rel=1e-13)
    assert deep.shortfall() == pytest.approx(600, rel=1e-13)
    check_accounts(b, deep, c, d)


def random_book(rng, n):
    collateral = rng.lognormal(0.0, 1.0, n)
    threshold = rng.uniform(0.7, 0.9, n)
    health = 1 + rng.lognormal(-2.0, 0.8, n)
    debt = collateral * 100.0 * threshold / health
    debt[rng.random(n) < 0.05] = 0.0
    return cascade.book(collateral, debt, threshold)


@pytest.mark.parametrize("trial", range(40))
def test_a_drop_then_flat_path_is_simulate_round_by_round(trial):
    rng = np.random.default_rng(20260313 + trial)
    b = random_book(rng, 60)
    rules = cascade.rules(close_factor=rng.uniform(0.2, 1.0), bonus=rng.uniform(0.0, 0.15),
                          max_liquidations_per_round=int(rng.integers(1, 80)))
    shock = rng.uniform(0.0, 0.5)
    alpha = rng.uniform(0.0, 0.1)
    curve = [impact.linear(alpha / 4), impact.exponential(alpha),
             impact.resilient(impact.exponential(alpha), rng.uniform(0, 300))][trial % 3]
    delay = int(rng.integers(0, 4)) if trial % 4 == 0 else 0
    delayed = cascade.rules(close_factor=rules.close_factor, bonus=rules.bonus,
                            max_liquidations_per_round=rules.max_liquidations_per_round, oracle_delay=delay)
    once = cascade.simulate(b, 100.0, shock, curve, delayed)
    assert not once.truncated
    steps = once.rounds + delay + 1
    prices = np.full(steps + 1, 100 * (1 - shock))
    prices[0] = 100.0
    pr = cascade.path_rules(liquidation=rules, oracle=cascade.oracle_rules(delay_steps=delay))
    along, c, d = run_with_book(b, cascade.price_path(prices, step_days=rules.round_days), curve, pr)
    s, x = along.steps, once.path
    n = once.rounds
    np.testing.assert_array_equal(s["liquidations"][:n], x["liquidations"])
    assert np.all(s["liquidations"][n:] == 0)
    np.testing.assert_allclose(s["oracle_price"][:n], x["oracle_price"], rtol=1e-12)
    np.testing.assert_allclose(s["price"][:n], x["price"], rtol=1e-12)
    for name in ["collateral_sold", "debt_repaid", "proceeds"]:
        np.testing.assert_allclose(s[name][:n], x[name], rtol=0, atol=1e-12 * max(getattr(once, name), 1e-300))
    np.testing.assert_allclose(s["bad_debt"][:n], x["bad_debt"], rtol=0, atol=1e-12 * (once.bad_debt + 1e-300))
    assert along.liquidations == once.liquidations
    for name in ["collateral_sold", "debt_repaid", "bad_debt", "proceeds"]:
        assert getattr(along, name) == pytest.approx(getattr(once, name), rel=1e-12, abs=1e-300)
    # the single shock's final book is the path's
    c1, d1 = np.empty(len(b)), np.empty(len(b))
    cascade.simulate(b, 100.0, shock, curve, delayed, final_collateral=c1, final_debt=d1)
    np.testing.assert_allclose(c, c1, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(d, d1, rtol=1e-12, atol=1e-300)
    check_accounts(b, along, c, d)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    design=st.sampled_from(sorted(DESIGNS)),
    steps=st.integers(1, 80),
    vol=st.floats(0.0, 0.05),
    step_minutes=st.sampled_from([1.0, 10.0, 60.0]),
    close_factor=st.floats(0.05, 1.0),
    bonus=st.floats(0.0, 0.2),
    protocol_fee=st.floats(0.0, 1.0),
    only_profitable=st.booleans(),
    gas=st.floats(0.0, 5.0),
    latency=st.integers(0, 3),
    cap=st.integers(1, 50),
    delay=st.integers(0, 2),
    debt_depeg=st.booleans(),
    recovering=st.booleans(),
)
def test_accounting_along_random_paths(seed, design, steps, vol, step_minutes, close_factor, bonus,
                                       protocol_fee, only_profitable, gas, latency, cap, delay,
                                       debt_depeg, recovering):
    rng = np.random.default_rng(seed)
    b = random_book(rng, 80)
    step_days = step_minutes / 1440
    prices = 100.0 * np.exp(np.concatenate([[0.0], np.cumsum(rng.normal(-vol / 4, vol, steps))]))
    debt_prices = 1 + 0.02 * rng.standard_normal(steps + 1) if debt_depeg else None
    times = np.cumsum(rng.uniform(0.5, 1.5, steps + 1)) * step_days
    path = cascade.price_path(prices, step_days=step_days, times=times if seed % 2 else None,
                              debt_prices=debt_prices)
    rules = DESIGNS[design](step_days)
    if design == "keepers":
        rules.liquidation = cascade.rules(close_factor=close_factor, bonus=bonus,
                                          max_liquidations_per_round=cap)
        rules.terms.protocol_fee = protocol_fee
        rules.keepers = cascade.keeper_rules(only_profitable=only_profitable, gas=gas, latency_steps=latency)
        rules.oracle.delay_steps = delay
    rules.validate(len(prices))
    depth = float(np.sum(b.collateral))
    base = impact.exponential(2.0 / depth)
    curve = impact.resilient(base, 50.0) if recovering else base
    r, c, d = run_with_book(b, path, curve, rules)
    assert len(r.records()) == steps
    check_accounts(b, r, c, d)
    if design == "keepers":
        assert np.all(r.steps["liquidations"] <= cap)
    assert 0 <= r.zero_bid_share() <= 1
    np.testing.assert_array_equal(r.steps["exogenous_price"], prices[1:])


def test_oracle_sources_and_a_delay():
    # A feed of three sources, one of them spiking alone at step 2: the median leaves it out, so
    # nothing is liquidated; the market alone liquidates.
    b = cascade.book([1.0], [85.0], [0.9])  # liquidation price 94.4
    prices = np.array([100.0, 100.0, 100.0, 100.0])
    spike = np.array([100.0, 100.0, 80.0, 100.0])
    steady = np.array([100.0, 101.0, 100.0, 99.5])
    median = cascade.oracle_rules(sources=[cascade.oracle_source(), cascade.oracle_source(spike),
                                           cascade.oracle_source(steady)])
    assert len(median.sources) == 3 and median.sources[0].prices is None
    assert isinstance(median.sources, tuple)  # not a list whose append would change nothing
    np.testing.assert_array_equal(median.sources[1].prices, spike)
    quiet = cascade.run(b, cascade.price_path(prices), impact.linear(0.0), cascade.path_rules(oracle=median))
    assert quiet.liquidations == 0
    np.testing.assert_allclose(quiet.steps["oracle_price"], [100.0, 100.0, 100.0])
    alone = cascade.oracle_rules(sources=[cascade.oracle_source(spike)])
    loud = cascade.run(b, cascade.price_path(prices), impact.linear(0.0), cascade.path_rules(oracle=alone))
    assert loud.steps["oracle_price"][1] == 80.0 and loud.steps["liquidations"][1] == 1
    # an oracle two steps late moves the liquidation two steps later
    drop = np.array([100.0, 90.0, 90.0, 90.0, 90.0])
    now = cascade.run(b, drop, impact.linear(0.0))
    late = cascade.run(b, drop, impact.linear(0.0), cascade.path_rules(oracle=cascade.oracle_rules(delay_steps=2)))
    assert now.steps["liquidations"][0] == 1
    assert list(late.steps["liquidations"][:3]) == [0, 0, 1]
    assert list(late.steps["oracle_price"][:3]) == [100.0, 100.0, 90.0]
    # sources are owned: the caller's list and arrays can go
    rules = cascade.path_rules(oracle=cascade.oracle_rules(sources=[cascade.oracle_source(np.array(spike))]))
    del spike
    assert rules.oracle.sources[0].prices[2] == 80.0
    replaced = cascade.path_rules()
    replaced.oracle.sources = rules.oracle.sources  # written in place through the path rules
    assert len(replaced.oracle.sources) == 1
    assert cascade.run(b, cascade.price_path(prices), impact.linear(0.0), rules).liquidations == 1


def test_venue_presets_carry_their_documented_values():
    aave = cascade.venues.aave_v3()
    assert (aave.liquidation.close_factor, aave.liquidation.full_close_below, aave.liquidation.bonus,
            aave.terms.protocol_fee) == (0.5, 0.95, 0.05, 0.10)
    v33 = cascade.venues.aave_v3_3(bonus=0.075)
    assert (v33.liquidation.bonus, v33.terms.full_close_value, v33.terms.min_leftover_value) == (0.075, 2000, 1000)
    morpho = cascade.venues.morpho_blue()
    assert morpho.terms.incentive == cascade.incentive_model.morpho_blue and morpho.liquidation.close_factor == 1
    assert cascade.morpho_incentive(0.86) == pytest.approx(1 / (0.3 * 0.86 + 0.7))
    assert cascade.morpho_incentive(0.5) == 1.15
    comp = cascade.venues.compound_v3_usdc_weth()
    assert comp.absorb == cascade.absorb_rules.usdc_mainnet_weth()
    assert (comp.absorb.liquidation_factor, comp.absorb.store_front_price_factor, comp.absorb.target_reserves) == (0.95, 0.5, 5e6)
    osm = cascade.venues.maker_osm(1 / 1440)
    assert osm.delay_steps == 60 and osm.deviation == math.inf and osm.heartbeat_days == pytest.approx(1 / 24)
    flip = cascade.venues.maker_flipper_march_2020(1 / 144)
    assert flip.design == cascade.liquidation_design.english_auction and flip.flipper.zero_bidder
    assert flip.oracle.delay_steps == 6 and flip.flipper == cascade.flipper_rules.eth_a_march_2020()
    assert (flip.flipper.beg, flip.flipper.ttl_seconds, flip.flipper.tau_seconds) == (1.03, 600, 6 * 3600)
    clip = cascade.venues.maker_clipper_2021(1 / 1440)
    assert clip.design == cascade.liquidation_design.dutch_auction
    assert clip.clipper == cascade.clipper_rules.eth_b_2021()
    assert (clip.clipper.buf, clip.clipper.step_seconds, clip.clipper.hole) == (1.2, 60, 15e6)
    assert clip.clipper.price(100.0, 125.0) == pytest.approx(100 * 0.99**2)
    assert cascade.clipper_rules.yfi_a_2021().tail_seconds == 140 * 60
    assert cascade.flipper_rules.contract_defaults() == cascade.flipper_rules()
    for rules in [aave, v33, morpho, comp, flip, clip]:
        rules.validate()
    # the defaults are the reference rules
    d = cascade.path_rules()
    assert d.liquidation == cascade.rules() and d.design == cascade.liquidation_design.keepers
    assert d.keepers == cascade.keeper_rules() and not d.keepers.active() and not d.terms.active()
    assert "liquidation=rules(" in repr(d)


def test_run_in_threads_gives_the_same_results():
    rng = np.random.default_rng(7)
    b = cascade.prepared_book(random_book(rng, 2000))
    path = cascade.price_path(100 * np.exp(np.cumsum(rng.normal(-0.002, 0.01, 500))), step_days=1 / 144)
    curve = impact.square_root()
    alone = cascade.run(b, path, curve)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: cascade.run(b, path, curve), range(8)))
    assert all(r == alone for r in results)


def test_bad_input_names_the_field():
    b = cascade.book([1.0, 2.0], [50.0, 60.0], [0.8, 0.8])
    curve = impact.linear(0.01)
    good = np.array([100.0, 90.0, 80.0])

    def run(path, rules=None, **kw):
        return cascade.run(b, path, curve, rules if rules is not None else cascade.path_rules(), **kw)

    with pytest.raises(ValueError, match=r"spiral: cascade::run: prices\[1\] = nan"):
        run(cascade.price_path([100.0, math.nan, 80.0]))
    with pytest.raises(ValueError, match=r"prices\[2\] = -1 \(must be .*> 0"):
        run(cascade.price_path([100.0, 90.0, -1.0]))
    with pytest.raises(ValueError, match=r"prices.size\(\) = 0"):
        run(cascade.price_path([]))
    with pytest.raises(ValueError, match=r"step_days = 0"):
        run(cascade.price_path(good, step_days=0.0))
    with pytest.raises(ValueError, match=r"times\[2\] = 1 .*sorted in time"):
        run(cascade.price_path(good, times=[0.0, 2.0, 1.0]))
    with pytest.raises(ValueError, match=r"times.size\(\) = 2 .*prices.size\(\) = 3"):
        run(cascade.price_path(good, times=[0.0, 1.0]))
    with pytest.raises(ValueError, match=r"debt_prices\[1\] = 0"):
        run(cascade.price_path(good, debt_prices=[1.0, 0.0, 1.0]))
    with pytest.raises(ValueError, match=r"cascade::price_path: prices.ndim = 2"):
        cascade.price_path(np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"cascade::price_path: prices.dtype = <U1"):
        cascade.price_path(np.array(["a", "b"]))
    with pytest.raises(ValueError, match=r"cascade::price_path: times\[2\] = 1"):
        cascade.price_path(good, times=[0.0, 2.0, 1.0]).validate()
    with pytest.raises(ValueError, match=r"liquidation.oracle_delay = 2 .*oracle.delay_steps"):
        run(good, cascade.path_rules(liquidation=cascade.rules(oracle_delay=2)))
    with pytest.raises(ValueError, match=r"close_factor = 0"):
        run(good, cascade.path_rules(liquidation=cascade.rules(close_factor=0.0)))
    with pytest.raises(ValueError, match=r"close_factor = 0"):
        run(good, cascade.rules(close_factor=0.0))  # a rules is the path rules' liquidation
    short = cascade.oracle_rules(sources=[cascade.oracle_source(), cascade.oracle_source([1.0, 2.0])])
    with pytest.raises(ValueError, match=r"oracle.sources\[1\].prices.size\(\) = 2 .*prices.size\(\) = 3"):
        run(good, cascade.path_rules(oracle=short))
    negative = cascade.oracle_rules(sources=[cascade.oracle_source([1.0, -2.0, 1.0])])
    with pytest.raises(ValueError, match=r"debt_oracle.sources\[0\].prices\[1\] = -2"):
        run(good, cascade.path_rules(debt_oracle=negative))
    with pytest.raises(ValueError, match=r"terms.protocol_fee = 1.5"):
        run(good, cascade.path_rules(terms=cascade.liquidation_terms(protocol_fee=1.5)))
    with pytest.raises(ValueError, match=r"keepers.max_liquidations = 0"):
        run(good, cascade.path_rules(keepers=cascade.keeper_rules(max_liquidations=0)))
    with pytest.raises(ValueError, match=r"absorb.liquidation_factor = 0"):
        run(good, cascade.path_rules(absorb=cascade.absorb_rules(liquidation_factor=0.0)))
    with pytest.raises(ValueError, match=r"clipper.cut = 1"):
        run(good, cascade.path_rules(clipper=cascade.clipper_rules(cut=1.0)))
    with pytest.raises(ValueError, match=r"flipper.beg = 1"):
        run(good, cascade.path_rules(flipper=cascade.flipper_rules(beg=1.0)))
    with pytest.raises(ValueError, match=r"cascade::run: rules = float \(must be a spiral.cascade.path_rules or rules\)"):
        run(good, 0.5)
    with pytest.raises(ValueError, match=r"cascade::run: curve = float"):
        cascade.run(b, good, 0.5)
    with pytest.raises(ValueError, match=r"cascade::run: book = list"):
        cascade.run([1.0], good, curve)
    with pytest.raises(ValueError, match=r"cascade::run: debt\[1\] = -1"):
        cascade.run(cascade.book([1.0, 1.0], [1.0, -1.0], [0.8, 0.8]), good, curve)
    with pytest.raises(ValueError, match=r"final_positions.debt.size\(\) = 3"):
        run(good, final_debt=np.empty(3))
    with pytest.raises(ValueError, match=r"impact::linear: lambda = -1"):
        cascade.run(b, good, impact.linear(-1.0))


def reference_path(collateral, debt, threshold, prices, curve, debt_prices=None, close_factor=0.5,
                   full_close_below=0.95, bonus=0.05):
    """docs/cascade.md's step, written out for the default rules and a curve that does not
    recover: the market price is prices[k] times the curve's price_factor of all that has been
    sold, both oracles show the market at the start of the step, every due position (health < 1
    at their ratio) is liquidated once, the step's seized collateral is sold in one sale."""
    c, d = list(collateral), list(debt)
    debt_prices = np.ones(len(prices)) if debt_prices is None else debt_prices
    sold = 0.0
    out = {name: [] for name in ["oracle_price", "price", "liquidations", "collateral_sold", "debt_repaid",
                                 "bad_debt", "proceeds", "repaid_value"]}
    for k in range(1, len(prices)):
        oracle = prices[k] * curve.price_factor(sold)
        ratio = oracle / debt_prices[k]
        seized = repaid = bad = 0.0
        count = 0
        for i in range(len(c)):
            if not d[i] > 0:
                continue
            h = c[i] * ratio * threshold[i] / d[i]
            if not h < 1:
                continue
            want = (1.0 if h <= full_close_below else close_factor) * d[i]
            take = want * (1 + bonus) / ratio
            if not take <= c[i]:
                take, want = c[i], min(c[i] * ratio / (1 + bonus), want)
            c[i] -= take
            d[i] -= want
            if c[i] == 0 and d[i] > 0:
                bad += d[i]
                d[i] = 0.0
            seized, repaid, count = seized + take, repaid + want, count + 1
        proceeds = prices[k] * (curve.proceeds(sold + seized) - curve.proceeds(sold))
        sold += seized
        for name, value in [("oracle_price", oracle), ("price", prices[k] * curve.price_factor(sold)),
                            ("liquidations", count), ("collateral_sold", seized), ("debt_repaid", repaid),
                            ("bad_debt", bad), ("proceeds", proceeds), ("repaid_value", repaid * debt_prices[k])]:
            out[name].append(value)
    return out, np.array(c), np.array(d)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    steps=st.integers(1, 40),
    vol=st.floats(0.0, 0.08),
    depeg=st.booleans(),
    close_factor=st.floats(0.05, 1.0),
    bonus=st.floats(0.0, 0.2),
    kind=st.sampled_from(["linear", "exponential", "constant_product"]),
)
def test_run_is_the_step_written_out(seed, steps, vol, depeg, close_factor, bonus, kind):
    rng = np.random.default_rng(seed)
    b = random_book(rng, 50)
    prices = 100.0 * np.exp(np.concatenate([[0.0], np.cumsum(rng.normal(-vol / 3, vol, steps))]))
    debt_prices = np.exp(0.03 * rng.standard_normal(steps + 1)) if depeg else None
    depth = float(np.sum(b.collateral))
    curve = {"linear": impact.linear(0.3 / depth), "exponential": impact.exponential(1.0 / depth),
             "constant_product": impact.constant_product(base_reserve=depth, quote_reserve=depth, fee=0.003)}[kind]
    rules = cascade.path_rules(liquidation=cascade.rules(close_factor=close_factor, bonus=bonus))
    r, c, d = run_with_book(b, cascade.price_path(prices, debt_prices=debt_prices), curve, rules)
    want, c_ref, d_ref = reference_path(b.collateral, b.debt, b.threshold, prices, curve, debt_prices,
                                        close_factor=close_factor, bonus=bonus)
    s = r.steps
    np.testing.assert_array_equal(s["liquidations"], want["liquidations"])
    for name in ["oracle_price", "price"]:
        np.testing.assert_allclose(s[name], want[name], rtol=1e-12)
    for name in ["collateral_sold", "debt_repaid", "bad_debt", "proceeds", "repaid_value"]:
        scale = max(float(np.sum(want[name])), 1e-300)
        np.testing.assert_allclose(s[name], want[name], rtol=0, atol=1e-12 * scale, err_msg=name)
    np.testing.assert_allclose(c, c_ref, rtol=1e-12, atol=1e-12 * depth)
    np.testing.assert_allclose(d, d_ref, rtol=1e-12, atol=1e-12 * float(np.sum(b.debt)))
    if debt_prices is not None:
        np.testing.assert_allclose(s["debt_oracle_price"], debt_prices[1:], rtol=1e-15)
    check_accounts(b, r, c, d)
