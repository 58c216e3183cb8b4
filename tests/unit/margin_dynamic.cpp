// Dynamic margin: log returns, EWMA and GARCH(1,1) (filter, likelihood, maximum-likelihood fit
// on a long simulated series), VaR margin, the EMIR article 28 anti-procyclicality tools and the
// procyclicality metrics. Recursions are recomputed here by plain loops, metrics by brute force,
// and the GARCH fit is checked against the simulation's true parameters within standard errors
// from this file's own likelihood (numerical Hessian). The random numbers come from splitmix64
// and spiral::norm_quantile, so the simulated series is the same on every standard library.
#include <spiral/core/random.hpp>
#include <spiral/margin/dynamic.hpp>
#include <spiral/margin/volatility_estimators.hpp>

#include "support/throws.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace unit_tests_margin_dynamic {

namespace mg = spiral::margin;

namespace {

constexpr double qnan = std::numeric_limits<double>::quiet_NaN();

using spiral::test::require_throws_naming;

/// GARCH(1,1) returns: r_t = sqrt(v_t) z_t, v_{t+1} = omega + alpha r_t^2 + beta v_t,
/// after `burn_in` discarded steps from the long-run variance.
std::vector<double> simulate_garch(double omega, double alpha, double beta, std::size_t n,
                                   std::uint64_t seed, std::size_t burn_in = 1000) {
    spiral::splitmix64 rng{seed};
    double v = omega / (1 - alpha - beta);
    std::vector<double> r;
    for (std::size_t t = 0; t < n + burn_in; ++t) {
        const double x = std::sqrt(v) * spiral::standard_normal(rng);
        if (t >= burn_in)
            r.push_back(x);
        v = omega + alpha * x * x + beta * v;
    }
    return r;
}

/// Variance-targeted Gaussian log-likelihood written out here (no library code).
double log_likelihood(double alpha, double beta, const std::vector<double>& r) {
    double target = 0;
    for (double x : r)
        target += x * x;
    target /= static_cast<double>(r.size());
    const double omega = target * (1 - alpha - beta);
    double v = target, sum = 0;
    for (double x : r) {
        sum += -0.5 * (std::log(2 * M_PI) + std::log(v) + x * x / v);
        v = omega + alpha * x * x + beta * v;
    }
    return sum;
}

} // namespace

TEST_CASE("log returns and bad prices", "[margin]") {
    const std::vector<double> prices{100, 110, 99, 99};
    std::vector<double> r(3);
    mg::log_returns(prices, r);
    CHECK(r[0] == Approx(std::log(1.1)).epsilon(1e-15));
    CHECK(r[1] == Approx(std::log(0.9)).epsilon(1e-15));
    CHECK(r[2] == 0.0);
    const std::vector<double> with_nan{100, 101, qnan, 103};
    require_throws_naming([&] { mg::log_returns(with_nan, r); }, {"prices[2]", "nan"});
    const std::vector<double> with_zero{100, 0, 100, 100};
    require_throws_naming([&] { mg::log_returns(with_zero, r); }, {"prices[1]", "> 0"});
    std::vector<double> wrong(2);
    require_throws_naming([&] { mg::log_returns(prices, wrong); }, {"returns.size()"});
}

TEST_CASE("EWMA: recursion by hand, lambda outside (0, 1)", "[margin]") {
    const std::vector<double> r{0.01, -0.02, 0.03, 0.0, -0.01};
    std::vector<double> v(6);
    mg::ewma{0.94}.variance(r, v, 1e-4);
    double expected = 1e-4;
    CHECK(v[0] == expected);
    for (std::size_t t = 0; t < r.size(); ++t) {
        expected = 0.94 * expected + 0.06 * r[t] * r[t];
        CHECK(v[t + 1] == Approx(expected).epsilon(1e-15));
    }
    // default seed: mean of r^2 over (here all five) returns
    mg::ewma{0.9}.variance(r, v);
    CHECK(v[0] == Approx((1e-4 + 4e-4 + 9e-4 + 0 + 1e-4) / 5).epsilon(1e-15));
    for (double lambda : {0.0, 1.0, -0.5, 1.5, qnan})
        require_throws_naming([&] { mg::ewma{lambda}.variance(r, v); }, {"lambda"});
    const std::vector<double> bad{0.01, qnan};
    std::vector<double> v3(3);
    require_throws_naming([&] { mg::ewma{}.variance(bad, v3); }, {"returns[1]"});
}

TEST_CASE("GARCH(1,1): filter and likelihood by hand; non-stationary parameters", "[margin]") {
    const mg::garch11 g{2e-6, 0.1, 0.85};
    const std::vector<double> r{0.01, -0.02, 0.03, 0.0, -0.01};
    std::vector<double> v(6);
    g.variance(r, v);
    double expected = 2e-6 / 0.05, ll = 0;
    CHECK(v[0] == Approx(expected).epsilon(1e-15));
    for (std::size_t t = 0; t < r.size(); ++t) {
        ll += -0.5 * (std::log(2 * M_PI) + std::log(expected) + r[t] * r[t] / expected);
        expected = 2e-6 + 0.1 * r[t] * r[t] + 0.85 * expected;
        CHECK(v[t + 1] == Approx(expected).epsilon(1e-14));
    }
    CHECK(mg::garch_log_likelihood(g, r) == Approx(ll).epsilon(1e-14));
    require_throws_naming(
        [] {
            mg::garch11{1e-6, 0.2, 0.8}.validate();
        },
        {"alpha + beta", "stationary"});
    require_throws_naming([&] { mg::garch11{1e-6, 0.3, 0.75}.variance(r, v); }, {"alpha + beta"});
    require_throws_naming([] { mg::garch11{1e-6, -0.1, 0.8}.validate(); }, {"alpha", "-0.1"});
    require_throws_naming([] { mg::garch11{0.0, 0.1, 0.8}.validate(); }, {"omega"});
}

TEST_CASE("GARCH(1,1) fit recovers the parameters of a long simulated series", "[margin]") {
    const double omega = 8e-6, alpha = 0.08, beta = 0.90; // daily vol 2%, persistence 0.98
    const auto r = simulate_garch(omega, alpha, beta, 40000, 20261122);
    const auto fit = mg::fit_garch11(r);
    CHECK(fit.converged);
    // the fit's likelihood is this file's likelihood at the fitted point, and no lower than at
    // the true parameters (it is the maximum)
    CHECK(fit.log_likelihood ==
          Approx(log_likelihood(fit.params.alpha, fit.params.beta, r)).epsilon(1e-12));
    CHECK(fit.log_likelihood >= log_likelihood(alpha, beta, r) - 1e-6);
    // standard errors from the observed information (numerical Hessian of -L at the fit)
    const double h = 1e-4, a = fit.params.alpha, b = fit.params.beta;
    auto L = [&](double x, double y) { return log_likelihood(x, y, r); };
    const double laa = (L(a + h, b) - 2 * L(a, b) + L(a - h, b)) / (h * h);
    const double lbb = (L(a, b + h) - 2 * L(a, b) + L(a, b - h)) / (h * h);
    const double lab =
        (L(a + h, b + h) - L(a + h, b - h) - L(a - h, b + h) + L(a - h, b - h)) / (4 * h * h);
    const double det = laa * lbb - lab * lab; // of the Hessian of L (negative definite)
    const double se_alpha = std::sqrt(-lbb / det);
    const double se_beta = std::sqrt(-laa / det);
    INFO("alpha " << fit.params.alpha << " +- " << se_alpha << ", beta " << fit.params.beta
                  << " +- " << se_beta);
    CHECK(se_alpha > 0.0);
    CHECK(se_alpha < 0.01); // 40000 observations pin alpha down to about 0.004
    CHECK(std::abs(fit.params.alpha - alpha) < 4 * se_alpha);
    CHECK(std::abs(fit.params.beta - beta) < 4 * se_beta);
    CHECK(fit.params.alpha + fit.params.beta < 1.0);
    CHECK(fit.params.long_run_variance() == Approx(fit.target_variance).epsilon(1e-12));
    // variance targeting: the target is the mean of r^2, near the true long-run variance
    CHECK(fit.target_variance == Approx(omega / (1 - alpha - beta)).epsilon(0.1));
}

TEST_CASE("GARCH fit: bad input", "[margin]") {
    std::vector<double> r(50, 0.01);
    r[17] = qnan;
    require_throws_naming([&] { (void)mg::fit_garch11(r); }, {"returns[17]"});
    const std::vector<double> few(5, 0.01);
    require_throws_naming([&] { (void)mg::fit_garch11(few); }, {"returns.size()", "5"});
    const std::vector<double> zeros(50, 0.0);
    require_throws_naming([&] { (void)mg::fit_garch11(zeros); }, {"must be > 0"});
}

TEST_CASE("VaR margin: z sigma sqrt(h)", "[margin]") {
    const mg::var_margin var{.confidence = 0.99, .horizon_days = 2};
    const double z = 2.3263478740408408; // Phi^-1(0.99)
    CHECK(var(0.02) == Approx(z * 0.02 * std::sqrt(2.0)).epsilon(1e-14));
    const std::vector<double> v{4e-4, 1e-4};
    std::vector<double> m(2);
    var.apply(v, m);
    CHECK(m[1] == Approx(z * 0.01 * std::sqrt(2.0)).epsilon(1e-14));
    const std::vector<double> bad{4e-4, qnan};
    require_throws_naming([&] { var.apply(bad, m); }, {"margin[1]"});
    require_throws_naming([] { mg::var_margin{.confidence = 1.0}.validate(); }, {"confidence"});
}

TEST_CASE("APC buffer: stays in [base, 1.25 base], absorbs rises, follows falls", "[margin]") {
    // calm then a rise of 20% in steps (absorbed), then a jump (buffer used up), then a fall
    const std::vector<double> base{1.0, 1.0, 1.05, 1.1, 1.2, 1.6, 1.6, 1.0, 0.8};
    std::vector<double> m(base.size());
    mg::apc_buffer{0.25}.apply(base, m);
    const double expected[] = {1.25, 1.25, 1.25, 1.25, 1.25, 1.6, 1.6, 1.25, 1.0};
    for (std::size_t t = 0; t < base.size(); ++t) {
        CHECK(m[t] == Approx(expected[t]).epsilon(1e-15));
        CHECK(m[t] >= base[t]);
        CHECK(m[t] <= 1.25 * base[t] * (1 + 1e-15));
    }
    require_throws_naming([] { mg::apc_buffer{-0.1}.validate(); }, {"buffer"});
}

TEST_CASE("APC stressed weight, look-back floor and speed limit by brute force", "[margin]") {
    spiral::splitmix64 rng{99};
    std::vector<double> r(400), base(401);
    for (std::size_t t = 0; t < r.size(); ++t)
        r[t] = (t > 200 && t < 260 ? 0.05 : 0.01) * spiral::standard_normal(rng);
    std::vector<double> v(401);
    mg::ewma{0.94}.variance(r, v);
    const mg::var_margin var{};
    var.apply(v, base);

    std::vector<double> out(base.size());
    mg::stress_weight{0.25}.apply(base, out);
    for (std::size_t t = 0; t < base.size(); ++t) {
        const double stressed =
            *std::max_element(base.begin(), base.begin() + static_cast<long>(t) + 1);
        CHECK(out[t] == Approx(0.75 * base[t] + 0.25 * stressed).epsilon(1e-15));
    }
    mg::stress_weight{0.25, 30}.apply(base, out);
    for (std::size_t t = 0; t < base.size(); ++t) {
        const std::size_t first = t >= 29 ? t - 29 : 0;
        const double stressed = *std::max_element(base.begin() + static_cast<long>(first),
                                                  base.begin() + static_cast<long>(t) + 1);
        CHECK(out[t] == Approx(0.75 * base[t] + 0.25 * stressed).epsilon(1e-15));
    }

    const mg::lookback_floor floor{.lookback_days = 100, .var = var};
    floor.apply(r, base, out);
    CHECK(out[0] == base[0]);
    for (std::size_t t = 1; t < base.size(); ++t) {
        const std::size_t first = t > 100 ? t - 100 : 0;
        double sum = 0;
        for (std::size_t i = first; i < t; ++i)
            sum += r[i] * r[i];
        const double sigma = std::sqrt(sum / static_cast<double>(t - first));
        CHECK(out[t] == Approx(std::max(base[t], var(sigma))).epsilon(1e-11));
    }

    const mg::speed_limit limit{0.05};
    limit.apply(base, out);
    CHECK(out[0] == base[0]);
    for (std::size_t t = 1; t < base.size(); ++t) {
        CHECK(out[t] <= base[t]);
        CHECK(out[t] <= 1.05 * out[t - 1] * (1 + 1e-15));
        CHECK(out[t] == Approx(std::min(base[t], 1.05 * out[t - 1])).epsilon(1e-15));
    }
    const auto limited = mg::procyclicality_metrics(out, 1);
    CHECK(limited.max_n_day_increase <= 0.05 + 1e-12);
    CHECK(mg::procyclicality_metrics(base, 1).max_n_day_increase > 0.05);

    std::vector<double> short_out(3);
    require_throws_naming([&] { limit.apply(base, short_out); }, {"out.size()"});
    std::vector<double> bad_returns = r;
    bad_returns[123] = qnan;
    require_throws_naming([&] { floor.apply(bad_returns, base, out); }, {"returns[123]"});
}

TEST_CASE("procyclicality metrics by hand", "[margin]") {
    const std::vector<double> m{1, 2, 4, 3, 1.5};
    const auto one = mg::procyclicality_metrics(m, 1);
    CHECK(one.peak_to_trough == 4.0);
    CHECK(one.max_n_day_increase == 1.0); // 2/1 and 4/2
    const auto two = mg::procyclicality_metrics(m, 2);
    CHECK(two.max_n_day_increase == 3.0); // 4/1
    CHECK(mg::procyclicality_metrics(m, 10).max_n_day_increase == 0.0);
    const std::vector<double> bad{1, -1};
    require_throws_naming([&] { (void)mg::procyclicality_metrics(bad, 1); }, {"margin[1]", "-1"});
    require_throws_naming([&] { (void)mg::procyclicality_metrics(m, 0); }, {"n_days"});
}

} // namespace unit_tests_margin_dynamic
