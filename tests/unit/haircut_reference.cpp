// Haircut models against references computed independently here with Boost.Math: normal and
// Student-t quantiles (and published t-table values), the exact lognormal quantile for the
// Cornish-Fisher expansion, quadrature of the bivariate normal for wrong_way, the exact
// mixture quantile and Monte Carlo for depeg. Also fat_tailed's properties and validation.
#include <spiral/haircut/fat_tailed.hpp>
#include <spiral/haircut/haircut.hpp>

#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <boost/math/quadrature/gauss_kronrod.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <random>
#include <vector>

namespace unit_tests_haircut_reference {

namespace hc = spiral::haircut;
using spiral::collateral;

namespace {

constexpr double qnan = std::numeric_limits<double>::quiet_NaN();
constexpr double inf = std::numeric_limits<double>::infinity();

collateral<double> holding(double volatility, double correlation = 0) {
    return {1.0, 1.0, volatility, correlation};
}

double boost_z(double confidence) {
    return boost::math::quantile(boost::math::normal_distribution<double>(), confidence);
}

double boost_cdf(double x) {
    return boost::math::cdf(boost::math::normal_distribution<double>(), x);
}

/// The x where an increasing `f` reaches `target`, by bisection on [lo, hi].
template <class F>
double solve_increasing(F f, double target, double lo, double hi) {
    for (int i = 0; i < 200 && hi - lo > 1e-15 * std::max(1.0, std::abs(hi)); ++i) {
        const double mid = 0.5 * (lo + hi);
        (f(mid) < target ? lo : hi) = mid;
    }
    return 0.5 * (lo + hi);
}

} // namespace

TEST_CASE("haircut::volatility: z from Boost's normal quantile") {
    for (double a : {0.5, 0.8, 0.9, 0.95, 0.975, 0.99, 0.995, 0.999, 0.9999}) {
        for (double h : {1.0, 5.0, 10.0}) {
            const double expected = boost_z(a) * 0.65 * std::sqrt(h / 365.0);
            const double got = hc::volatility{a, h}(holding(0.65));
            INFO("confidence " << a << " horizon " << h);
            CHECK(got == Approx(expected).epsilon(1e-15).margin(1e-300));
        }
    }
}

TEST_CASE("haircut::fat_tailed: Student-t quantile, unit variance") {
    // Published two-sided t tables (one-sided upper quantiles), 6 digits, independent of Boost.
    struct row {
        double nu, confidence, t;
    };
    const row table[] = {{3, 0.99, 4.540703},
                         {4, 0.99, 3.746947},
                         {5, 0.975, 2.570582},
                         {10, 0.975, 2.228139},
                         {30, 0.995, 2.749996}};
    for (const auto& r : table) {
        const hc::fat_tailed model{.confidence = r.confidence, .degrees_of_freedom = r.nu};
        CHECK(model.multiplier() == Approx(r.t * std::sqrt((r.nu - 2) / r.nu)).epsilon(2e-6));
    }
    // Full precision against Boost's quantile, computed here.
    for (double nu : {2.5, 3.0, 4.0, 6.5, 12.0, 100.0}) {
        for (double a : {0.9, 0.95, 0.99, 0.999}) {
            const double t = boost::math::quantile(boost::math::students_t_distribution<>(nu), a);
            const hc::fat_tailed model{
                .confidence = a, .horizon_days = 10, .degrees_of_freedom = nu};
            const double expected = t * std::sqrt((nu - 2) / nu) * 0.4 * std::sqrt(10.0 / 365.0);
            INFO("nu " << nu << " confidence " << a);
            CHECK(model(holding(0.4)) == Approx(expected).epsilon(1e-14));
            CHECK(hc::prepare(model)(holding(0.4)) == model(holding(0.4)));
        }
    }
    // The unit-variance t charges more than the normal in the far tail, less in the shoulder,
    // and tends to it as nu grows.
    const hc::fat_tailed t4{.confidence = 0.99, .degrees_of_freedom = 4};
    const hc::fat_tailed t4_shoulder{.confidence = 0.95, .degrees_of_freedom = 4};
    CHECK(t4(holding(0.5)) > hc::volatility{.confidence = 0.99}(holding(0.5)));
    CHECK(t4_shoulder(holding(0.5)) < hc::volatility{.confidence = 0.95}(holding(0.5)));
    CHECK(hc::fat_tailed{.degrees_of_freedom = 1e6}.multiplier() ==
          Approx(boost_z(0.99)).epsilon(1e-5));
    CHECK(hc::fat_tailed{.confidence = 0.3}(holding(0.5)) == 0.0); // below the median
    CHECK(std::isnan(t4(holding(qnan))));
}

TEST_CASE("haircut::fat_tailed: Cornish-Fisher against an exact lognormal quantile") {
    // Loss X ~ lognormal(0, s), standardised: its quantile is (e^{s z} - m) / sd exactly, with
    // skewness (w + 2) sqrt(w - 1) and excess kurtosis w^4 + 2w^3 + 3w^2 - 6, w = e^{s^2}.
    // Returns are -X, so their skewness is the negative. Cornish-Fisher is a third-order
    // expansion: its error must shrink like s^3, and beat the plain normal quantile.
    for (double s : {0.02, 0.05}) {
        const double w = std::exp(s * s);
        const double skew = (w + 2) * std::sqrt(w - 1);
        const double kurt = std::pow(w, 4) + 2 * std::pow(w, 3) + 3 * w * w - 6;
        const double m = std::exp(s * s / 2), sd = m * std::sqrt(w - 1);
        for (double a : {0.95, 0.99, 0.999}) {
            const double exact = (std::exp(s * boost_z(a)) - m) / sd;
            const hc::fat_tailed model{.law = hc::tail_law::cornish_fisher,
                                       .confidence = a,
                                       .skewness = -skew,
                                       .excess_kurtosis = kurt};
            REQUIRE_NOTHROW(model.validate());
            INFO("s " << s << " confidence " << a);
            CHECK(std::abs(model.multiplier() - exact) < 3.0 * s * s * s);
            CHECK(std::abs(model.multiplier() - exact) < 0.02 * std::abs(boost_z(a) - exact));
        }
    }
    // No skew, no excess kurtosis: the normal quantile.
    const hc::fat_tailed normal{.law = hc::tail_law::cornish_fisher, .confidence = 0.99};
    CHECK(normal.multiplier() == Approx(boost_z(0.99)).epsilon(1e-15));
    // Negative skew of returns raises the haircut, positive lowers it.
    const auto with_skew = [](double s) {
        return hc::fat_tailed{
            .law = hc::tail_law::cornish_fisher, .skewness = s, .excess_kurtosis = 1.0};
    };
    CHECK(with_skew(-0.3).multiplier() > with_skew(0.0).multiplier());
    CHECK(with_skew(0.3).multiplier() < with_skew(0.0).multiplier());
}

TEST_CASE("haircut::fat_tailed::validate") {
    CHECK_NOTHROW(hc::fat_tailed{}.validate());
    CHECK_THROWS_WITH(hc::fat_tailed{.degrees_of_freedom = 2}.validate(),
                      "spiral: haircut::fat_tailed: degrees_of_freedom = 2 (must be finite and "
                      "> 2 (finite variance))");
    CHECK_THROWS_WITH(hc::fat_tailed{.degrees_of_freedom = qnan}.validate(),
                      Catch::Contains("degrees_of_freedom = nan"));
    CHECK_THROWS_WITH(hc::fat_tailed{.confidence = -0.2}.validate(),
                      Catch::Contains("haircut::fat_tailed: confidence = -0.2"));
    CHECK_THROWS_WITH(hc::fat_tailed{.horizon_days = -3}.validate(),
                      Catch::Contains("horizon_days = -3"));
    CHECK_THROWS_WITH(hc::fat_tailed{.law = static_cast<hc::tail_law>(7)}.validate(),
                      Catch::Contains("law = 7"));
    const auto cf = [](double s, double k) {
        return hc::fat_tailed{
            .law = hc::tail_law::cornish_fisher, .skewness = s, .excess_kurtosis = k};
    };
    CHECK_NOTHROW(cf(0, 0).validate());
    CHECK_NOTHROW(cf(-0.5, 1.5).validate());
    CHECK_NOTHROW(cf(0.0, 7.9).validate());
    CHECK_THROWS_WITH(cf(0.0, 8.5).validate(), Catch::Contains("excess_kurtosis = 8.5"));
    CHECK_THROWS_WITH(cf(-1.0, 0.5).validate(),
                      Catch::Contains("with skewness = -1.0") && Catch::Contains("Maillard"));
    CHECK_THROWS_WITH(cf(qnan, 1).validate(), Catch::Contains("skewness = nan"));
    CHECK_THROWS_WITH(cf(0.1, inf).validate(), Catch::Contains("excess_kurtosis = inf"));

    // Inside the domain, the expansion is increasing in the confidence (a quantile).
    std::mt19937_64 rng(5);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    int accepted = 0, decreasing = 0;
    for (int i = 0; i < 3000; ++i) {
        const auto model = cf(-2 + 4 * u(rng), -1 + 9 * u(rng));
        try {
            model.validate();
        } catch (const spiral::invalid_argument&) {
            continue;
        }
        ++accepted;
        double previous = -inf;
        for (double a = 0.5; a < 0.99999; a += 0.0005) {
            auto at = model;
            at.confidence = a;
            decreasing += at.multiplier() < previous;
            previous = at.multiplier();
        }
    }
    CHECK(accepted > 300);
    CHECK(decreasing == 0);
}

TEST_CASE("haircut::fat_tailed: properties over generated inputs") {
    std::mt19937_64 rng(99);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    long failures = 0;
    for (int i = 0; i < 2000; ++i) {
        hc::fat_tailed model{.confidence = 0.5 + 0.4999 * u(rng),
                             .horizon_days = 20 * u(rng),
                             .degrees_of_freedom = 2.1 + 30 * u(rng)};
        if (i % 2 == 1)
            model = {.law = hc::tail_law::cornish_fisher,
                     .confidence = model.confidence,
                     .horizon_days = model.horizon_days,
                     .skewness = -0.5 * u(rng),
                     .excess_kurtosis = 1 + 3 * u(rng)};
        REQUIRE_NOTHROW(model.validate());
        const double sigma = 3 * u(rng);
        const double h = model(holding(sigma));
        failures += !(h >= 0 && h <= 1);
        failures += model(holding(sigma + u(rng))) < h;
        auto longer = model;
        longer.horizon_days += 10 * u(rng);
        failures += longer(holding(sigma)) < h;
        const auto combined = hc::cap(model + hc::fixed{0.01}, 0.5);
        failures += combined(holding(sigma + u(rng))) < combined(holding(sigma));
    }
    CHECK(failures == 0);
}

TEST_CASE("haircut::wrong_way: quantile of exposure rise plus collateral fall by quadrature") {
    // X = collateral fall ~ N(0, sc^2 tau), Y = exposure rise ~ N(0, se^2 tau), corr rho.
    // P(X + Y <= x) = integral over y of n(y) Phi((x - y - E[X|y]) / sd(X|y)), by adaptive
    // Gauss-Kronrod. At x = H + z se sqrt(tau) (the haircut plus the exposure's own margin)
    // it must be the confidence; where H is clamped to 0, at least the confidence.
    const double tau = 5.0 / 365.0, a = 0.99;
    for (double rho : {-0.9, -0.4, 0.0, 0.3, 0.8, 0.97}) {
        for (double sc : {0.2, 0.9}) {
            for (double se : {0.1, 0.7}) {
                const double sx = sc * std::sqrt(tau), sy = se * std::sqrt(tau);
                const auto cdf = [&](double x) {
                    const auto integrand = [&](double y) {
                        const double mean = rho * sx / sy * y;
                        const double sd = sx * std::sqrt(1 - rho * rho);
                        return std::exp(-0.5 * (y / sy) * (y / sy)) /
                               (sy * std::sqrt(2 * std::numbers::pi)) *
                               boost_cdf((x - y - mean) / sd);
                    };
                    return boost::math::quadrature::gauss_kronrod<double, 61>::integrate(
                        integrand, -12 * sy, 12 * sy, 8, 1e-14);
                };
                const hc::wrong_way model{
                    .exposure_volatility = se, .confidence = a, .horizon_days = 5};
                const double h = model(holding(sc, rho));
                const double level = cdf(h + boost_z(a) * sy);
                INFO("rho " << rho << " sc " << sc << " se " << se << " H " << h);
                if (h > 0)
                    CHECK(level == Approx(a).margin(1e-12));
                else
                    CHECK(level >= a);
            }
        }
    }
}

TEST_CASE("haircut::wrong_way: Monte Carlo, same asset and uncorrelated") {
    // rho = 1 is the collateral itself moving against a position on the same asset: the
    // combined move is (sc + se) Z; rho = 0 is a sum of independent normals. Empirical 99%
    // quantiles of 10^6 draws (fixed seed) must match within their sampling error (~0.3% of
    // the combined quantile, ~1% of H at rho = 0).
    std::mt19937_64 rng(314);
    std::normal_distribution<double> n01;
    const double sc = 0.6, se = 0.8, tau = 1.0 / 365.0;
    const std::size_t draws = 1000000;
    std::vector<double> same(draws), independent(draws);
    for (std::size_t i = 0; i < draws; ++i) {
        const double z1 = n01(rng), z2 = n01(rng);
        same[i] = (sc + se) * std::sqrt(tau) * z1;
        independent[i] = sc * std::sqrt(tau) * z1 + se * std::sqrt(tau) * z2;
    }
    const auto quantile = [](std::vector<double> v, double a) {
        const auto k = static_cast<std::ptrdiff_t>(a * static_cast<double>(v.size()));
        std::nth_element(v.begin(), v.begin() + k, v.end());
        return v[static_cast<std::size_t>(k)];
    };
    const double own_margin = boost_z(0.99) * se * std::sqrt(tau);
    const hc::wrong_way model{.exposure_volatility = se};
    CHECK(model(holding(sc, 1.0)) == Approx(quantile(same, 0.99) - own_margin).epsilon(0.02));
    CHECK(model(holding(sc, 0.0)) ==
          Approx(quantile(independent, 0.99) - own_margin).epsilon(0.03));
}

TEST_CASE("haircut::depeg: an upper bound of the exact mixture quantile") {
    // L = D + J B, D ~ N(0, s^2), B ~ Bernoulli(p): P(L > x) = (1-p) Q(x/s) + p Q((x-J)/s).
    // The exact alpha-quantile, by bisection, must not exceed H; for p = 1 they coincide.
    std::mt19937_64 rng(2718);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    long above = 0, cases = 0;
    double worst_gap = 0;
    for (int i = 0; i < 3000; ++i) {
        const double a = u(rng) < 0.3 ? 0.99 : 0.5 + 0.4999 * u(rng);
        const double sigma = std::pow(10.0, -3 + 3.5 * u(rng));
        const double jump = u(rng) < 0.5 ? u(rng) : std::pow(10.0, -5 + 5 * u(rng));
        const double p = u(rng) < 0.3 ? u(rng) : std::pow(10.0, -5 + 5 * u(rng));
        const double h = 10 * u(rng) + 0.01;
        const double s = sigma * std::sqrt(h / 365);
        const auto tail_cdf = [&](double x) {
            return (1 - p) * boost_cdf(x / s) + p * boost_cdf((x - jump) / s);
        };
        const double exact = solve_increasing(tail_cdf, a, -20 * s, jump + 20 * s);
        const hc::depeg model{jump, p, a, h};
        const double got = model(holding(sigma));
        if (got >= 1.0)
            continue; // clamped
        ++cases;
        above += got < exact - 1e-12;
        worst_gap = std::max(worst_gap, exact - got);
    }
    INFO("worst exact - H = " << worst_gap);
    CHECK(cases > 2000);
    CHECK(above == 0);

    // p = 1: L = J + D exactly.
    const hc::depeg certain{0.15, 1.0, 0.99, 3};
    CHECK(certain(holding(0.4)) ==
          Approx(0.15 + boost_z(0.99) * 0.4 * std::sqrt(3 / 365.0)).epsilon(1e-14));
}

TEST_CASE("haircut::depeg: the jump charge is the expected shortfall of J B") {
    // ES_alpha of a Bernoulli jump straight from its definition: the mean loss over the worst
    // (1 - alpha) of outcomes, outcomes J with mass p and 0 with mass 1 - p.
    for (double a : {0.9, 0.99, 0.999}) {
        for (double p : {0.0, 0.0005, 0.004, 0.01, 0.05, 0.5, 1.0}) {
            const double j = 0.3, tail = 1 - a;
            const double mass_on_jump = std::min(p, tail);
            const double es = (mass_on_jump * j + (tail - mass_on_jump) * 0.0) / tail;
            const hc::depeg model{j, p, a};
            INFO("confidence " << a << " p " << p);
            CHECK(model.jump_charge() == Approx(es).epsilon(1e-14));
            CHECK(model(holding(0)) == Approx(es).epsilon(1e-14));
        }
    }
}

TEST_CASE("haircut::depeg: Monte Carlo mixture for a staked-ETH-like token") {
    // stETH against ETH debt: 2% annual vol of the ratio, 7 days, 3% chance of a 6% depeg.
    std::mt19937_64 rng(1618);
    std::normal_distribution<double> n01;
    std::bernoulli_distribution jump(0.03);
    const double s = 0.02 * std::sqrt(7 / 365.0), j = 0.06;
    const int draws = 400000;
    std::vector<double> loss(draws);
    for (auto& l : loss)
        l = s * n01(rng) + (jump(rng) ? j : 0.0);
    const auto k = static_cast<std::ptrdiff_t>(0.99 * draws);
    std::nth_element(loss.begin(), loss.begin() + k, loss.end());
    const double empirical = loss[static_cast<std::size_t>(k)];
    const hc::depeg model{.jump_size = j, .jump_probability = 0.03, .horizon_days = 7};
    const double h = model(holding(0.02));
    CHECK(h >= empirical);
    CHECK(h - empirical < boost_z(0.99) * s); // within one diffusive quantile of it
}

} // namespace unit_tests_haircut_reference
