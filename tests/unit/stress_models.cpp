// The stress scenario generators (stress/models.hpp) and stress::liquidity_response.
//
// Every statistical check compares a sample moment with its closed form, with a bound derived
// here from the model's own higher moments: k standard errors, k = 5 for means (two-sided
// normal tail 5.7e-7) and k = 6 for variances, kurtoses and correlations (whose estimators
// are skewed; 2e-9 in the normal tail). Seeds are fixed, so a run is reproducible; the bounds
// say how unlikely a false failure would be for another seed. Structural properties
// (determinism, stream independence, exact scaling, replayed windows, bootstrap blocks) are
// checked exactly.
#include <spiral/margin/volatility_estimators.hpp>
#include <spiral/stress/liquidity_response.hpp>
#include <spiral/stress/models.hpp>

#include "support/throws.hpp"

#include <catch2/catch.hpp>

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <numeric>
#include <random>
#include <vector>

namespace unit_tests_stress_models {

namespace stress = spiral::stress;
namespace margin = spiral::margin;
namespace risk = spiral::risk;

using spiral::test::require_throws_naming;

static_assert(stress::path_model<stress::gbm>);
static_assert(stress::path_model<stress::merton>);
static_assert(stress::path_model<stress::student_t>);
static_assert(stress::path_model<stress::garch_paths>);
static_assert(stress::path_model<stress::bootstrap>);
static_assert(stress::path_model<stress::replay>);
static_assert(stress::multi_path_model<stress::correlated_gbm>);
static_assert(!stress::multi_path_model<stress::gbm>);

namespace {

constexpr std::uint64_t seed = 20261202;

/// Paths of scenarios first..first+count-1 (each from scenario_generator(seed, index)),
/// concatenated: `width` = values per scenario (steps + 1 per asset).
template <class M>
std::vector<double> scenarios(const M& m, const stress::path_spec& spec, std::size_t count,
                              std::size_t width, std::uint64_t first = 0, std::uint64_t s = seed) {
    std::vector<double> out(count * width);
    for (std::size_t i = 0; i < count; ++i) {
        auto g = risk::scenario_generator(s, first + i);
        m.generate(g, spec, out.data() + i * width);
    }
    return out;
}

/// Log-returns of one path of `steps + 1` prices.
std::vector<double> returns_of(const double* p, std::size_t steps) {
    std::vector<double> r(steps);
    for (std::size_t k = 0; k < steps; ++k)
        r[k] = std::log(p[k + 1] / p[k]);
    return r;
}

struct moments {
    double mean = 0, variance = 0, m4 = 0; // m4: fourth central moment
    std::size_t n = 0;
    double excess_kurtosis() const { return m4 / (variance * variance) - 3; }
};

moments moments_of(const std::vector<double>& x) {
    moments m;
    m.n = x.size();
    for (double v : x)
        m.mean += v;
    m.mean /= static_cast<double>(x.size());
    for (double v : x) {
        const double d = v - m.mean;
        m.variance += d * d;
        m.m4 += d * d * d * d;
    }
    m.variance /= static_cast<double>(x.size() - 1);
    m.m4 /= static_cast<double>(x.size());
    return m;
}

/// Even moment E z^{2k} of a Student-t scaled to unit variance (2k < nu):
/// (nu - 2)^k Gamma(k + 1/2) Gamma(nu/2 - k) / (sqrt(pi) Gamma(nu/2)).
double t_even_moment(double nu, int k) {
    const double pi = 3.14159265358979323846;
    return std::exp(k * std::log(nu - 2) + std::lgamma(k + 0.5) + std::lgamma(nu / 2 - k) -
                    0.5 * std::log(pi) - std::lgamma(nu / 2));
}

/// Standard error of the sample excess kurtosis of n iid draws with (central, unit-variance)
/// moments mu4, mu6, mu8, by the delta method on m4 / m2^2.
double kurtosis_standard_error(double mu4, double mu6, double mu8, std::size_t n) {
    const double var4 = mu8 - mu4 * mu4;
    const double cov42 = mu6 - mu4;
    const double var2 = mu4 - 1;
    return std::sqrt((var4 - 4 * mu4 * cov42 + 4 * mu4 * mu4 * var2) / static_cast<double>(n));
}

/// Box–Muller normals from std::mt19937_64 (independent of the library's generator).
struct test_normals {
    std::mt19937_64 rng;
    explicit test_normals(std::uint64_t s) : rng(s) {}
    double uniform() { return (static_cast<double>(rng() >> 11) + 0.5) * 0x1.0p-53; }
    double operator()() {
        return std::sqrt(-2 * std::log(uniform())) * std::cos(6.283185307179586 * uniform());
    }
};

/// Determinism: the same (seed, index) gives identical paths in any order; other indices and
/// other seeds differ.
template <class M>
void check_streams(const M& m, const stress::path_spec& spec, std::size_t width) {
    constexpr std::size_t n = 8;
    const auto forward = scenarios(m, spec, n, width);
    std::vector<double> backward(n * width);
    for (std::size_t i = n; i-- > 0;) {
        auto g = risk::scenario_generator(seed, i);
        m.generate(g, spec, backward.data() + i * width);
    }
    CHECK(forward == backward);
    const auto again = scenarios(m, spec, 1, width, 5);
    CHECK(std::equal(again.begin(), again.end(),
                     forward.begin() + static_cast<std::ptrdiff_t>(5 * width)));
    for (std::size_t i = 1; i < n; ++i)
        CHECK(!std::equal(forward.begin(), forward.begin() + static_cast<std::ptrdiff_t>(width),
                          forward.begin() + static_cast<std::ptrdiff_t>(i * width)));
    const auto other_seed = scenarios(m, spec, 1, width, 0, seed + 1);
    CHECK(!std::equal(other_seed.begin(), other_seed.end(), forward.begin()));
}

/// Sample std of per-step log-returns of the first path with vol_multiplier 1 and 2 (same
/// streams): the ratio.
template <class M>
double std_ratio(const M& m, stress::path_spec spec) {
    spec.vol_multiplier = 1;
    const auto one = scenarios(m, spec, 1, spec.steps + 1);
    spec.vol_multiplier = 2;
    const auto two = scenarios(m, spec, 1, spec.steps + 1);
    return std::sqrt(moments_of(returns_of(two.data(), spec.steps)).variance /
                     moments_of(returns_of(one.data(), spec.steps)).variance);
}

std::vector<double> synthetic_prices(std::size_t n, std::uint64_t s, double vol = 0.03) {
    test_normals z(s);
    std::vector<double> p(n);
    p[0] = 1800;
    for (std::size_t i = 1; i < n; ++i)
        p[i] = p[i - 1] * std::exp(0.0004 + vol * z());
    return p;
}

} // namespace

TEST_CASE("gbm: terminal log-return and price moments against the closed form", "[stress]") {
    const stress::gbm m{.drift = 0.1, .vol = 0.8};
    m.validate();
    const stress::path_spec spec{.spot = 2000, .steps = 50, .step_days = 1};
    const double t = 50.0 / 365;
    constexpr std::size_t n = 4000;
    const auto p = scenarios(m, spec, n, spec.steps + 1);
    std::vector<double> terminal(n), price(n);
    for (std::size_t i = 0; i < n; ++i) {
        CHECK(p[i * 51] == 2000);
        price[i] = p[i * 51 + 50];
        terminal[i] = std::log(price[i] / 2000);
    }
    const moments l = moments_of(terminal);
    const double mean = (0.1 - 0.32) * t, var = 0.64 * t;
    CHECK(std::abs(l.mean - mean) <= 5 * std::sqrt(var / n));
    CHECK(std::abs(l.variance - var) <= 6 * var * std::sqrt(2.0 / (n - 1)));
    // E[S_T] = S_0 e^{mu T}; Var S_T = S_0^2 e^{2 mu T} (e^{sigma^2 T} - 1).
    const moments s = moments_of(price);
    const double expected = 2000 * std::exp(0.1 * t);
    CHECK(std::abs(s.mean - expected) <= 5 * std::sqrt(expected * expected * std::expm1(var) / n));
    check_streams(m, spec, spec.steps + 1);
    CHECK(std_ratio(m, spec) == Approx(2).epsilon(1e-9)); // same normals, twice the scale
    // vol 0: the deterministic drift path.
    const auto flat = scenarios(stress::gbm{.drift = 0.2, .vol = 0}, spec, 1, 51);
    CHECK(flat[50] == Approx(2000 * std::exp(0.2 * t)).epsilon(1e-13));
}

TEST_CASE("merton: Poisson counts are exact for small and large means", "[stress]") {
    constexpr std::size_t n = 20000;
    for (const double lambda : {0.003, 0.7, 2.5, 16.0, 40.5, 600.0}) {
        auto g = risk::scenario_generator(seed, static_cast<std::uint64_t>(lambda * 1000));
        std::vector<double> draws(n);
        std::size_t zeros = 0;
        for (double& d : draws) {
            d = static_cast<double>(stress::detail::poisson_variate(g, lambda));
            zeros += d == 0;
        }
        const moments m = moments_of(draws);
        INFO("lambda " << lambda);
        CHECK(std::abs(m.mean - lambda) <= 5 * std::sqrt(lambda / n));
        // Var of the sample variance: (mu4 - sigma^4) / n, mu4 = lambda + 3 lambda^2.
        CHECK(std::abs(m.variance - lambda) <= 6 * std::sqrt((lambda + 2 * lambda * lambda) / n));
        const double p0 = std::exp(-lambda);
        CHECK(std::abs(static_cast<double>(zeros) / n - p0) <=
              5 * std::sqrt(p0 * (1 - p0) / n) + 1e-12);
    }
    auto g = risk::scenario_generator(seed, 0);
    CHECK(stress::detail::poisson_variate(g, 0) == 0);
    CHECK(stress::detail::poisson_variate(g, std::numeric_limits<double>::quiet_NaN()) == 0);
}

TEST_CASE("merton: an intensity that accepted parameters make huge per step is rejected against "
          "the grid, and the draw stays bounded",
          "[stress][reliability]") {
    // Found by the stress fuzz target: jump_intensity 1e300 passed validate() and each step's
    // Poisson draw looped forever (mean -= 16 does not change 1e300).
    const stress::merton m{.vol = 0.5, .jump_intensity = 1e300, .jump_mean = -0.1};
    CHECK_NOTHROW(m.validate());
    const stress::path_spec spec{.steps = 4};
    require_throws_naming([&] { stress::validate_model(m, spec); },
                          {"stress::merton", "jump_intensity", "<= 1e4"});
    // Just under 1e4 expected jumps per step is accepted (hourly steps: 8760 a year).
    const stress::merton edge{.vol = 0.5, .jump_intensity = 9999.0 * 365 * 24};
    CHECK_NOTHROW(stress::validate_model(edge, stress::path_spec{.steps = 4}));
    auto g = risk::scenario_generator(seed, 1);
    const auto capped = stress::detail::poisson_variate(g, std::numeric_limits<double>::infinity());
    CHECK(std::abs(static_cast<double>(capped) - 1e4) <= 6 * 100); // Poisson(1e4): sd 100
}

TEST_CASE("merton: terminal moments against the closed form; no jumps is GBM", "[stress]") {
    const double mu = 0.05, sigma = 0.5, lambda = 20, jm = -0.05, jv = 0.1;
    const stress::merton m{
        .drift = mu, .vol = sigma, .jump_intensity = lambda, .jump_mean = jm, .jump_vol = jv};
    m.validate();
    const stress::path_spec spec{.spot = 100, .steps = 365, .step_days = 1};
    const double t = 1;
    constexpr std::size_t n = 3000;
    const auto p = scenarios(m, spec, n, spec.steps + 1);
    std::vector<double> terminal(n), price(n);
    for (std::size_t i = 0; i < n; ++i) {
        price[i] = p[i * 366 + 365];
        terminal[i] = std::log(price[i] / 100);
    }
    const double k = std::exp(jm + 0.5 * jv * jv) - 1;
    const double mean = (mu - 0.5 * sigma * sigma - lambda * k) * t + lambda * t * jm;
    const double var = (sigma * sigma + lambda * (jv * jv + jm * jm)) * t;
    // Fourth cumulant of a compound Poisson sum: lambda T E[J^4].
    const double k4 =
        lambda * t * (jm * jm * jm * jm + 6 * jm * jm * jv * jv + 3 * jv * jv * jv * jv);
    const moments l = moments_of(terminal);
    CHECK(std::abs(l.mean - mean) <= 5 * std::sqrt(var / n));
    CHECK(std::abs(l.variance - var) <= 6 * std::sqrt((k4 + 2 * var * var) / n));
    // The compensator: E[S_T] = S_0 e^{mu T}; E[S_T^2] = S_0^2 exp(2 mu T + sigma^2 T
    // - 2 lambda k T + lambda T (e^{2 m + 2 v^2} - 1)).
    const double es = 100 * std::exp(mu * t);
    const double es2 = 1e4 * std::exp(2 * mu * t + sigma * sigma * t - 2 * lambda * k * t +
                                      lambda * t * std::expm1(2 * jm + 2 * jv * jv));
    CHECK(std::abs(moments_of(price).mean - es) <= 5 * std::sqrt((es2 - es * es) / n));
    check_streams(m, spec, spec.steps + 1);

    // jump_multiplier 0: the GBM moments (mean (mu - sigma^2/2) T, variance sigma^2 T).
    stress::path_spec calm = spec;
    calm.jump_multiplier = 0;
    const auto q = scenarios(m, calm, n, 366);
    for (std::size_t i = 0; i < n; ++i)
        terminal[i] = std::log(q[i * 366 + 365] / 100);
    const moments g = moments_of(terminal);
    CHECK(std::abs(g.mean - (mu - 0.5 * sigma * sigma) * t) <= 5 * std::sqrt(sigma * sigma / n));
    CHECK(std::abs(g.variance - sigma * sigma * t) <=
          6 * sigma * sigma * t * std::sqrt(2.0 / (n - 1)));
    CHECK(std_ratio(m, calm) == Approx(2).epsilon(1e-9));

    // jump_multiplier 3: three times the jump intensity.
    stress::path_spec stormy = spec;
    stormy.jump_multiplier = 3;
    const auto s = scenarios(m, stormy, n, 366);
    for (std::size_t i = 0; i < n; ++i)
        terminal[i] = std::log(s[i * 366 + 365] / 100);
    const double var3 = (sigma * sigma + 3 * lambda * (jv * jv + jm * jm)) * t;
    const double mean3 = (mu - 0.5 * sigma * sigma - 3 * lambda * k) * t + 3 * lambda * t * jm;
    CHECK(std::abs(moments_of(terminal).mean - mean3) <= 5 * std::sqrt(var3 / n));
}

TEST_CASE("student_t: variance and excess kurtosis of the log-returns", "[stress]") {
    const double nu = 16, vol = 0.8;
    const stress::student_t m{.drift = 0, .vol = vol, .degrees_of_freedom = nu};
    m.validate();
    const stress::path_spec spec{.spot = 1, .steps = 400000};
    const double dt = spec.step_years();
    const auto p = scenarios(m, spec, 1, spec.steps + 1);
    const moments r = moments_of(returns_of(p.data(), spec.steps));
    const double n = static_cast<double>(r.n);
    const double mu4 = t_even_moment(nu, 2), mu6 = t_even_moment(nu, 3), mu8 = t_even_moment(nu, 4);
    REQUIRE(mu4 == Approx(3 + 6 / (nu - 4)).epsilon(1e-12)); // the moment formula itself
    const double var = vol * vol * dt;
    CHECK(std::abs(r.mean - (-0.5 * vol * vol * dt)) <= 5 * std::sqrt(var / n));
    CHECK(std::abs(r.variance - var) <= 6 * var * std::sqrt((mu4 - 1) / n));
    CHECK(std::abs(r.excess_kurtosis() - 6 / (nu - 4)) <=
          6 * kurtosis_standard_error(mu4, mu6, mu8, r.n));
    // and clearly not Gaussian: 0 is far outside that bound
    CHECK(r.excess_kurtosis() > 0.25);
    const stress::path_spec small{.steps = 64};
    check_streams(m, small, 65);
    CHECK(std_ratio(m, small) == Approx(2).epsilon(1e-9));
}

TEST_CASE("garch_paths: a long simulated path refits to its parameters", "[stress]") {
    const margin::garch11 truth{4e-4 * 0.05, 0.10, 0.85};
    const stress::garch_paths m{.params = truth};
    m.validate();
    CHECK(m.first_variance() == Approx(4e-4).epsilon(1e-12));
    const stress::path_spec spec{.spot = 100, .steps = 20000, .step_days = 1};
    const auto p = scenarios(m, spec, 1, spec.steps + 1);
    const auto r = returns_of(p.data(), spec.steps);
    const auto fit = margin::fit_garch11(r);
    REQUIRE(fit.converged);
    // Standard errors from the observed information of the profile log-likelihood (variance
    // targeting, as the fit): central second differences, h = 1e-3.
    const double target = fit.target_variance;
    const auto ll = [&](double a, double b) {
        return margin::garch_log_likelihood(margin::garch11{target * (1 - a - b), a, b}, r, target);
    };
    const double a = fit.params.alpha, b = fit.params.beta, h = 1e-3;
    const double f0 = ll(a, b);
    const double haa = (ll(a + h, b) - 2 * f0 + ll(a - h, b)) / (h * h);
    const double hbb = (ll(a, b + h) - 2 * f0 + ll(a, b - h)) / (h * h);
    const double hab =
        (ll(a + h, b + h) - ll(a + h, b - h) - ll(a - h, b + h) + ll(a - h, b - h)) / (4 * h * h);
    const double det = haa * hbb - hab * hab;
    REQUIRE(det > 0);
    const double se_a = std::sqrt(-hbb / det), se_b = std::sqrt(-haa / det);
    INFO("alpha " << a << " +- " << se_a << ", beta " << b << " +- " << se_b);
    CHECK(se_a < 0.02);
    CHECK(se_b < 0.03);
    CHECK(std::abs(a - truth.alpha) <= 6 * se_a);
    CHECK(std::abs(b - truth.beta) <= 6 * se_b);
}

TEST_CASE("garch_paths: innovations recovered through margin's variance filter", "[stress]") {
    const double nu = 16;
    const stress::garch_paths m{.params = {2e-5, 0.08, 0.9},
                                .initial_variance = 9e-4,
                                .innovations = stress::innovation::student_t,
                                .degrees_of_freedom = nu};
    m.validate();
    const stress::path_spec spec{.spot = 100, .steps = 200000, .step_days = 1};
    const auto p = scenarios(m, spec, 1, spec.steps + 1);
    const auto r = returns_of(p.data(), spec.steps);
    std::vector<double> v(r.size() + 1);
    m.params.variance(r, v, m.initial_variance);
    std::vector<double> z(r.size());
    for (std::size_t i = 0; i < r.size(); ++i)
        z[i] = r[i] / std::sqrt(v[i]);
    const moments s = moments_of(z);
    const double mu4 = t_even_moment(nu, 2);
    const double n = static_cast<double>(s.n);
    CHECK(std::abs(s.mean) <= 5 / std::sqrt(n));
    CHECK(std::abs(s.variance - 1) <= 6 * std::sqrt((mu4 - 1) / n));
    CHECK(std::abs(s.excess_kurtosis() - 6 / (nu - 4)) <=
          6 * kurtosis_standard_error(mu4, t_even_moment(nu, 3), t_even_moment(nu, 4), s.n));

    // vol_multiplier 2 doubles every return around the mean (the recursion is unscaled).
    const stress::path_spec small{.steps = 100, .step_days = 1};
    check_streams(m, small, 101);
    stress::garch_paths shifted = m;
    shifted.mean = 0.001;
    stress::path_spec two = small;
    two.vol_multiplier = 2;
    const auto r1 = returns_of(scenarios(shifted, small, 1, 101).data(), 100);
    const auto r2 = returns_of(scenarios(shifted, two, 1, 101).data(), 100);
    for (std::size_t i = 0; i < r1.size(); ++i)
        CHECK(r2[i] - 0.001 == Approx(2 * (r1[i] - 0.001)).margin(1e-12));
}

TEST_CASE("fit_garch_paths: prices and their returns give the same model", "[stress]") {
    const auto prices = synthetic_prices(600, 7);
    const auto from_prices = stress::fit_garch_paths(prices);
    const auto returns = stress::history_log_returns(prices);
    REQUIRE(returns.size() == 599);
    CHECK(returns[10] == Approx(std::log(prices[11] / prices[10])).epsilon(1e-15));
    const auto from_returns =
        stress::fit_garch_paths(returns, {.kind = stress::history_kind::log_returns});
    CHECK(from_prices.params.alpha == from_returns.params.alpha);
    CHECK(from_prices.params.beta == from_returns.params.beta);
    CHECK(from_prices.initial_variance == from_returns.initial_variance);
    // last_filtered: v_n of the GARCH filter started at the target variance, by hand.
    const auto& q = from_prices.params;
    double v = 0;
    for (double x : returns)
        v += x * x;
    v /= static_cast<double>(returns.size());
    for (double x : returns)
        v = q.omega + q.alpha * x * x + q.beta * v;
    CHECK(from_prices.initial_variance == Approx(v).epsilon(1e-12));
    const auto long_run = stress::fit_garch_paths(prices, {.start = stress::garch_start::long_run});
    CHECK(std::isnan(long_run.initial_variance));
    CHECK(long_run.first_variance() == Approx(q.omega / (1 - q.alpha - q.beta)).epsilon(1e-14));
}

TEST_CASE("bootstrap: blocks of the history, its moments within sampling error", "[stress]") {
    test_normals z(11);
    std::vector<double> history(400);
    for (double& x : history)
        x = 0.0005 + 0.02 * z();
    const std::size_t b = 8;
    const auto m = stress::make_bootstrap(history, b);
    const stress::path_spec spec{.spot = 50, .steps = 96, .step_days = 1};
    constexpr std::size_t n = 3000;
    const auto p = scenarios(m, spec, n, spec.steps + 1);

    // Structure: each block of 8 steps is 8 consecutive history returns.
    std::map<double, std::size_t> index;
    for (std::size_t i = 0; i < history.size(); ++i)
        index[history[i]] = i;
    const auto r0 = returns_of(p.data(), spec.steps);
    for (std::size_t k = 0; k < r0.size(); ++k) {
        const auto at = index.lower_bound(r0[k] - 1e-13);
        REQUIRE(at != index.end());
        REQUIRE(std::abs(at->first - r0[k]) <= 1e-13);
        if (k % b != 0) {
            const auto prev = index.lower_bound(r0[k - 1] - 1e-13);
            CHECK(at->second == prev->second + 1);
        }
    }

    // The exact expectation of a bootstrapped return and its square: position j of a block is
    // history[s + j] with s uniform on 0 .. n - b.
    const std::size_t starts = history.size() - b + 1;
    double e1 = 0, e2 = 0;
    for (std::size_t j = 0; j < b; ++j)
        for (std::size_t s = 0; s < starts; ++s) {
            e1 += history[s + j];
            e2 += history[s + j] * history[s + j];
        }
    e1 /= static_cast<double>(b * starts);
    e2 /= static_cast<double>(b * starts);
    // Per-scenario averages are iid across scenarios: their sample spread gives the error.
    std::vector<double> a1(n), a2(n);
    for (std::size_t i = 0; i < n; ++i) {
        const auto r = returns_of(p.data() + i * 97, 96);
        for (double x : r) {
            a1[i] += x / 96;
            a2[i] += x * x / 96;
        }
    }
    const moments m1 = moments_of(a1), m2 = moments_of(a2);
    CHECK(std::abs(m1.mean - e1) <= 5 * std::sqrt(m1.variance / n));
    CHECK(std::abs(m2.mean - e2) <= 5 * std::sqrt(m2.variance / n));
    // ...and the expectation is the history's own moments up to the edge effect: at most
    // 2 (b - 1) of n returns weighted differently, each by less than 1 / (n - b + 1).
    const moments h = moments_of(history);
    double largest = 0, largest_sq = 0;
    for (double x : history) {
        largest = std::max(largest, std::abs(x));
        largest_sq = std::max(largest_sq, x * x);
    }
    const double edge = 2.0 * (b - 1) / static_cast<double>(starts);
    CHECK(std::abs(e1 - h.mean) <= edge * 2 * largest);
    const double h2 = h.variance * (399.0 / 400) + h.mean * h.mean;
    CHECK(std::abs(e2 - h2) <= edge * 2 * largest_sq);
    CHECK(std::abs(m1.mean - h.mean) <= 5 * std::sqrt(m1.variance / n) + edge * 2 * largest);

    // vol_multiplier 2: c + 2 (r - c) around the history's mean, same blocks.
    stress::path_spec two = spec;
    two.vol_multiplier = 2;
    const auto r2 = returns_of(scenarios(m, two, 1, 97).data(), 96);
    for (std::size_t k = 0; k < r0.size(); ++k)
        CHECK(r2[k] == Approx(h.mean + 2 * (r0[k] - h.mean)).margin(1e-12));
    // mean left NaN: the same path, the centre computed on the fly.
    const stress::bootstrap lazy{.returns = history, .block_length = b};
    CHECK(returns_of(scenarios(lazy, two, 1, 97).data(), 96) == r2);
    check_streams(m, spec, 97);
    // block_length = n: the whole history in order.
    const auto whole = stress::make_bootstrap(history, history.size());
    const auto w =
        returns_of(scenarios(whole, stress::path_spec{.steps = 400}, 1, 401).data(), 400);
    for (std::size_t k = 0; k < 400; ++k)
        CHECK(w[k] == Approx(history[k]).margin(1e-13));
}

TEST_CASE("replay: windows of the history relative to the spot", "[stress]") {
    const auto history = synthetic_prices(200, 3);
    const stress::replay fixed{.prices = history, .start = 37};
    const stress::path_spec spec{.spot = 10, .steps = 50, .step_days = 1};
    fixed.validate(spec);
    const auto p = scenarios(fixed, spec, 1, 51);
    for (std::size_t k = 0; k <= 50; ++k)
        CHECK(p[k] / 10 == Approx(history[37 + k] / history[37]).epsilon(4e-16));
    // the whole history from 0
    const stress::replay all{.prices = history};
    const stress::path_spec longest{.spot = history[0], .steps = 199};
    all.validate(longest);
    const auto q = scenarios(all, longest, 1, 200);
    for (std::size_t k = 0; k < 200; ++k)
        CHECK(q[k] == Approx(history[k]).epsilon(4e-16));

    // vol_multiplier 2: log-returns doubled around 0.
    stress::path_spec two = spec;
    two.vol_multiplier = 2;
    const auto d = returns_of(scenarios(fixed, two, 1, 51).data(), 50);
    for (std::size_t k = 0; k < 50; ++k)
        CHECK(d[k] == Approx(2 * std::log(history[38 + k] / history[37 + k])).margin(1e-12));

    // Random starts: every scenario is one of the 150 windows, and each window is drawn
    // (P(some window never drawn in 3000) <= 150 (149/150)^3000 < 3e-7).
    const stress::replay random{.prices = history, .random_start = true};
    random.validate(spec);
    constexpr std::size_t n = 3000;
    const auto r = scenarios(random, spec, n, 51);
    std::vector<int> hits(150);
    for (std::size_t i = 0; i < n; ++i) {
        const double first_ratio = r[i * 51 + 1] / 10;
        std::size_t found = 150;
        for (std::size_t s = 0; s < 150; ++s)
            if (std::abs(history[s + 1] / history[s] - first_ratio) <= 1e-14 &&
                std::abs(history[s + 50] / history[s] - r[i * 51 + 50] / 10) <= 1e-13)
                found = s;
        REQUIRE(found < 150);
        ++hits[found];
    }
    CHECK(std::count(hits.begin(), hits.end(), 0) == 0);
    check_streams(random, spec, 51);
}

TEST_CASE("correlated_gbm: sample correlations and variances against the target", "[stress]") {
    Eigen::Matrix3d rho;
    rho << 1, 0.6, -0.3, 0.6, 1, 0.2, -0.3, 0.2, 1;
    const std::vector<double> vols{0.5, 0.8, 1.0};
    for (const auto kind : {risk::copula::gaussian, risk::copula::student_t}) {
        const double nu = 10;
        const auto m = stress::make_correlated_gbm({2000, 30, 1}, vols, rho, kind, nu);
        REQUIRE(m.assets() == 3);
        const stress::path_spec spec{.steps = 30000};
        const std::size_t stride = spec.steps + 1;
        const auto p = scenarios(m, spec, 1, 3 * stride);
        CHECK(p[0] == 2000);
        CHECK(p[stride] == 30);
        CHECK(p[2 * stride] == 1);
        std::vector<std::vector<double>> r;
        for (std::size_t a = 0; a < 3; ++a)
            r.push_back(returns_of(p.data() + a * stride, spec.steps));
        const double n = static_cast<double>(spec.steps);
        // Elliptical distributions: Var(sample corr) = (1 + kappa) (1 - rho^2)^2 / n, kappa =
        // E x^4 / 3 - 1 = 2 / (nu - 4) for the t copula's multivariate t (Muirhead 1982).
        const double kappa = kind == risk::copula::student_t ? 2 / (nu - 4) : 0;
        const double dt = spec.step_years();
        const double mu4 = kind == risk::copula::student_t ? 3 + 6 / (nu - 4) : 3;
        for (std::size_t a = 0; a < 3; ++a) {
            const moments ma = moments_of(r[a]);
            const double var = vols[a] * vols[a] * dt;
            CHECK(std::abs(ma.variance - var) <= 6 * var * std::sqrt((mu4 - 1) / n));
            for (std::size_t b = a + 1; b < 3; ++b) {
                const moments mb = moments_of(r[b]);
                double cov = 0;
                for (std::size_t k = 0; k < spec.steps; ++k)
                    cov += (r[a][k] - ma.mean) * (r[b][k] - mb.mean);
                cov /= n - 1;
                const double corr = cov / std::sqrt(ma.variance * mb.variance);
                const double target =
                    rho(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(b));
                INFO("pair " << a << ", " << b);
                CHECK(std::abs(corr - target) <=
                      6 * std::sqrt(1 + kappa) * (1 - target * target) / std::sqrt(n));
            }
        }
        stress::path_spec small{.steps = 40};
        check_streams(m, small, 3 * 41);
        // vol_multiplier 2 doubles each asset's centred returns (same normals).
        stress::path_spec two = small;
        two.vol_multiplier = 2;
        const auto a1 = scenarios(m, small, 1, 123), a2 = scenarios(m, two, 1, 123);
        const auto x1 = returns_of(a1.data() + 41, 40), x2 = returns_of(a2.data() + 41, 40);
        CHECK(std::sqrt(moments_of(x2).variance / moments_of(x1).variance) ==
              Approx(2).epsilon(1e-9));
    }
}

TEST_CASE("liquidity_response: hand values, monotone in vol, floor", "[stress]") {
    // Log-returns alternating +a, -a: realised vol = a / sqrt(step in years), exactly.
    const stress::path_spec spec{.spot = 100, .steps = 24, .step_days = 1.0 / 24};
    const auto path = [&](double a) {
        std::vector<double> p(25);
        for (std::size_t k = 0; k <= 24; ++k)
            p[k] = 100 * std::exp(k % 2 ? a : 0);
        return p;
    };
    const stress::liquidity_response lr{.reference_vol = 0.5, .elasticity = 1.5, .floor = 0.05};
    lr.validate();
    const auto p = path(0.01);
    const double vol = 0.01 * std::sqrt(24 * 365.0); // 0.9359...
    CHECK(stress::liquidity_response::realised_vol(p.data(), spec) == Approx(vol).epsilon(1e-12));
    CHECK(lr.depth(p.data(), spec) == Approx(std::pow(0.5 / vol, 1.5)).epsilon(1e-12));
    // calmer than the reference: full depth; off: full depth
    CHECK(lr.depth(path(0.004).data(), spec) == 1);
    CHECK(stress::liquidity_response{}.depth(p.data(), spec) == 1);
    // non-increasing in the vol, floored
    double last = 1;
    for (double a = 0.001; a < 0.5; a *= 1.3) {
        const double d = lr.depth(path(a).data(), spec);
        CHECK(d <= last);
        CHECK(d >= 0.05);
        last = d;
    }
    CHECK(last == 0.05);
    // with a GBM path of known vol, the depth is near (0.5 / 1.2)^1.5
    const stress::path_spec many{.steps = 20000};
    const auto g = scenarios(stress::gbm{.vol = 1.2}, many, 1, 20001);
    const double realised = stress::liquidity_response::realised_vol(g.data(), many);
    // sum of squares of n normals / n: relative sd sqrt(2 / n) on the variance
    CHECK(std::abs(realised * realised / 1.44 - 1) <= 6 * std::sqrt(2.0 / 20000) + 1e-6);
    require_throws_naming([] { stress::liquidity_response{.floor = 0}.validate(); }, {"floor"});
    require_throws_naming([] { stress::liquidity_response{.reference_vol = -1}.validate(); },
                          {"reference_vol"});
}

TEST_CASE("stress models: bad input names the field", "[stress]") {
    require_throws_naming([] { stress::gbm{.vol = -0.1}.validate(); },
                          {"stress::gbm", "vol", "-0.1"});
    require_throws_naming([] { stress::gbm{.drift = std::nan("")}.validate(); }, {"drift"});
    require_throws_naming([] { stress::merton{.vol = 0.5, .jump_intensity = -1}.validate(); },
                          {"stress::merton", "jump_intensity"});
    require_throws_naming([] { stress::merton{.vol = 0.5, .jump_vol = -1}.validate(); },
                          {"jump_vol"});
    require_throws_naming([] { stress::merton{.jump_mean = 800}.validate(); }, {"jump_mean"});
    require_throws_naming([] { stress::student_t{.vol = 0.5, .degrees_of_freedom = 2}.validate(); },
                          {"stress::student_t", "degrees_of_freedom", "2"});
    require_throws_naming([] { stress::student_t{.vol = -1}.validate(); }, {"vol"});
    require_throws_naming(
        [] {
            stress::garch_paths{.params = {1e-5, 0.2, 0.8}}.validate();
        },
        {"alpha + beta"});
    require_throws_naming(
        [] {
            stress::garch_paths{.params = {1e-5, 0.1, 0.8}, .initial_variance = -1}.validate();
        },
        {"initial_variance"});
    require_throws_naming(
        [] {
            stress::garch_paths{.params = {1e-5, 0.1, 0.8},
                                .innovations = stress::innovation::student_t,
                                .degrees_of_freedom = 1.5}
                .validate();
        },
        {"degrees_of_freedom"});

    const std::vector<double> returns{0.01, -0.02, 0.03};
    require_throws_naming([] { stress::bootstrap{}.validate(); }, {"returns.size()"});
    require_throws_naming([&] { stress::make_bootstrap(returns, 0); }, {"block_length", "0"});
    require_throws_naming([&] { stress::make_bootstrap(returns, 4); }, {"block_length", "4"});
    const std::vector<double> bad_returns{0.01, std::nan(""), 0.03};
    require_throws_naming([&] { stress::make_bootstrap(bad_returns, 1); }, {"returns[1]"});

    const std::vector<double> prices{100, 101, 0, 99};
    require_throws_naming([&] { stress::history_log_returns(prices); }, {"prices[2]", "0"});
    require_throws_naming([&] { stress::fit_garch_paths(prices); },
                          {"stress::fit_garch_paths", "prices[2]"});
    require_throws_naming([] { stress::history_log_returns({}); }, {"prices.size()"});
    require_throws_naming([] { stress::replay{}.validate(); }, {"stress::replay", "prices.size()"});
    require_throws_naming([&] { stress::replay{.prices = prices}.validate(); }, {"prices[2]"});
    const std::vector<double> good{100, 101, 102, 99};
    require_throws_naming([&] { stress::replay{.prices = good, .start = 3}.validate(); },
                          {"start"});
    require_throws_naming(
        [&] { stress::replay{.prices = good, .start = 1}.validate(stress::path_spec{.steps = 3}); },
        {"spec.steps", "3"});
    stress::replay{.prices = good, .start = 0}.validate(stress::path_spec{.steps = 3});

    Eigen::Matrix2d not_pd;
    not_pd << 1, 1.2, 1.2, 1;
    require_throws_naming(
        [&] {
            stress::make_correlated_gbm({1, 1}, {0.5, 0.5}, not_pd);
        },
        {"rho"});
    Eigen::Matrix2d singular;
    singular << 1, 1, 1, 1;
    require_throws_naming(
        [&] {
            stress::make_correlated_gbm({1, 1}, {0.5, 0.5}, singular);
        },
        {"rho"});
    const Eigen::MatrixXd big = Eigen::MatrixXd::Identity(65, 65);
    require_throws_naming(
        [&] {
            stress::make_correlated_gbm(std::vector<double>(65, 1.0), std::vector<double>(65, 0.5),
                                        big);
        },
        {"spots.size()", "65"});
    const Eigen::Matrix2d id = Eigen::Matrix2d::Identity();
    require_throws_naming(
        [&] {
            stress::make_correlated_gbm({1, 1}, {0.5, -0.5}, id);
        },
        {"vols[1]"});
    require_throws_naming(
        [&] {
            stress::make_correlated_gbm({1, 0}, {0.5, 0.5}, id);
        },
        {"spots[1]"});
    require_throws_naming(
        [&] {
            stress::make_correlated_gbm({1, 1, 1}, {0.5, 0.5, 0.5}, id);
        },
        {"correlation shape"});
    require_throws_naming(
        [&] {
            stress::make_correlated_gbm({1, 1}, {0.5, 0.5}, id, risk::copula::student_t, 2);
        },
        {"degrees_of_freedom"});
    stress::correlated_gbm wrong_factor = stress::make_correlated_gbm({1, 1}, {0.5, 0.5}, id);
    wrong_factor.factor[3] = 2;
    require_throws_naming([&] { wrong_factor.validate(); }, {"factor row sum of squares[1]"});
    require_throws_naming([] { stress::path_spec{.vol_multiplier = 0}.validate(); },
                          {"vol_multiplier"});

    // validate_model: the model, the grid, and the model against the grid.
    require_throws_naming(
        [&] {
            stress::validate_model(stress::replay{.prices = good}, stress::path_spec{.steps = 4});
        },
        {"stress::replay", "spec.steps", "4"});
    stress::validate_model(stress::replay{.prices = good}, stress::path_spec{.steps = 3});
    require_throws_naming(
        [] { stress::validate_model(stress::gbm{.vol = 0.5}, stress::path_spec{.steps = 0}); },
        {"steps"});
    require_throws_naming(
        [] { stress::validate_model(stress::gbm{.vol = -0.5}, stress::path_spec{}); }, {"vol"});
    require_throws_naming(
        [&] {
            stress::validate_model(stress::make_correlated_gbm({1, 1}, {0.5, 0.5}, id),
                                   stress::path_spec{.step_days = 0});
        },
        {"step_days"});
}

} // namespace unit_tests_stress_models
