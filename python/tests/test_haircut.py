"""Haircut models against their closed forms (normal quantiles from the standard library's
NormalDist; the Student-t quantile with 4 degrees of freedom in closed form), combinations against the combination of their parts, the [0, 1]
bound as a property, and errors that name the field."""

import math
import statistics

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from spiral import haircut, impact

Z99 = statistics.NormalDist().inv_cdf(0.99)


def holdings(rng, n=1000):
    return dict(
        quantity=rng.uniform(0, 5000, n),
        price=rng.uniform(1, 5000, n),
        volatility=rng.uniform(0, 3, n),
        correlation=rng.uniform(-1, 1, n),
    )


def test_volatility_fixed_basel_depeg_wrong_way(rng):
    h = holdings(rng)
    sigma = h["volatility"]
    v = haircut.volatility(confidence=0.99, horizon_days=2, days_per_year=365)
    np.testing.assert_allclose(v.apply(**h), np.clip(Z99 * sigma * math.sqrt(2 / 365), 0, 1), rtol=1e-14)
    np.testing.assert_array_equal(haircut.fixed(rate=0.2).apply(**h), 0.2)
    b = haircut.basel_scaled(h10=haircut.basel.other_listed_equity, remargin_days=5,
                             holding_days=haircut.basel.repo_style)
    assert b.value() == pytest.approx(0.25 * math.sqrt(9 / 10), rel=1e-15)
    np.testing.assert_array_equal(b(**h), b.value())
    d = haircut.depeg(jump_size=0.3, jump_probability=0.002)
    assert d.jump_charge() == pytest.approx(0.3 * 0.2)
    np.testing.assert_allclose(d.apply(**h), np.clip(Z99 * sigma / math.sqrt(365) + 0.06, 0, 1), rtol=1e-13)
    w = haircut.wrong_way(exposure_volatility=0.5)
    rho = h["correlation"]
    expected = Z99 / math.sqrt(365) * (np.sqrt(np.maximum(0, sigma**2 + 0.25 + 2 * rho * sigma * 0.5)) - 0.5)
    np.testing.assert_allclose(w.apply(**h), np.clip(expected, 0, 1), rtol=1e-12, atol=1e-15)
    assert haircut.basel.debt_h10(haircut.basel.issuer.sovereign, haircut.basel.rating.aaa_to_aa, 3.0) == 0.02
    assert math.isnan(haircut.basel.debt_h10(haircut.basel.issuer.other, haircut.basel.rating.bb, 3.0))
    assert (haircut.basel.capital_market, haircut.basel.secured_lending) == (10, 20)
    assert (haircut.basel.cash, haircut.basel.currency_mismatch, haircut.basel.main_index_equity_or_gold) == (0, 0.08, 0.15)


def test_fat_tailed_quantiles():
    t = haircut.fat_tailed(law=haircut.tail_law.student_t, degrees_of_freedom=4, confidence=0.995)
    # t_4 quantile in closed form: 2 sqrt(cos(theta / 3) / sqrt(a) - 1), a = 4 p (1 - p),
    # theta = acos(sqrt(a)) (SciPy's t.ppf is 1.4e-11 off here)
    a = 4 * 0.995 * 0.005
    quantile = 2 * math.sqrt(math.cos(math.acos(math.sqrt(a)) / 3) / math.sqrt(a) - 1)
    m = quantile * math.sqrt(2 / 4)
    assert t.multiplier() == pytest.approx(m, rel=1e-12)
    assert t(1.0, 1.0, 0.8) == pytest.approx(m * 0.8 / math.sqrt(365), rel=1e-12)
    s, k = -0.5, 3.0
    cf = haircut.fat_tailed(law=haircut.tail_law.cornish_fisher, skewness=s, excess_kurtosis=k)
    x = -Z99
    w = x + (x * x - 1) * s / 6 + (x**3 - 3 * x) * k / 24 - (2 * x**3 - 5 * x) * s * s / 36
    assert cf.multiplier() == pytest.approx(-w, rel=1e-12)
    with pytest.raises(ValueError, match=r"haircut::fat_tailed: degrees_of_freedom = 2"):
        haircut.fat_tailed(degrees_of_freedom=2).validate()


def test_liquidity_is_the_sale_discount(rng):
    h = holdings(rng)
    pool = impact.constant_product(base_reserve=1e4, quote_reserve=3e7, fee=0.003)
    got = haircut.liquidity(pool).apply(**h)
    q = h["quantity"]
    expected = np.where(q == 0, 0.0, np.clip(1 - pool.proceeds(q) / np.where(q == 0, 1, q), 0, 1))
    np.testing.assert_allclose(got, expected, rtol=1e-13, atol=1e-16)
    assert haircut.liquidity(pool)(0.0, 1.0, 1.0) == 0.0
    assert haircut.liquidity(pool).curve == pool


def test_combinations_combine_their_parts(rng):
    h = holdings(rng)
    pool = impact.exponential(alpha=2e-4)
    vol, liq = haircut.volatility(), haircut.liquidity(pool)
    basel = haircut.basel_scaled(h10=0.25)
    a, b, c = vol.apply(**h), liq.apply(**h), basel.apply(**h)
    total = vol + liq
    assert isinstance(total, haircut.sum) and total.first == vol and total.second == liq
    np.testing.assert_array_equal(total.apply(**h), np.clip(a + b, 0, 1))
    stricter = haircut.max(total, basel)
    assert isinstance(stricter, haircut.max_of)
    np.testing.assert_array_equal(stricter.apply(**h), np.clip(np.maximum(np.clip(a + b, 0, 1), c), 0, 1))
    capped = haircut.cap(stricter, 0.8)
    np.testing.assert_array_equal(capped.apply(**h), np.minimum(0.8, stricter.apply(**h)))
    floored = haircut.floor(vol, 0.1)
    np.testing.assert_array_equal(floored(**h), np.maximum(0.1, a))
    assert haircut.capped(vol, 0.5).limit == 0.5 and haircut.floored(vol, 0.2).model == vol
    assert haircut.max_of(vol, basel).apply(**h).shape == (1000,)
    assert haircut.sum(vol, basel)(1.0, 1.0, 0.5) == pytest.approx(min(1, Z99 * 0.5 / math.sqrt(365) + 0.25))
    # the module-level apply and the method agree; out= is written in place
    out = np.empty(1000)
    assert haircut.apply(capped, **h, out=out) is out
    np.testing.assert_array_equal(out, capped.apply(**h))
    # correlation is optional (0 for every row)
    no_rho = {k: v for k, v in h.items() if k != "correlation"}
    np.testing.assert_array_equal(haircut.wrong_way(exposure_volatility=0.3).apply(**no_rho),
                                  haircut.wrong_way(exposure_volatility=0.3).apply(**no_rho, correlation=0.0))


model_parts = st.sampled_from([
    haircut.volatility(), haircut.volatility(confidence=0.999, horizon_days=10),
    haircut.fixed(rate=0.3), haircut.basel_scaled(h10=0.15, holding_days=20),
    haircut.depeg(jump_size=0.5, jump_probability=0.05), haircut.wrong_way(exposure_volatility=1.0),
    haircut.liquidity(impact.linear(lambda_=1e-3)),
    haircut.liquidity(impact.concentrated_liquidity(100.0, [(50.0, 150.0, 1e3)])),
])
models = st.recursive(model_parts, lambda inner: st.one_of(
    st.builds(lambda a, b: a + b, inner, inner),
    st.builds(haircut.max, inner, inner),
    st.builds(haircut.cap, inner, st.floats(0, 1)),
    st.builds(haircut.floor, inner, st.floats(0, 1)),
), max_leaves=4)


@given(model=models, quantity=st.floats(0, 1e6), volatility=st.floats(0, 20), correlation=st.floats(-1, 1))
def test_haircuts_stay_in_the_unit_interval(model, quantity, volatility, correlation):
    h = model.apply(np.array([quantity, quantity / 2]), 100.0, np.array([volatility, volatility / 3]), correlation)
    assert np.all((h >= 0) & (h <= 1))


def test_bad_input_names_the_field(rng):
    h = holdings(rng, 5)
    h["volatility"][2] = math.nan
    with pytest.raises(ValueError, match=r"spiral: haircut::apply: volatility\[2\] = nan \(must be finite and >= 0\)"):
        haircut.volatility().apply(**h)
    with pytest.raises(ValueError, match=r"haircut::volatility: confidence = 1\.5 \(must be in \(0, 1\)\)"):
        (haircut.volatility(confidence=1.5) + haircut.fixed(rate=0.1)).apply(1.0, 1.0, 1.0)
    with pytest.raises(ValueError, match=r"haircut::capped: limit = 2 \(must be in \[0, 1\]\)"):
        haircut.cap(haircut.fixed(rate=0.1), 2.0).validate()
    with pytest.raises(ValueError, match=r"haircut::fixed: rate = -0\.5"):
        haircut.fixed(rate=-0.5).validate()
    with pytest.raises(ValueError, match=r"haircut: second = int \(must be a spiral.haircut model\)"):
        haircut.volatility() + 3
    with pytest.raises(ValueError, match=r"haircut::apply: price.size\(\) = 2"):
        haircut.fixed(rate=0.1).apply([1.0, 2.0, 3.0], [1.0, 2.0], 0.1)
