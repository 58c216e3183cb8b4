"""Margin: the option rule against its formulas, scenario grids against a revaluation written
here (element prices through the module, vol shocks from their formula), size-dependent and
dynamic margin and the estimators against their recursions, errors that name the field."""

import math
import statistics

import numpy as np
import pytest

import spiral
from spiral import margin

Z99 = statistics.NormalDist().inv_cdf(0.99)


def deribit(put, spot, strike, mark, rule):
    """Deribit's standard short-option requirement (initial, maintenance), per unit."""
    m = mark / spot
    otm = max(0.0, (spot - strike) if put else (strike - spot)) / spot
    im = max(rule.im_floor, rule.im_base - otm) + m
    if put:
        mm = max(rule.mm_base, rule.mm_base * m) + m
        im = max(mm, im)
    else:
        mm = rule.mm_base + m
    return im * spot, mm * spot


def test_position_requirement_is_the_deribit_rule(rng):
    n = 300
    types = rng.integers(0, 2, n).astype(np.int32)
    quantity = rng.uniform(-10, 10, n)
    spot = rng.uniform(50, 150, n)
    strike = spot * rng.uniform(0.7, 1.3, n)
    mark = rng.uniform(0, 20, n)
    rule = margin.venues.deribit
    assert rule == margin.option_rule(im_base=0.15, im_floor=0.10, mm_base=0.075)
    req = margin.position_requirement(rule, types, quantity, spot, strike, mark)
    for i in range(n):
        im, mm = deribit(types[i] == 1, spot[i], strike[i], mark[i], rule)
        short = max(0.0, -quantity[i])
        assert req["initial"][i] == pytest.approx(short * im, rel=1e-14, abs=1e-12)
        assert req["maintenance"][i] == pytest.approx(short * mm, rel=1e-14, abs=1e-12)
        one = margin.short_option_requirement(rule, int(types[i]), spot[i], strike[i], mark[i])
        assert req["initial"][i] == pytest.approx(short * one[0], rel=1e-15)
    out = {"initial": np.empty(n), "maintenance": np.empty(n)}
    again = margin.position_requirement(margin.venues.conservative, types, quantity, spot, strike, mark, out=out)
    assert again["initial"] is out["initial"]
    scalar = margin.position_requirement(rule, "put", -2.0, 100.0, 90.0, 3.0)
    assert scalar["initial"] == pytest.approx(2 * deribit(True, 100, 90, 3, rule)[0])
    with pytest.raises(ValueError, match=r"margin::option_rule: im_floor = 0.2 \(must be <= im_base\)"):
        margin.position_requirement(margin.option_rule(im_base=0.15, im_floor=0.2), types, quantity, spot, strike, mark)
    with pytest.raises(ValueError, match=r"margin::position_requirement: mark\[0\] = -1"):
        margin.position_requirement(rule, "call", -1.0, 100.0, 100.0, [-1.0, 1.0])


def shocked(shock, vol, time, direction):
    if direction == 0:
        return vol
    days = max(shock.min_days, time * shock.days_per_year)
    power = shock.short_term_power if days <= shock.pivot_days else shock.long_term_power
    size = (shock.up if direction > 0 else -shock.down) * (shock.pivot_days / days) ** power
    return max(0.0, vol + size * (vol if shock.relative else 1.0))


def revalue(grid, options, quantity, linear=()):
    """Each scenario's P&L by full revaluation, one option at a time (element prices)."""
    pnl = np.zeros(len(grid))
    for opt, q in zip(options, quantity):
        t, s, k, time, r, d, v = opt
        base = spiral.black_scholes_price(t, s, k, time, r, d, v)
        for j, sc in enumerate(grid.scenarios):
            value = spiral.black_scholes_price(t, s * (1 + sc.price_move), k, max(0.0, time - grid.horizon_years), r, d,
                                               shocked(grid.shock, v, time, sc.vol_direction))
            pnl[j] += q * (value - base)
    for lq, lp in linear:
        pnl += np.array([lq * lp * sc.price_move for sc in grid.scenarios])
    return pnl


def worst(grid, pnl):
    loss = [-sc.weight * p for sc, p in zip(grid.scenarios, pnl)]
    k = int(np.argmax(loss))
    return max(0.0, loss[k]), k


PORTFOLIO = [("put", 100.0, 95.0, 0.1, 0.01, 0.0, 0.6), ("call", 100.0, 110.0, 0.5, 0.01, 0.0, 0.5),
             ("put", 100.0, 80.0, 0.02, 0.01, 0.0, 0.9)]
QUANTITY = [-10.0, 5.0, -3.0]


def run(grid, linear=()):
    cols = list(zip(*PORTFOLIO))
    kwargs = {}
    if linear:
        kwargs = dict(linear_quantity=[l[0] for l in linear], linear_price=[l[1] for l in linear])
    return margin.grid_margin(grid, *cols, QUANTITY, **kwargs)


@pytest.mark.parametrize("grid", [margin.span_parameters().grid(), margin.crypto_pm_parameters().grid()],
                         ids=["span16", "crypto35"])
def test_preset_grids_against_revaluation(grid):
    got = run(grid, linear=[(2.0, 100.0)])
    assert isinstance(got, margin.grid_margin_result)
    pnl = revalue(grid, PORTFOLIO, QUANTITY, linear=[(2.0, 100.0)])
    np.testing.assert_allclose(got.scenario_pnl, pnl, rtol=1e-11, atol=1e-11)
    m, k = worst(grid, pnl)
    assert got.margin == pytest.approx(m, rel=1e-12) and got.worst == k


def test_span_grid_is_cmes_risk_array():
    p = margin.span_parameters(price_scan_range=0.06, vol_scan_range=0.04)
    g = p.grid()
    moves = [s.price_move for s in g.scenarios]
    assert moves[:2] == [0, 0]
    assert moves[2] == pytest.approx(0.02) and moves[4] == pytest.approx(-0.02) and moves[12] == pytest.approx(-0.06)
    assert moves[14:] == pytest.approx([0.12, -0.12])
    assert [s.weight for s in g.scenarios[14:]] == [0.35, 0.35]
    assert (g.shock.up, g.shock.down, g.horizon_years) == (0.04, 0.04, pytest.approx(1 / 365))
    c = margin.crypto_pm_parameters().grid()
    assert len(c) == 35 and c.size() == 35 and c.shock.relative
    assert [s.price_move for s in c.scenarios[27:]] == [-0.66, -0.33, 0.5, 1.0, 2.0, 3.0, 4.0, 5.0]


@pytest.mark.parametrize("count", [1, 5, 20, 40])
def test_grids_of_any_size(count, rng):
    scenarios = [margin.scenario(m, d, w) for m, d, w in
                 zip(rng.uniform(-0.3, 0.3, count), rng.integers(-1, 2, count), rng.uniform(0.2, 1, count))]
    grid = margin.scenario_grid(scenarios, margin.vol_shock(up=0.05, down=0.04), horizon_years=2 / 365)
    got = run(grid)
    pnl = revalue(grid, PORTFOLIO, QUANTITY)
    np.testing.assert_allclose(got.scenario_pnl, pnl, rtol=1e-11, atol=1e-11)
    m, k = worst(grid, pnl)
    assert got.margin == pytest.approx(m, rel=1e-12) and got.worst == k


def test_grid_whose_scenarios_all_gain():
    # long a call: every up move gains; the worst is the least gain (margin 0)
    grid = margin.scenario_grid([margin.scenario(0.1, 0), margin.scenario(0.2, 0), margin.scenario(0.05, 0)])
    got = margin.grid_margin(grid, "call", 100.0, 100.0, 0.5, 0.0, 0.0, 0.3, 1.0)
    assert got.margin == 0.0 and got.worst == 2


def test_grid_errors():
    g = margin.span_parameters().grid()
    with pytest.raises(ValueError, match=r"margin::grid_margin: options.vol\[1\] = -1 \(must be 0 or in \[1e-08, 100\]\)"):
        margin.grid_margin(g, "put", 100.0, 100.0, 0.5, 0.0, 0.0, [0.3, -1.0], -1.0)
    with pytest.raises(ValueError, match=r"margin::scenario_grid: scenarios.vol_direction\[0\] = 2"):
        margin.grid_margin(margin.scenario_grid([margin.scenario(0.1, 2)]), "put", 100.0, 100.0, 0.5, 0.0, 0.0, 0.3, -1.0)
    with pytest.raises(ValueError, match=r"margin::span_parameters: extreme_multiple = 30"):
        margin.span_parameters(extreme_multiple=30).grid()
    with pytest.raises(ValueError, match=r"grid.scenarios.size\(\) = 0"):
        margin.grid_margin(margin.scenario_grid([]), "put", 100.0, 100.0, 0.5, 0.0, 0.0, 0.3, -1.0)
    with pytest.raises(ValueError, match=r"margin::crypto_pm_parameters: price_range = 1"):
        margin.crypto_pm_parameters(price_range=1.0).validate()


def test_vol_shock_risk_arrays_and_delta_gamma_vega():
    s = margin.vol_shock(up=0.5, down=0.25, relative=True, short_term_power=0.3, long_term_power=0.13)
    for vol, time, direction in [(0.6, 0.02, 1), (0.6, 0.5, -1), (0.6, 0.5, 0)]:
        assert s.shocked(vol, time, direction) == pytest.approx(shocked(s, vol, time, direction), rel=1e-14)
    s.validate()
    arrays = np.arange(32, dtype=float).reshape(2, 16) - 10
    r = margin.risk_array_margin(arrays, [1.0, -2.0])
    loss = -(arrays[0] - 2 * arrays[1])
    assert isinstance(r, margin.grid_result)
    assert r.margin == max(0, loss.max()) and r.worst == int(np.argmax(loss))
    with pytest.raises(ValueError, match=r"arrays.shape\[1\] = 3"):
        margin.risk_array_margin(np.zeros((1, 3)), [1.0])
    dgv = margin.delta_gamma_vega(price_move=0.1, vol_move=0.05)
    dgv.validate()
    taylor, full = dgv("call", 100.0, 100.0, 0.25, 0.0, 0.0, 0.5, -2.0)
    g = spiral.greeks("call", 100.0, 100.0, 0.25, 0.0, 0.0, 0.5)
    losses = []
    for i in (-1, 0, 1):
        for j in (-1, 0, 1):
            ds, dv = 100 * 0.1 * i, 0.05 * j
            losses.append(2.0 * (g.delta * ds + 0.5 * g.gamma * ds * ds + g.vega * dv))
    assert taylor == pytest.approx(max(0.0, max(losses)), rel=1e-13)
    assert full > 0


def test_accounts():
    q, p, t, ltv = [10.0, 2.0], [2000.0, 30000.0], [0.8, 0.75], [0.7, 0.7]
    assert margin.health_factor(q, p, t, 20000.0) == pytest.approx((16000 + 45000) / 20000)
    assert margin.borrowing_power(q, p, t, ltv, 20000.0) == pytest.approx(14000 + 42000 - 20000)
    assert margin.liquidation_price(q, p, t, 50000.0, 0) == pytest.approx((50000 - 45000) / 8)
    assert math.isinf(margin.health_factor(q, p, t, 0.0))
    with pytest.raises(ValueError, match=r"margin::account: liquidation_threshold\[1\] = 1.5"):
        margin.health_factor(q, p, [0.8, 1.5], 1.0)


def test_size_dependent():
    s = margin.sqrt_size(base=0.05, factor=0.001)
    size = np.array([0.0, 100.0, 2500.0, 1e6, -1e6])
    np.testing.assert_allclose(s.rate(size), np.maximum(0.05, 0.001 * np.sqrt(np.abs(size))))
    assert s(-1e6, 3.0) == pytest.approx(1e6 * 3.0 * 1.0)
    o = margin.open_interest_scaled(base=0.1, low_cap=0.05, high_cap=0.25)
    # shares 1%, 10%, 15%, 50%: base up to 5%, then linear to 1 at 25%
    np.testing.assert_allclose(o.rate([1.0, 10.0, 15.0, 50.0], 100.0), [0.1, 0.1 + 0.9 * 0.25, 0.1 + 0.9 * 0.5, 1.0])
    tiers = [margin.bracket(0, 0.004, 125), margin.bracket(50_000, 0.005, 100), margin.bracket(250_000, 0.01, 50)]
    b = margin.leverage_brackets(tiers)
    b.validate()
    n = np.array([10_000.0, 50_000.0, 100_000.0, 300_000.0])
    # MM(N) = sum over tiers of the tier's rate times the part of N inside it
    expected = [min(x, 50_000) * 0.004 + max(0, min(x, 250_000) - 50_000) * 0.005 + max(0, x - 250_000) * 0.01 for x in n]
    np.testing.assert_allclose(b.maintenance_margin(n), expected, rtol=1e-14)
    assert b.initial_margin(100_000.0) == 1000.0
    assert b.tier(300_000.0) == 2 and b.maintenance_amount(1) == pytest.approx(50.0)
    for edge in (50_000.0, 250_000.0):  # continuous at the tier edges
        assert b.maintenance_margin(edge) == pytest.approx(b.maintenance_margin(np.nextafter(edge, 0)), rel=1e-12)
    with pytest.raises(ValueError, match=r"margin::leverage_brackets: tiers.notional_floor\[0\] = 5"):
        margin.leverage_brackets([margin.bracket(5, 0.01, 10)]).maintenance_margin(1.0)
    with pytest.raises(ValueError, match=r"margin::open_interest_scaled: high_cap = 0.01"):
        margin.open_interest_scaled(high_cap=0.01).validate()
    margin.sqrt_size().validate()


def test_dynamic_margin_tools():
    v = margin.var_margin(confidence=0.99, horizon_days=2)
    assert v.multiplier() == pytest.approx(Z99 * math.sqrt(2), rel=1e-14)
    variance = np.array([1e-4, 4e-4, 9e-4, 1e-4])
    base = v.apply(variance)
    np.testing.assert_allclose(base, v.multiplier() * np.sqrt(variance), rtol=1e-15)
    assert v(0.01) == pytest.approx(v.multiplier() * 0.01)
    buffered = margin.apc_buffer(buffer=0.25).apply(base)
    m, expected = 1.25 * base[0], []
    for b in base:
        m = min(max(m, b), 1.25 * b)
        expected.append(m)
    np.testing.assert_allclose(buffered, expected, rtol=1e-15)
    stressed = margin.stress_weight(weight=0.25, lookback_days=2).apply(base)
    window = [max(base[max(0, t - 1):t + 1]) for t in range(4)]
    np.testing.assert_allclose(stressed, 0.75 * base + 0.25 * np.array(window), rtol=1e-15)
    limited = margin.speed_limit(max_daily_increase=0.1).apply(base)
    m, expected = base[0], [base[0]]
    for b in base[1:]:
        m = min(b, 1.1 * m)
        expected.append(m)
    np.testing.assert_allclose(limited, expected, rtol=1e-15)
    returns = np.array([0.01, -0.05, 0.02])
    floor = margin.lookback_floor(lookback_days=2, var=v).apply(returns, base)
    sigma = [None, abs(returns[0]), math.sqrt((returns[0] ** 2 + returns[1] ** 2) / 2), math.sqrt((returns[1] ** 2 + returns[2] ** 2) / 2)]
    np.testing.assert_allclose(floor, [base[0]] + [max(base[t], v.multiplier() * sigma[t]) for t in (1, 2, 3)], rtol=1e-14)
    metrics = margin.procyclicality_metrics(base, 1)
    assert isinstance(metrics, margin.procyclicality)
    assert metrics.peak_to_trough == pytest.approx(3.0) and metrics.max_n_day_increase == pytest.approx(1.0)
    assert metrics.n_days == 1
    for tool in (margin.apc_buffer(), margin.stress_weight(), margin.speed_limit(), margin.lookback_floor(), v):
        tool.validate()
    with pytest.raises(ValueError, match=r"margin::apc_buffer::apply: margin\[1\] = -1"):
        margin.apc_buffer().apply([1.0, -1.0])
    with pytest.raises(ValueError, match=r"margin::var_margin: confidence = 1"):
        margin.var_margin(confidence=1.0).apply([1.0])


def garch_returns(n=1500, omega=2e-6, alpha=0.08, beta=0.9, seed=7):
    rng = np.random.default_rng(seed)
    v, out = omega / (1 - alpha - beta), []
    for _ in range(n):
        r = math.sqrt(v) * rng.standard_normal()
        out.append(r)
        v = omega + alpha * r * r + beta * v
    return np.array(out)


def test_estimators():
    prices = np.array([100.0, 101.0, 99.0, 102.0, 102.5])
    r = margin.log_returns(prices)
    np.testing.assert_allclose(r, np.log(prices[1:] / prices[:-1]), rtol=1e-15)
    e = margin.ewma(lambda_=0.94)
    v = e.variance(r, initial_variance=1e-4)
    expected = [1e-4]
    for x in r:
        expected.append(0.94 * expected[-1] + 0.06 * x * x)
    np.testing.assert_allclose(v, expected, rtol=1e-15)
    assert e.variance(r)[0] == pytest.approx(np.mean(r**2))
    assert e.next(1e-4, 0.01) == pytest.approx(0.94e-4 + 0.06e-4)
    g = margin.garch11(omega=1e-6, alpha=0.1, beta=0.85)
    assert g.long_run_variance() == pytest.approx(2e-5)
    gv = g.variance(r)
    expected = [2e-5]
    for x in r:
        expected.append(1e-6 + 0.1 * x * x + 0.85 * expected[-1])
    np.testing.assert_allclose(gv, expected, rtol=1e-14)
    assert g.next(1e-4, 0.0) == pytest.approx(1e-6 + 0.85e-4)
    ll = margin.garch_log_likelihood(g, r)
    assert ll == pytest.approx(-0.5 * sum(math.log(2 * math.pi) + math.log(vt) + x * x / vt for vt, x in zip(gv, r)), rel=1e-13)
    data = garch_returns()
    fit = margin.fit_garch11(data, margin.garch_fit_options(max_evaluations=4000))
    assert isinstance(fit, margin.garch_fit_result) and fit.converged and fit.evaluations <= 4000
    assert fit.target_variance == pytest.approx(np.mean(data**2))
    assert fit.params.alpha + fit.params.beta < 1
    assert 0.02 < fit.params.alpha < 0.2 and 0.75 < fit.params.beta < 0.97
    assert fit.log_likelihood == pytest.approx(margin.garch_log_likelihood(fit.params, data, fit.target_variance), rel=1e-12)
    with pytest.raises(ValueError, match=r"margin::garch11: alpha \+ beta = 1.05"):
        margin.garch11(omega=1e-6, alpha=0.2, beta=0.85).validate()
    with pytest.raises(ValueError, match=r"margin::fit_garch11: returns.size\(\) = 4"):
        margin.fit_garch11(r)
    with pytest.raises(ValueError, match=r"margin::log_returns: prices\[1\] = 0"):
        margin.log_returns([1.0, 0.0])
    with pytest.raises(ValueError, match=r"margin::ewma: lambda = 1"):
        margin.ewma(lambda_=1.0).validate()
