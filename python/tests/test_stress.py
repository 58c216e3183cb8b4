"""spiral.stress against closed forms and NumPy: the liquidation probability of a one-position book
under a single-step GBM (log-normal), the summary's VaR against a sort-and-pick over the returned
column, the depth multiplier against its formula, replay against the history it replays; full path
rules against cascade.run along each scenario's path (a replayed window, computed here); thread
counts that agree bit for bit, models that own their data, and errors that name the field."""

import gc
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as hs

from path_designs import DESIGNS
from spiral import cascade, impact, margin, stress

SPOT = 100.0


def one_position(collateral=1.0, debt=80.0, threshold=0.9):
    return cascade.prepared_book(cascade.book([collateral], [debt], [threshold]))


def single_step(scenarios, seed=7, step_days=30.0, **liquidity):
    return stress.run_spec(
        scenarios=scenarios,
        seed=seed,
        path=stress.path_spec(spot=SPOT, steps=1, step_days=step_days, days_per_year=365.0),
        liquidity=stress.liquidity_response(**liquidity),
    )


def normal_cdf(x):
    return 0.5 * math.erfc(-x / math.sqrt(2))


def test_liquidation_probability_is_the_lognormal_closed_form():
    drift, vol, n = 0.1, 0.8, 20000
    spec = single_step(n)
    result = stress.run(one_position(), stress.gbm(drift=drift, vol=vol), impact.linear(0.0), spec=spec)
    assert isinstance(result, stress.run_result)
    assert result.completed == n and len(result) == n
    t = spec.path.step_years()
    assert t == pytest.approx(30 / 365)
    level = 80.0 / (1.0 * 0.9)  # liquidation price: debt / (collateral threshold)
    p = normal_cdf((math.log(level / SPOT) - (drift - vol**2 / 2) * t) / (vol * math.sqrt(t)))
    liquidated = np.mean(result.liquidations > 0)
    assert abs(liquidated - p) < 5 * math.sqrt(p * (1 - p) / n)
    # no impact: the market ends where the model does; the liquidated are those below the level
    np.testing.assert_array_equal(result.final_price, result.final_exogenous_price)
    np.testing.assert_array_equal(result.liquidations > 0, result.final_exogenous_price < level)
    np.testing.assert_array_equal(result.depth, 1.0)


def stressed_run(threads, scenarios=400, model=None, rules=None):
    book = cascade.prepared_book(cascade.synthetic_book(cascade.synthetic_book_params(
        positions=200, price=SPOT, median_excess_health=0.2, health_dispersion=0.8, seed=5)))
    spec = stress.run_spec(scenarios=scenarios, seed=11,
                           path=stress.path_spec(spot=SPOT, steps=24, step_days=1.0 / 24, vol_multiplier=1.5))
    total = book.total_collateral()
    curve = impact.constant_product(base_reserve=2 * total, quote_reserve=2 * total * SPOT, fee=0.003)
    model = model or stress.merton(drift=0.0, vol=0.9, jump_intensity=20.0, jump_mean=-0.15, jump_vol=0.1)
    rules = rules if rules is not None else cascade.rules(bonus=0.08)
    return stress.run(book, model, curve, rules, spec=spec, threads=threads)


COLUMNS = ["bad_debt", "insolvent_value", "liquidation_volume", "liquidations", "final_exogenous_price",
           "final_price", "min_price", "borrowing_power", "debt_outstanding", "borrowing_power_available",
           "collateral_locked", "depth"]


def test_threads_give_identical_columns():
    one, two = stressed_run(threads=1), stressed_run(threads=2)
    assert set(one.columns()) == set(COLUMNS)
    for name in COLUMNS:
        a, b = getattr(one, name), getattr(two, name)
        assert a.dtype == np.float64 and a.shape == (400,)
        np.testing.assert_array_equal(a, b, err_msg=name)
    assert one.summary() == two.summary()
    assert isinstance(stress.parallel, bool)


def test_summary_var_is_the_order_statistic_of_the_column():
    result = stressed_run(threads=0)
    s = result.summary()
    assert isinstance(s, stress.summary) and s.scenarios == 400
    n = len(result.insolvent_value)
    assert np.count_nonzero(result.insolvent_value) > 0  # the check is not about zeros
    ordered = np.sort(result.insolvent_value)
    for q, level in ((s.var95, 0.95), (s.var99, 0.99)):
        assert isinstance(q, stress.quantile_estimate) and q.level == level
        assert q.value == ordered[math.ceil(level * n) - 1]
        assert q.lower <= q.value <= q.upper
    assert s.lar95.value == np.sort(result.liquidation_volume)[math.ceil(0.95 * n) - 1]
    assert isinstance(s.es95, stress.estimate)
    assert s.es95.value == pytest.approx(ordered[math.ceil(0.95 * n) - 1:].mean())
    assert s.mean_bad_debt.value == pytest.approx(result.bad_debt.mean())
    assert s.probability_of_bad_debt.value == pytest.approx(np.mean(result.insolvent_value > 0))
    assert s.initial_debt > 0 and s.final_price_p50.value == np.sort(result.final_price)[n // 2 - 1]
    with pytest.raises(ValueError):
        result.insolvent_value[0] = 1.0  # read-only views


def test_depth_follows_the_liquidity_response():
    ref, elasticity, floor = 0.3, 1.5, 0.2
    spec = single_step(2000, step_days=1.0, reference_vol=ref, elasticity=elasticity, floor=floor)
    assert spec.liquidity.enabled()
    result = stress.run(one_position(), stress.student_t(drift=0.0, vol=0.9, degrees_of_freedom=10.0),
                        impact.linear(0.0), spec=spec)
    realised = np.abs(np.log(result.final_exogenous_price / SPOT)) / math.sqrt(spec.path.step_years())
    with np.errstate(divide="ignore"):
        expected = np.clip((ref / realised) ** elasticity, floor, 1.0)
    np.testing.assert_allclose(result.depth, expected, rtol=1e-12)
    assert result.depth.min() == floor and result.depth.max() == 1.0


def test_replay_and_bootstrap_own_their_data(rng):
    prices = SPOT * np.exp(np.cumsum(rng.normal(0, 0.02, 60)))
    expected_final = SPOT * prices[10] / prices[0]
    spec = stress.run_spec(scenarios=50, path=stress.path_spec(spot=SPOT, steps=10, step_days=1.0))

    model = stress.replay(prices.copy(), start=0)
    kept = prices.copy()
    history = stress.history_log_returns(kept)
    np.testing.assert_allclose(history, np.diff(np.log(kept)))
    boot = stress.bootstrap(history, block_length=3)
    assert boot.block_length == 3 and math.isnan(boot.mean)
    assert boot.history_mean() == pytest.approx(history.mean())
    reference = stress.run(one_position(), boot, impact.linear(0.0), spec=spec).final_exogenous_price.copy()

    del kept, history  # the models hold copies
    gc.collect()
    garbage = [np.full(60, -1.0) for _ in range(20)]  # reuse freed memory, if it was freed
    result = stress.run(one_position(), model, impact.linear(0.0), spec=spec)
    np.testing.assert_allclose(result.final_exogenous_price, expected_final, rtol=1e-12)
    np.testing.assert_array_equal(
        stress.run(one_position(), boot, impact.linear(0.0), spec=spec).final_exogenous_price, reference)
    np.testing.assert_array_equal(model.prices, prices)
    assert not model.random_start and model.start == 0
    del garbage

    model.random_start = True
    model.validate_for(spec.path)
    randomised = stress.run(one_position(), model, impact.linear(0.0), spec=spec)
    assert len(np.unique(randomised.final_exogenous_price)) > 1
    model.random_start = False
    model.start = 55  # a window of 11 prices from 55 does not fit in 60
    with pytest.raises(ValueError, match="spec.steps"):
        stress.run(one_position(), model, impact.linear(0.0), spec=spec)


def test_garch_paths_fitted_and_by_hand(rng):
    # a GARCH(1,1) history of daily log-returns, as prices
    omega, alpha, beta = 2e-6, 0.08, 0.9
    v, r = omega / (1 - alpha - beta), []
    for z in rng.standard_normal(1500):
        e = math.sqrt(v) * z
        r.append(e)
        v = omega + alpha * e * e + beta * v
    prices = SPOT * np.exp(np.cumsum(r))
    fitted = stress.fit_garch_paths(prices, start=stress.garch_start.long_run,
                                    innovations=stress.innovation.student_t, degrees_of_freedom=6.0)
    assert isinstance(fitted, stress.garch_paths) and isinstance(fitted.params, margin.garch11)
    assert fitted.params.alpha + fitted.params.beta < 1 and math.isnan(fitted.initial_variance)
    assert fitted.first_variance() == pytest.approx(fitted.params.long_run_variance())
    returns = stress.history_log_returns(prices)
    from_returns = stress.fit_garch_paths(returns, kind=stress.history_kind.log_returns)
    assert from_returns.params == stress.fit_garch_paths(prices).params
    by_hand = stress.garch_paths(margin.garch11(omega=omega, alpha=alpha, beta=beta), mean=0.0)
    by_hand.validate()
    spec = stress.run_spec(scenarios=300, path=stress.path_spec(spot=SPOT, steps=20, step_days=1.0))
    for model in (fitted, by_hand):
        result = stress.run(one_position(debt=50.0), model, impact.linear(0.0), spec=spec)
        assert np.all(np.isfinite(result.final_exogenous_price))
        assert np.all(result.liquidations == 0)  # 20 days at about 1.5% a day do not halve the price


def test_merton_mean_is_the_compensated_drift():
    drift, n = 0.2, 4000
    spec = single_step(n, step_days=365.0)
    model = stress.merton(drift=drift, vol=0.2, jump_intensity=3.0, jump_mean=-0.1, jump_vol=0.05)
    final = stress.run(one_position(debt=1.0), model, impact.linear(0.0), spec=spec).final_exogenous_price
    assert abs(final.mean() - SPOT * math.exp(drift)) < 5 * final.std() / math.sqrt(n)


def test_specs_are_keyword_dataclasses():
    spec = stress.run_spec(scenarios=10, seed=3, first_scenario=5)
    spec.path.steps = 4  # nested fields are writable in place
    spec.liquidity = stress.liquidity_response(reference_vol=0.5)
    assert spec.path.steps == 4 and spec.liquidity.reference_vol == 0.5
    assert spec.as_dict()["first_scenario"] == 5
    assert stress.path_spec() == stress.path_spec(spot=1.0, steps=96, step_days=1 / 24)
    spec.validate()
    stress.gbm(vol=0.5).validate()
    stress.merton().validate()


@pytest.mark.parametrize("make, field", [
    (lambda: stress.run_spec(scenarios=0).validate(), "scenarios"),
    (lambda: stress.path_spec(spot=-1.0).validate(), "spot"),
    (lambda: stress.liquidity_response(floor=0.0).validate(), "floor"),
    (lambda: stress.gbm(vol=-0.2).validate(), "vol"),
    (lambda: stress.student_t(degrees_of_freedom=2.0).validate(), "degrees_of_freedom"),
    (lambda: stress.bootstrap([0.01, 0.02], block_length=3).validate(), "block_length"),
    (lambda: stress.replay([1.0]).validate(), "prices"),
    (lambda: stress.history_log_returns([1.0, -2.0]), "prices"),
    (lambda: stress.fit_garch_paths([1.0, 1.1, 1.2]), "returns"),
])
def test_bad_input_names_the_field(make, field):
    with pytest.raises(ValueError, match=field):
        make()


def test_run_rejects_bad_input_with_the_library_message():
    with pytest.raises(ValueError, match=r"spiral: stress::run: scenarios = 0"):
        stress.run(one_position(), stress.gbm(vol=0.5), impact.linear(0.0), spec=single_step(0))
    with pytest.raises(ValueError, match=r"spiral: stress::gbm: vol = -0.5"):
        stress.run(one_position(), stress.gbm(vol=-0.5), impact.linear(0.0), spec=single_step(10))
    with pytest.raises(ValueError, match="model"):
        stress.run(one_position(), "gbm", impact.linear(0.0), spec=single_step(10))
    with pytest.raises(ValueError, match="curve"):
        stress.run(one_position(), stress.gbm(vol=0.5), None, spec=single_step(10))


# ---- full path rules


def test_path_rules_holding_the_rules_give_the_same_columns():
    plain = stressed_run(threads=0)
    wrapped = stressed_run(threads=0, rules=cascade.path_rules(liquidation=cascade.rules(bonus=0.08)))
    assert np.count_nonzero(plain.liquidations) > 0  # the check is not about empty runs
    for name in COLUMNS:
        assert np.array_equal(getattr(plain, name), getattr(wrapped, name)), name
    assert plain.summary() == wrapped.summary()
    # the default rules are the default path rules
    book, spec = one_position(debt=85.0), single_step(200)
    default = stress.run(book, stress.gbm(vol=0.8), impact.linear(0.01), spec=spec)
    explicit = stress.run(book, stress.gbm(vol=0.8), impact.linear(0.01), cascade.path_rules(), spec=spec)
    for name in COLUMNS:
        assert np.array_equal(getattr(default, name), getattr(explicit, name)), name


def test_unprofitable_keepers_liquidate_nothing_in_any_scenario():
    # keepers that only liquidate at a profit, with gas worth more than any position: no
    # liquidation pays, so none happens, while the same scenarios under the default keepers
    # liquidate; the paths themselves do not depend on the rules.
    costly = cascade.path_rules(liquidation=cascade.rules(bonus=0.08),
                                keepers=cascade.keeper_rules(only_profitable=True, gas=1e12))
    default, idle = stressed_run(threads=0), stressed_run(threads=0, rules=costly)
    assert np.count_nonzero(default.liquidations) > 0
    np.testing.assert_array_equal(idle.liquidations, 0.0)
    np.testing.assert_array_equal(idle.liquidation_volume, 0.0)
    np.testing.assert_array_equal(idle.final_price, idle.final_exogenous_price)  # nothing sold
    np.testing.assert_array_equal(idle.final_exogenous_price, default.final_exogenous_price)


HISTORY = SPOT * np.exp(np.cumsum(np.random.default_rng(20240613).normal(-0.006, 0.03, 121)))


def random_book(rng, n):
    collateral = rng.lognormal(0.0, 1.0, n)
    threshold = rng.uniform(0.7, 0.9, n)
    health = 1 + rng.lognormal(-3.5, 1.0, n)  # most within a few percent of their threshold
    debt = collateral * SPOT * threshold / health
    return cascade.book(collateral, debt, threshold)


@given(
    seed=hs.integers(0, 2**32 - 1),
    design=hs.sampled_from(sorted(DESIGNS)),
    start=hs.integers(0, 60),
    steps=hs.integers(1, 60),
    step_minutes=hs.sampled_from([1.0, 60.0, 1440.0]),
    bonus=hs.floats(0.0, 0.2),
    protocol_fee=hs.floats(0.0, 1.0),
    gas=hs.floats(0.0, 20.0),
    margin=hs.floats(0.0, 0.5),
    latency=hs.integers(0, 2),
    delay=hs.integers(0, 2),
    feed=hs.booleans(),
)
def test_each_scenario_is_cascade_run_along_its_path(seed, design, start, steps, step_minutes, bonus,
                                                     protocol_fee, gas, margin, latency, delay, feed):
    # replay from a fixed start makes every scenario's path known here: spot x the history's
    # window over its first price. Each scenario must be cascade.run along it, same rules.
    rng = np.random.default_rng(seed)
    b = random_book(rng, 40)
    book = cascade.prepared_book(b)
    step_days = step_minutes / 1440
    spec = stress.run_spec(scenarios=3, seed=seed,
                           path=stress.path_spec(spot=SPOT, steps=steps, step_days=step_days))
    path = SPOT * (HISTORY[start:start + steps + 1] / HISTORY[start])
    rules = DESIGNS[design](step_days)
    if design == "keepers":
        rules.liquidation = cascade.rules(bonus=bonus)
        rules.terms.protocol_fee = protocol_fee
        rules.keepers = cascade.keeper_rules(only_profitable=True, gas=gas, margin=margin,
                                             latency_steps=latency)
        rules.oracle.delay_steps = delay
    if feed:  # a feed of three sources, two of them fixed series (the same in every scenario)
        rules.oracle.sources = [cascade.oracle_source(path * 1.01), cascade.oracle_source(),
                                cascade.oracle_source(path * 0.97, heartbeat_days=step_days * 3)]
    curve = impact.exponential(2.0 / float(np.sum(b.collateral)))

    result = stress.run(book, stress.replay(HISTORY, start=start), curve, rules, spec=spec)

    c, d = np.empty(len(b)), np.empty(len(b))
    r = cascade.run(book, cascade.price_path(path, step_days=step_days), curve, rules,
                    final_collateral=c, final_debt=d)
    steps_of = r.steps
    volume = 0.0
    for seized, oracle in zip(steps_of["collateral_seized"], steps_of["oracle_price"]):
        volume += seized * oracle
    low = min(path[0], steps_of["market_price"].min(), steps_of["price"].min())
    p = r.final_price
    multiplier = steps_of["threshold_multiplier"][-1]
    value = c * p
    cap = value * (np.asarray(b.threshold) * multiplier)
    exact = {"bad_debt": r.bad_debt, "liquidations": float(r.liquidations), "final_price": p,
             "final_exogenous_price": path[-1], "min_price": low, "depth": 1.0}
    summed = {"liquidation_volume": volume,
              "insolvent_value": r.bad_debt + np.sum(np.maximum(d - value, 0.0)),
              "borrowing_power": np.sum(cap),
              "debt_outstanding": np.sum(d),
              "borrowing_power_available": np.sum(np.maximum(cap - d, 0.0)),
              "collateral_locked": np.sum(value)}
    for name, expected in exact.items():
        np.testing.assert_array_equal(getattr(result, name), expected, err_msg=name)
    for name, expected in summed.items():  # sums in another order: to rounding
        np.testing.assert_allclose(getattr(result, name), expected, rtol=1e-12, atol=1e-9, err_msg=name)


def test_run_rejects_bad_rules_naming_the_field():
    book, model, curve, spec = one_position(), stress.gbm(vol=0.5), impact.linear(0.0), single_step(10)
    with pytest.raises(ValueError, match=r"spiral: stress::run: rules = float \(must be a "
                                         r"spiral.cascade.path_rules or rules\)"):
        stress.run(book, model, curve, 1.5, spec=spec)
    with pytest.raises(ValueError, match=r"stress::run: rules = str"):
        stress.run(book, model, curve, rules="rules", spec=spec)
    short = cascade.path_rules(oracle=cascade.oracle_rules(sources=[cascade.oracle_source([100.0] * 5)]))
    with pytest.raises(ValueError, match=r"spiral: stress::run: rules.oracle.sources\[0\].prices.size\(\) = 5 "
                                         r"\(must equal spec.path.steps \+ 1 = 2"):
        stress.run(book, model, curve, short, spec=spec)
    depeg = cascade.path_rules(debt_oracle=cascade.oracle_rules(
        sources=[cascade.oracle_source(), cascade.oracle_source([1.0, 0.9, 0.8])]))
    with pytest.raises(ValueError, match=r"rules.debt_oracle.sources\[1\].prices.size\(\) = 3"):
        stress.run(book, model, curve, depeg, spec=spec)
    with pytest.raises(ValueError, match=r"keepers.max_liquidations"):
        stress.run(book, model, curve, cascade.path_rules(keepers=cascade.keeper_rules(max_liquidations=0)),
                   spec=spec)
    with pytest.raises(ValueError, match=r"liquidation.oracle_delay"):
        stress.run(book, model, curve, cascade.path_rules(liquidation=cascade.rules(oracle_delay=1)), spec=spec)
