"""Impact curves against their closed forms (written here from the papers' formulas), the
combinators against the curves they wrap, proceeds against the integral of price_factor, and
Almgren–Chriss against its TWAP closed form."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from spiral import impact

Q = np.array([0.0, 0.5, 3.0, 40.0, 1e3, 1e5])


def integral(curve, q, steps=20000):
    """Trapezoid integral of marginal_price from 0 to q (a check of proceeds; the same as
    price_factor for curves without a fee)."""
    x = np.linspace(0.0, q, steps + 1)
    y = curve.marginal_price(x)
    return float(np.sum((y[1:] + y[:-1]) * 0.5 * (x[1] - x[0])))


def test_linear():
    c = impact.linear(lambda_=0.002)
    np.testing.assert_allclose(c.price_factor(Q), np.maximum(0.0, 1 - 0.002 * Q), rtol=1e-15)
    sold = np.minimum(Q, 500.0)
    np.testing.assert_allclose(c.proceeds(Q), sold - 0.001 * sold**2, rtol=1e-14)
    assert impact.linear().proceeds(7.0) == 7.0  # no impact
    assert c.lambda_ == 0.002 and c.as_dict() == {"lambda_": 0.002}
    with pytest.raises(ValueError, match=r"spiral: impact::linear: lambda = -1 \(must be finite and >= 0\)"):
        impact.linear(lambda_=-1).validate()


def test_exponential():
    c = impact.exponential(alpha=1e-3)
    np.testing.assert_allclose(c.price_factor(Q), np.exp(-1e-3 * Q), rtol=1e-15)
    np.testing.assert_allclose(c.proceeds(Q), -np.expm1(-1e-3 * Q) / 1e-3, rtol=1e-14)
    assert c.proceeds(40.0) == pytest.approx(integral(c, 40.0), rel=1e-9)


def test_square_root_and_power_law():
    c = impact.square_root(sigma=0.05, volume=1e4, y=0.8)
    k = 0.8 * 0.05 / math.sqrt(1e4)
    assert c.coefficient() == pytest.approx(k, rel=1e-15)
    np.testing.assert_allclose(c.price_factor(Q), np.maximum(0.0, 1 - k * np.sqrt(Q)), rtol=1e-14)
    sold = np.minimum(Q, 1 / k**2)
    np.testing.assert_allclose(c.proceeds(Q), sold * (1 - 2 * k / 3 * np.sqrt(sold)), rtol=1e-13)
    p = impact.power_law.three_fifths(sigma=0.03, volume=2e4)
    assert (p.exponent, p.volume) == (0.6, 2e4) and p.eta == pytest.approx(0.142 * 0.03)
    u = Q / 2e4
    np.testing.assert_allclose(p.price_factor(Q), np.maximum(0.0, 1 - p.eta * u**0.6), rtol=1e-14)
    assert p.proceeds(3000.0) == pytest.approx(integral(p, 3000.0), rel=1e-8)
    with pytest.raises(ValueError, match=r"impact::power_law: exponent = 0"):
        impact.power_law(eta=0.1, volume=1, exponent=0).validate()
    with pytest.raises(ValueError, match=r"impact::square_root: volume = 0"):
        impact.square_root(sigma=0.1, volume=0).validate()


def test_constant_product_is_uniswap_v2():
    x, y, f = 20000.0, 6e7, 0.003
    c = impact.constant_product(base_reserve=x, quote_reserve=y, fee=f)
    g = 1 - f
    assert c.price() == y / x
    # the pool's price after the sale (the fee stays in the pool); the seller's marginal price
    np.testing.assert_allclose(c.price_factor(Q), x * x / ((x + g * Q) * (x + Q)), rtol=1e-14)
    np.testing.assert_allclose(c.marginal_price(Q), g * x * x / (x + g * Q) ** 2, rtol=1e-14)
    np.testing.assert_allclose(c.proceeds(Q), g * Q * x / (x + g * Q), rtol=1e-14)
    np.testing.assert_allclose(c.amount_out(Q), g * Q * y / (x + g * Q), rtol=1e-14)
    np.testing.assert_allclose(c.pool_price_factor(Q), x * x / ((x + g * Q) * (x + Q)), rtol=1e-14)
    assert c.proceeds(math.inf) == x
    with pytest.raises(ValueError, match=r"impact::constant_product: fee = 1"):
        impact.constant_product(base_reserve=1, quote_reserve=1, fee=1).validate()


def test_stableswap_invariant_and_integral():
    c = impact.stableswap(amplification=100, base_reserve=1e6, quote_reserve=1e6, fee=0.0004)
    d = c.invariant()
    assert d == pytest.approx(2e6, rel=1e-12)  # balanced pool: D = x + y
    assert c.quote_for(1e6, d) == pytest.approx(1e6, rel=1e-12)
    assert c.price_factor(0.0) == 1.0  # the pool's own price: the fee only lowers proceeds
    assert c.marginal_price(0.0) == pytest.approx(1 - 0.0004, rel=1e-12)
    assert c.proceeds(2e5) == pytest.approx(integral(c, 2e5), rel=1e-8)
    # the invariant holds after the trade: y(x + q) + (proceeds without the fee) = y0
    y1 = c.quote_for(1e6 + 2e5, d)
    assert c.proceeds(2e5) / (1 - 0.0004) == pytest.approx(1e6 - y1, rel=1e-10)


def test_concentrated_liquidity_one_range_is_v3_math():
    price, lower, upper, liquidity = 2000.0, 1500.0, 2500.0, 1e5
    c = impact.concentrated_liquidity(price, [(lower, upper, liquidity)], fee=0.0)
    assert (c.price, c.fee, c.segments()) == (price, 0.0, 1)
    su, sl = math.sqrt(price), math.sqrt(lower)
    base_to_bottom = liquidity * (su - sl) / (su * sl)
    assert c.capacity() == pytest.approx(base_to_bottom, rel=1e-13)
    assert c.max_proceeds() == pytest.approx(liquidity * (su - sl) / price, rel=1e-13)
    q = 0.3 * base_to_bottom
    s = su * liquidity / (liquidity + q * su)  # v3's next sqrt price from base in
    assert c.price_factor(q) == pytest.approx(s * s / price, rel=1e-13)
    assert c.proceeds(q) == pytest.approx(liquidity * (su - s) / price, rel=1e-12)
    assert c.price_factor(2 * base_to_bottom) == 0.0  # exhausted
    positions = [impact.concentrated_liquidity.position(lower, upper, liquidity)]
    same = impact.concentrated_liquidity(price, positions)
    assert same.proceeds(q) == c.proceeds(q)
    with pytest.raises(ValueError, match=r"positions\[1\].upper_price = 1000"):
        impact.concentrated_liquidity(price, [(1500, 2500, 1e5), (1200, 1000, 1e5)])


def test_order_book_walks_the_levels():
    b = impact.order_book([(99.0, 5.0), (100.0, 2.0), (98.0, 10.0), (99.0, 1.0)], reference=100.5)
    assert (b.levels(), b.depth(), b.reference()) == (3, 18.0, 100.5)
    assert b.at(0).as_dict() == {"price": 100.0, "size": 2.0}
    assert b.at(1).size == 6.0  # equal prices merge
    assert b.notional() == pytest.approx(100 * 2 + 99 * 6 + 98 * 10)
    np.testing.assert_allclose(b.price_factor([0.0, 1.9, 2.0, 7.9, 8.0, 17.0, 18.0]),
                               np.array([100, 100, 99, 99, 98, 98, 0]) / 100.5)
    assert b.proceeds(5.0) == pytest.approx((100 * 2 + 99 * 3) / 100.5)
    assert b.proceeds(50.0) == pytest.approx(b.notional() / 100.5)
    levels = [impact.order_book.level(99.0, 1.0)]
    assert impact.order_book(levels).reference() == 99.0
    with pytest.raises(ValueError, match=r"impact::order_book: bids\[1\].size = -1"):
        impact.order_book([(99.0, 1.0), (98.0, -1.0)])
    with pytest.raises(ValueError, match=r"i = 3"):
        b.at(3)


def test_combinators_wrap_any_curve():
    pool = impact.constant_product(base_reserve=1000.0, quote_reserve=1e5, fee=0.003)
    thin = impact.scaled_depth(pool, 0.25)
    np.testing.assert_allclose(thin.price_factor(Q), pool.price_factor(Q / 0.25), rtol=1e-15)
    np.testing.assert_allclose(thin.proceeds(Q), 0.25 * pool.proceeds(Q / 0.25), rtol=1e-15)
    assert thin.curve == pool and thin.depth == 0.25
    # nested: a scaled book that recovers
    book = impact.order_book([(99.0, 5.0), (98.0, 10.0)])
    r = impact.resilient(impact.scaled_depth(book, 2.0), rho=0.5, displaced=3.0)
    assert r.price_factor(4.0) == impact.scaled_depth(book, 2.0).price_factor(7.0)
    received = r.trade(2.0)
    assert received == pytest.approx(impact.scaled_depth(book, 2.0).proceeds(5.0) - impact.scaled_depth(book, 2.0).proceeds(3.0))
    assert r.displaced == 5.0
    r.decay(2.0)
    assert r.displaced == pytest.approx(5.0 * math.exp(-1.0), rel=1e-15)
    assert isinstance(r.curve, impact.scaled_depth) and isinstance(r.curve.curve, impact.order_book)
    with pytest.raises(ValueError, match=r"impact::scaled_depth: depth = 0"):
        impact.scaled_depth(pool, 0.0).validate()
    with pytest.raises(ValueError, match=r"impact::resilient: curve = str \(must be a spiral.impact curve\)"):
        impact.resilient("pool")
    with pytest.raises(ValueError, match=r"impact::constant_product: base_reserve = -1"):
        impact.resilient(impact.constant_product(base_reserve=-1, quote_reserve=1)).validate()


# q from 1e-9: below about 1e-300, alpha q is subnormal and expm1 loses the last digits
@given(q=st.one_of(st.just(0.0), st.floats(1e-9, 5e4)), alpha=st.floats(1e-6, 1e-2))
def test_proceeds_never_exceed_the_quantity(q, alpha):
    for c in (impact.exponential(alpha=alpha), impact.linear(lambda_=alpha),
              impact.constant_product(base_reserve=1.0 / alpha, quote_reserve=1.0, fee=0.001)):
        assert 0.0 <= c.proceeds(q) <= q * (1 + 1e-15)
        assert 0.0 <= c.price_factor(q) <= 1.0


def test_almgren_chriss():
    a = impact.almgren_chriss(quantity=1e6, horizon=5, steps=10, sigma=0.95, permanent=2.5e-7,
                              temporary=2.5e-6, fixed=0.0625, risk_aversion=0.0)
    x = a.schedule()
    np.testing.assert_allclose(x, 1e6 * (1 - np.arange(11) / 10), rtol=1e-14, atol=1e-6)  # TWAP
    twap = a.twap()
    tau = 0.5
    eta_tilde = 2.5e-6 - 0.5 * 2.5e-7 * tau
    assert twap.expected == pytest.approx(0.5 * 2.5e-7 * 1e12 + 0.0625 * 1e6 + eta_tilde * 1e12 / 5, rel=1e-14)
    assert twap.variance == pytest.approx(0.95**2 * 1e12 * 5 * (1 - 0.1) * (1 - 0.05) / 3, rel=1e-13)
    assert a.cost_of(x).expected == pytest.approx(twap.expected, rel=1e-12)
    assert a.cost_of(x).variance == pytest.approx(twap.variance, rel=1e-12)
    averse = impact.almgren_chriss(**{**a.as_dict(), "risk_aversion": 1e-6})
    best = averse.optimal()
    assert best.utility(1e-6) < averse.cost_of(x).utility(1e-6)
    assert averse.kappa() > 0 and averse.tau() == tau and averse.eta_tilde() == pytest.approx(eta_tilde)
    assert averse.holdings(0) == 1e6 and averse.holdings(10) == 0
    assert sum(averse.trade(k) for k in range(1, 11)) == pytest.approx(1e6, rel=1e-12)
    assert impact.execution_cost(expected=1.0, variance=2.0).utility(0.5) == 2.0
    with pytest.raises(ValueError, match=r"impact::almgren_chriss: holdings.front\(\)"):
        a.cost_of(np.zeros(11))
    with pytest.raises(ValueError, match=r"impact::almgren_chriss: temporary = 0"):
        impact.almgren_chriss(quantity=1, temporary=0).validate()
