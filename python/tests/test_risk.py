"""Risk: estimators against NumPy, nearest correlation against the properties that define it,
factors, aggregation against formulas written here, pools and reproducible scenarios."""

import math
import statistics

import numpy as np
import pytest

from spiral import risk

Z99 = statistics.NormalDist().inv_cdf(0.99)


def history(rng, periods=400, assets=4):
    rho = np.array([[1.0, 0.6, 0.3, -0.2], [0.6, 1.0, 0.4, 0.0], [0.3, 0.4, 1.0, 0.1], [-0.2, 0.0, 0.1, 1.0]])
    chol = np.linalg.cholesky(rho[:assets, :assets])
    return rng.standard_normal((periods, assets)) @ chol.T * np.array([0.01, 0.02, 0.03, 0.015])[:assets]


def test_sample_estimators_match_numpy(rng):
    r = history(rng)
    np.testing.assert_allclose(risk.sample_covariance(r), np.cov(r, rowvar=False), rtol=1e-12)
    np.testing.assert_allclose(risk.sample_correlation(r), np.corrcoef(r, rowvar=False), rtol=1e-12, atol=1e-15)
    cov = np.cov(r, rowvar=False)
    d = np.sqrt(np.diag(cov))
    np.testing.assert_allclose(risk.correlation_from_covariance(cov), cov / np.outer(d, d), rtol=1e-13)
    # a Fortran-ordered or integer history is converted
    np.testing.assert_allclose(risk.sample_covariance(np.asfortranarray(r)), np.cov(r, rowvar=False), rtol=1e-12)
    assert risk.sample_covariance(np.array([[1, 2], [3, 5], [4, 4]])).shape == (2, 2)


def test_ewma_covariance_recursions(rng):
    r = history(rng, periods=50)
    lam = 0.94
    sigma, total = np.zeros((4, 4)), 0.0
    for x in r:
        sigma = lam * sigma + (1 - lam) * np.outer(x, x)
        total = lam * total + (1 - lam)
    np.testing.assert_allclose(risk.ewma_covariance(r, risk.ewma(lambda_=lam)), sigma / total, rtol=1e-12)
    start = np.eye(4) * 1e-4
    sigma = start.copy()
    for x in r:
        sigma = lam * sigma + (1 - lam) * np.outer(x, x)
    np.testing.assert_allclose(risk.ewma_covariance(r, risk.ewma(lambda_=lam), start), sigma, rtol=1e-12)
    corr = risk.ewma_correlation(r)
    np.testing.assert_allclose(np.diag(corr), 1.0)
    risk.ewma().validate()
    with pytest.raises(ValueError, match=r"spiral: ewma: lambda = 1"):
        risk.ewma_covariance(r, risk.ewma(lambda_=1.0))


def test_shrinkage_estimators(rng):
    r = history(rng, periods=60)
    y = r - r.mean(axis=0)
    s = y.T @ y / len(r)  # maximum-likelihood sample covariance
    to_identity = risk.shrink_to_identity(r)
    assert isinstance(to_identity, risk.shrinkage_estimate)
    delta = to_identity.intensity
    assert 0 <= delta <= 1
    m = np.trace(s) / 4
    np.testing.assert_allclose(to_identity.covariance, (1 - delta) * s + delta * m * np.eye(4), rtol=1e-12)
    to_constant = risk.shrink_to_constant_correlation(r)
    delta = to_constant.intensity
    sd = np.sqrt(np.diag(s))
    corr = s / np.outer(sd, sd)
    rbar = (corr.sum() - 4) / 12
    target = rbar * np.outer(sd, sd)
    np.fill_diagonal(target, np.diag(s))
    np.testing.assert_allclose(to_constant.covariance, delta * target + (1 - delta) * s, rtol=1e-12)
    np.testing.assert_allclose(risk.shrink(s, target, 0.3), 0.3 * target + 0.7 * s, rtol=1e-14)
    with pytest.raises(ValueError, match=r"shrink: intensity = 2"):
        risk.shrink(s, target, 2.0)


def broken_correlation():
    a = np.array([[1.0, 0.9, 0.7], [0.9, 1.0, 0.3], [0.7, 0.3, 1.0]])
    a[0, 2] = a[2, 0] = -0.5  # not positive semidefinite
    return a


def test_nearest_correlation_properties():
    a = broken_correlation()
    assert risk.min_eigenvalue(a) < 0
    plain = risk.nearest_correlation(a)
    assert isinstance(plain, risk.nearest_correlation_result)
    assert plain.converged and plain.iterations > 0 and plain.step <= 1e-12
    x = plain.matrix
    np.testing.assert_allclose(np.diag(x), 1.0)
    np.testing.assert_allclose(x, x.T)
    assert np.linalg.eigvalsh(x).min() > -1e-12
    assert plain.distance == pytest.approx(np.linalg.norm(a - x), rel=1e-9)
    risk.check_correlation(x, 1e-10)
    # nearest: no perturbation towards the input stays a correlation matrix
    for t in (1e-3, 1e-2):
        y = x + t * (a - x)
        assert np.linalg.eigvalsh(y).min() < -1e-12
    fast = risk.nearest_correlation(a, risk.nearest_correlation_options(anderson_depth=3))
    np.testing.assert_allclose(fast.matrix, x, atol=1e-9)
    assert fast.iterations <= plain.iterations
    floored = risk.nearest_correlation(a, risk.nearest_correlation_options(min_eigenvalue=0.05))
    assert np.linalg.eigvalsh(floored.matrix).min() > 0.04  # the floor, up to the unit-diagonal scaling
    kept = risk.nearest_correlation(a, risk.nearest_correlation_options(fixed=[(0, 1)]))
    assert kept.matrix[0, 1] == pytest.approx(0.9, abs=1e-8)
    weighted = risk.nearest_correlation(a, weights=[10.0, 1.0, 1.0])
    assert weighted.distance == pytest.approx(risk.weighted_frobenius_distance(a, weighted.matrix, [10.0, 1.0, 1.0]), rel=1e-9)
    assert risk.weighted_frobenius_distance(a, x) == pytest.approx(np.linalg.norm(a - x))
    few = risk.nearest_correlation(a, risk.nearest_correlation_options(max_iterations=2))
    assert not few.converged and few.iterations == 2
    o = risk.nearest_correlation_options(tolerance=1e-10)
    o.anderson_depth, o.fixed = 2, [(1, 2)]
    assert o.fixed == [(1, 2)] and o.max_iterations == 100000 and o.symmetry_tolerance == 1e-12
    o.validate()
    # an input that already is a correlation matrix comes back
    same = risk.nearest_correlation(x)
    np.testing.assert_allclose(same.matrix, x, atol=1e-12)


def test_nearest_correlation_errors():
    a = broken_correlation()
    asym = a.copy()
    asym[2, 0] = 0.3
    with pytest.raises(ValueError, match=r"nearest_correlation: matrix\(2, 0\) = 0.3 \(not symmetric"):
        risk.nearest_correlation(asym)
    with pytest.raises(ValueError, match=r"nearest_correlation: weights\[1\] = -1"):
        risk.nearest_correlation(a, weights=[1.0, -1.0, 1.0])
    with pytest.raises(ValueError, match=r"nearest_correlation: fixed\[0\]"):
        risk.nearest_correlation(a, risk.nearest_correlation_options(fixed=[(1, 1)]))
    with pytest.raises(ValueError, match=r"nearest_correlation_options: tolerance = 0"):
        risk.nearest_correlation(a, risk.nearest_correlation_options(tolerance=0.0))
    with pytest.raises(ValueError, match=r"nearest_correlation: matrix.ndim = 1"):
        risk.nearest_correlation(np.ones(3))
    with pytest.raises(ValueError, match=r"correlation: rho eigenvalue\[0\] = -"):
        risk.check_correlation(a)


def test_factors(rng):
    rho = risk.sample_correlation(history(rng))
    lower = risk.cholesky_factor(rho)
    np.testing.assert_allclose(lower @ lower.T, rho, atol=1e-14)
    assert np.allclose(np.triu(lower, 1), 0)
    sym = risk.eigen_factor(rho)
    np.testing.assert_allclose(sym @ sym.T, rho, atol=1e-13)
    singular = np.ones((2, 2))
    np.testing.assert_allclose(risk.eigen_factor(singular) @ risk.eigen_factor(singular).T, singular, atol=1e-14)
    with pytest.raises(ValueError, match=r"cholesky_factor: rho = "):
        risk.cholesky_factor(singular)


def test_aggregation():
    ws = np.array([3.0, -1.0, 2.0])
    rho = np.array([[1.0, 0.5, 0.2], [0.5, 1.0, -0.3], [0.2, -0.3, 1.0]])
    k = math.sqrt(ws @ rho @ ws)
    assert risk.aggregate(ws, rho) == pytest.approx(k, rel=1e-14)
    total, parts = risk.euler_contributions(ws, rho)
    assert total == pytest.approx(k)
    np.testing.assert_allclose(parts, ws * (rho @ ws) / k, rtol=1e-14)
    assert parts.sum() == pytest.approx(k)
    with pytest.raises(ValueError, match=r"aggregate: ws.size\(\) = 2"):
        risk.aggregate(ws[:2], rho)


def test_bucketed_aggregation():
    """Two buckets and a residual one, concentration per factor, against the SIMM formulas."""
    bucket = [0, 0, 1, 2]
    rw = [2.0, 3.0, 1.5, 4.0]
    within = [np.array([[1.0, 0.4], [0.4, 1.0]]), np.array([[1.0]]), np.array([[0.3]])]
    across = np.array([[1.0, 0.2, 0.0], [0.2, 1.0, 0.0], [0.0, 0.0, 1.0]])
    threshold = [5.0, 1e9, math.inf, 2.0]
    model = risk.bucketed_model(bucket, rw, within, across, risk.concentration_scope.per_factor, threshold, 2)
    assert model.residual_bucket == 2
    model.validate()
    net = np.array([10.0, -4.0, 6.0, 1.0])
    got = risk.aggregate_bucketed(net, model)
    assert isinstance(got, risk.bucketed_result)
    cr = np.maximum(1.0, np.sqrt(np.abs(net) / np.array(threshold)))
    ws = np.array(rw) * net * cr
    f01 = min(cr[0], cr[1]) / max(cr[0], cr[1])
    k0 = math.sqrt(ws[0] ** 2 + ws[1] ** 2 + 2 * 0.4 * f01 * ws[0] * ws[1])
    k1 = abs(ws[2])
    k2 = abs(ws[3])
    s0 = max(min(ws[0] + ws[1], k0), -k0)
    s1 = max(min(ws[2], k1), -k1)
    total = math.sqrt(k0**2 + k1**2 + 2 * 0.2 * s0 * s1) + k2
    assert got.total == pytest.approx(total, rel=1e-14)
    np.testing.assert_allclose(got.margin, [k0, k1, k2], rtol=1e-14)
    np.testing.assert_allclose(got.weighted_sum, [ws[0] + ws[1], ws[2], ws[3]], rtol=1e-14)
    np.testing.assert_allclose(got.concentration, cr, rtol=1e-14)
    assert got.residual == pytest.approx(k2)
    # from individual sensitivities: netted first
    factor = np.array([0, 0, 1, 2, 3, 0])
    sens = np.array([4.0, 6.0, -4.0, 6.0, 1.0, 0.0])
    np.testing.assert_allclose(risk.net_sensitivities(factor, sens, 4), net)
    assert risk.aggregate_bucketed(factor, sens, model).total == pytest.approx(got.total, rel=1e-15)
    model.residual_bucket = None
    assert model.residual_bucket is None
    with pytest.raises(ValueError, match=r"net_sensitivities: factor\[1\] = 4 \(must be < the factor count 4\)"):
        risk.net_sensitivities([0, 4], [1.0, 1.0], 4)
    with pytest.raises(ValueError, match=r"net_sensitivities: factor\[0\] = -1"):
        risk.net_sensitivities([-1], [1.0], 4)
    with pytest.raises(ValueError, match=r"bucketed_model: bucket\[1\] = 5"):
        risk.bucketed_model([0, 5], [1.0, 1.0], [np.eye(1)], np.eye(1)).validate()


def test_pools_and_risk_weights():
    values = [1e6, 5e5, 2e5]
    vols = [0.8, 0.6, 0.05]
    rho = np.array([[1.0, 0.7, 0.0], [0.7, 1.0, 0.1], [0.0, 0.1, 1.0]])
    stress = risk.stress_horizon(confidence=0.99, horizon_days=10)
    pool = risk.pool_haircut(values, vols, rho, stress)
    assert isinstance(pool, risk.pool_requirement)
    z = Z99 * math.sqrt(10 / 365)
    x = np.array(values) * np.array(vols)
    assert pool.value == sum(values)
    assert pool.requirement == pytest.approx(min(sum(values), z * math.sqrt(x @ rho @ x)), rel=1e-14)
    assert pool.standalone == pytest.approx(sum(min(v, z * v * s) for v, s in zip(values, vols)), rel=1e-14)
    assert pool.contribution.sum() == pytest.approx(pool.requirement, rel=1e-13)
    assert pool.haircut() == pytest.approx(pool.requirement / pool.value)
    assert pool.standalone_haircut() == pytest.approx(pool.standalone / pool.value)
    assert pool.diversification_benefit() > 0
    assert stress.time_scale() == pytest.approx(math.sqrt(10 / 365))
    stress.validate()
    vol, corr = np.array([0.5, 0.9]), np.array([0.8, -0.2])
    np.testing.assert_allclose(risk.beta_risk_weight(vol, corr, stress), np.clip(z * corr * vol, 0, 1), rtol=1e-14)
    np.testing.assert_allclose(risk.standalone_risk_weight(vol, stress), np.clip(z * vol, 0, 1), rtol=1e-14)
    idio = risk.stress_horizon(confidence=0.99, idiosyncratic_confidence=0.9, horizon_days=10)
    zi = statistics.NormalDist().inv_cdf(0.9)
    expected = np.clip((corr * Z99 + np.sqrt(1 - corr**2) * zi) * vol * math.sqrt(10 / 365), 0, 1)
    np.testing.assert_allclose(risk.quantile_risk_weight(vol, corr, idio), expected, rtol=1e-13)
    with pytest.raises(ValueError, match=r"pool_haircut: vols\[1\] = -0.6"):
        risk.pool_haircut(values, [0.8, -0.6, 0.05], rho)
    with pytest.raises(ValueError, match=r"stress_horizon: confidence = 0.4"):
        risk.pool_haircut(values, vols, rho, risk.stress_horizon(confidence=0.4))


def test_correlated_scenarios_are_seeded_and_correlated():
    rho = np.array([[1.0, 0.8], [0.8, 1.0]])
    factor = risk.cholesky_factor(rho)
    spec = risk.scenario_spec(seed=42)
    a = risk.correlated_scenarios(factor, 20000, [0.02, 0.05], spec)
    assert a.shape == (20000, 2)
    b = risk.correlated_scenarios(factor, 20000, [0.02, 0.05], risk.scenario_spec(seed=42))
    np.testing.assert_array_equal(a, b)
    tail = risk.correlated_scenarios(factor, 100, [0.02, 0.05], risk.scenario_spec(seed=42, first_scenario=19900))
    np.testing.assert_array_equal(tail, a[19900:])
    assert np.corrcoef(a, rowvar=False)[0, 1] == pytest.approx(0.8, abs=0.01)
    np.testing.assert_allclose(a.std(axis=0), [0.02, 0.05], rtol=0.02)
    t = risk.correlated_scenarios(factor, 20000, None, risk.scenario_spec(kind=risk.copula.student_t, degrees_of_freedom=5))
    assert t.std(axis=0) == pytest.approx([1.0, 1.0], rel=0.05)  # unit variance
    r = np.array([-0.5, 0.0, 0.3, -40.0])
    np.testing.assert_allclose(risk.price_drop(r), np.clip(1 - np.exp(r), 0, 1 - 2**-53), rtol=1e-15)
    assert risk.price_drop(-40.0) < 1.0
    spec.validate()
    with pytest.raises(ValueError, match=r"scenario_spec: degrees_of_freedom = 2"):
        risk.correlated_scenarios(factor, 3, None, risk.scenario_spec(kind=risk.copula.student_t, degrees_of_freedom=2))
    with pytest.raises(ValueError, match=r"correlated_scenarios: scale\[0\] = -1"):
        risk.correlated_scenarios(factor, 3, [-1.0, 1.0])
