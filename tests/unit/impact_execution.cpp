// Almgren–Chriss optimal liquidation: the library's sums against the paper's closed forms
// (evaluated here in long double), the discrete Euler–Lagrange equation, optimality against
// perturbed schedules, TWAP in closed form, extreme urgency, and validation.
#include <spiral/core/error.hpp>
#include <spiral/impact/execution.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

namespace unit_tests_impact_execution {

namespace impact = spiral::impact;

namespace {

using ld = long double;

double relative_difference(double a, double b) {
    if (a == b)
        return 0;
    return std::abs(a - b) / std::max(std::abs(a), std::abs(b));
}

/// The example of Almgren and Chriss (2000), section 3: sell 1e6 shares over 5 days in daily
/// steps, sigma 0.95 per share per sqrt(day), epsilon 1/16, eta 2.5e-6, gamma 2.5e-7.
impact::almgren_chriss paper_example(double lambda, std::size_t steps = 5) {
    return {.quantity = 1e6,
            .horizon = 5,
            .steps = steps,
            .sigma = 0.95,
            .permanent = 2.5e-7,
            .temporary = 2.5e-6,
            .fixed = 0.0625,
            .risk_aversion = lambda};
}

/// kappa from its definition, (2 / tau^2)(cosh(kappa tau) - 1) = lambda sigma^2 / eta~.
ld kappa_by_definition(const impact::almgren_chriss& p) {
    const ld tau = ld(p.horizon) / p.steps;
    const ld eta_tilde = p.temporary - 0.5L * p.permanent * tau;
    const ld kt2 = ld(p.risk_aversion) * p.sigma * p.sigma / eta_tilde;
    return std::acosh(1 + kt2 * tau * tau / 2) / tau;
}

/// The paper's closed forms for the optimal schedule's E and V.
impact::execution_cost closed_forms(const impact::almgren_chriss& p) {
    const ld k = kappa_by_definition(p), t = p.horizon, x = p.quantity;
    const ld tau = t / p.steps;
    const ld eta_tilde = p.temporary - 0.5L * p.permanent * tau;
    const ld s = std::sinh(k * t);
    const ld e = 0.5L * p.permanent * x * x + ld(p.fixed) * x +
                 eta_tilde * x * x * std::tanh(0.5L * k * tau) *
                     (tau * std::sinh(2 * k * t) + 2 * t * std::sinh(k * tau)) /
                     (2 * tau * tau * s * s);
    const ld v = 0.5L * p.sigma * p.sigma * x * x *
                 (tau * s * std::cosh(k * (t - tau)) - t * std::sinh(k * tau)) /
                 (s * s * std::sinh(k * tau));
    return {static_cast<double>(e), static_cast<double>(v)};
}

template <class F>
std::string invalid_message(F f) {
    try {
        f();
    } catch (const spiral::invalid_argument& e) {
        return e.what();
    }
    return "";
}

} // namespace

TEST_CASE("almgren_chriss: expected cost and variance match the paper's closed forms") {
    for (double lambda : {1e-7, 1e-6, 2e-6, 1e-5, 1e-4}) {
        for (std::size_t steps : {std::size_t{1}, std::size_t{5}, std::size_t{50}}) {
            const auto p = paper_example(lambda, steps);
            const auto cost = p.optimal();
            const auto reference = closed_forms(p);
            INFO("lambda " << lambda << ", N " << steps << ": E " << cost.expected << " vs "
                           << reference.expected << ", V " << cost.variance << " vs "
                           << reference.variance);
            CHECK(relative_difference(p.kappa(), double(kappa_by_definition(p))) < 1e-14);
            CHECK(relative_difference(cost.expected, reference.expected) < 1e-12);
            CHECK(relative_difference(cost.variance, reference.variance) < 1e-12);
        }
    }
}

TEST_CASE("almgren_chriss: the sinh schedule solves the discrete Euler-Lagrange equation") {
    for (double lambda : {1e-8, 2e-6, 1e-3}) {
        const auto p = paper_example(lambda, 40);
        const auto x = p.schedule();
        REQUIRE(x.size() == 41);
        CHECK(x.front() == 1e6);
        CHECK(x.back() == 0);
        const ld tau = ld(p.horizon) / p.steps;
        const ld kt2 = ld(lambda) * p.sigma * p.sigma / (p.temporary - 0.5L * p.permanent * tau);
        double worst = 0, worst_trade = 0, total = 0;
        for (std::size_t k = 1; k < p.steps; ++k) {
            // (x_(k-1) - 2 x_k + x_(k+1)) / tau^2 = kappa~^2 x_k
            const ld lhs = (ld(x[k - 1]) - 2 * ld(x[k]) + x[k + 1]) / (tau * tau);
            worst = std::max(
                worst, static_cast<double>(std::abs(lhs - kt2 * x[k]) / (kt2 * x[k] + 1e-300L)));
        }
        for (std::size_t k = 1; k <= p.steps; ++k) {
            worst_trade = std::max(worst_trade, relative_difference(p.trade(k), x[k - 1] - x[k]));
            total += p.trade(k);
        }
        INFO("lambda " << lambda << ": Euler-Lagrange " << worst << ", trades " << worst_trade);
        CHECK(worst < 1e-9); // second differences of x lose about log10(x / (tau^2 dx'')) digits
        CHECK(worst_trade < 1e-10);
        CHECK(total == Approx(1e6).epsilon(1e-14));
        // Front-loaded: each sale at least as large as the next.
        for (std::size_t k = 1; k < p.steps; ++k)
            CHECK(p.trade(k) >= p.trade(k + 1));
    }
}

TEST_CASE("almgren_chriss: optimal beats every perturbed schedule and TWAP") {
    std::mt19937_64 rng(424242);
    std::normal_distribution<double> noise(0.0, 1.0);
    for (double lambda : {1e-7, 2e-6, 5e-5}) {
        const auto p = paper_example(lambda, 20);
        const auto best = p.optimal();
        const double u = best.utility(lambda);
        // The library's own evaluation of its schedule agrees with cost_of.
        const auto x = p.schedule();
        const auto evaluated = p.cost_of(x);
        CHECK(relative_difference(evaluated.expected, best.expected) < 1e-13);
        CHECK(relative_difference(evaluated.variance, best.variance) < 1e-13);
        for (int trial = 0; trial < 200; ++trial) {
            // perturbations of 10%, 1% and 0.1% of X: the utility rises by far more than
            // its rounding
            auto y = x;
            const double scale = 1e6 * std::pow(10.0, -1 - trial % 3);
            for (std::size_t k = 1; k < p.steps; ++k)
                y[k] += scale * noise(rng);
            CHECK(p.cost_of(y).utility(lambda) > u);
        }
        const auto twap = p.twap();
        CHECK(twap.utility(lambda) >= u);
        CHECK(twap.expected <= best.expected); // TWAP minimises expected cost alone
        CHECK(twap.variance >= best.variance);
    }
}

TEST_CASE("almgren_chriss: lambda = 0 is TWAP, and TWAP's closed form") {
    const auto p = paper_example(0.0, 10);
    CHECK(p.kappa() == 0);
    for (std::size_t k = 0; k <= 10; ++k)
        CHECK(p.holdings(k) == Approx(1e6 * (1 - static_cast<double>(k) / 10)).epsilon(1e-15));
    const auto twap = p.twap();
    const auto optimal = p.optimal();
    CHECK(relative_difference(optimal.expected, twap.expected) < 1e-14);
    CHECK(relative_difference(optimal.variance, twap.variance) < 1e-14);
    // TWAP by its definition: n_k = X / N.
    std::vector<double> linear(11);
    for (std::size_t k = 0; k <= 10; ++k)
        linear[k] = 1e6 * static_cast<double>(10 - k) / 10;
    const auto direct = p.cost_of(linear);
    CHECK(relative_difference(direct.expected, twap.expected) < 1e-14);
    CHECK(relative_difference(direct.variance, twap.variance) < 1e-14);
    // And TWAP does not depend on lambda.
    const auto urgent = paper_example(1e-3, 10).twap();
    CHECK(urgent.expected == twap.expected);
    CHECK(urgent.variance == twap.variance);
    // Tiny lambda: the schedule tends to TWAP continuously (no 0/0).
    const auto almost = paper_example(1e-30, 10);
    CHECK(almost.kappa() > 0);
    CHECK(relative_difference(almost.optimal().expected, twap.expected) < 1e-12);
    CHECK(relative_difference(almost.holdings(3), 7e5) < 1e-12);
}

TEST_CASE("almgren_chriss: extreme urgency stays finite (kappa T far beyond sinh overflow)") {
    const auto p = paper_example(1e6, 50); // kappa tau ~ 22, kappa T ~ 1100
    CHECK(p.kappa() * p.horizon > 800);
    double total = 0;
    for (std::size_t k = 1; k <= p.steps; ++k) {
        CHECK(std::isfinite(p.trade(k)));
        total += p.trade(k);
    }
    CHECK(total == Approx(1e6).epsilon(1e-14));
    // Almost everything is sold in the first step: x_1 / X = sinh(49 kt) / sinh(50 kt) ~ e^-kt.
    const double kt = p.kappa() * p.tau();
    CHECK(p.holdings(1) == Approx(1e6 * std::exp(-kt)).epsilon(1e-12));
    CHECK(p.trade(1) == Approx(1e6 * (1 - std::exp(-kt))).epsilon(1e-14));
    CHECK(p.holdings(2) == Approx(1e6 * std::exp(-2 * kt)).epsilon(1e-12));
    CHECK(p.holdings(49) == 0); // e^(-49 kappa tau) underflows, correctly
    const auto cost = p.optimal();
    CHECK(std::isfinite(cost.expected));
    CHECK(std::isfinite(cost.variance));
}

TEST_CASE("almgren_chriss: validate names the field") {
    auto p = paper_example(1e-6);
    CHECK_NOTHROW(p.validate());
    p.quantity = -5;
    CHECK_THAT(invalid_message([&] { p.validate(); }),
               Catch::Contains("impact::almgren_chriss: quantity = -5"));
    p = paper_example(1e-6);
    p.steps = 0;
    CHECK_THAT(invalid_message([&] { p.validate(); }), Catch::Contains("steps = 0"));
    p = paper_example(1e-6);
    p.temporary = 1e-7; // below gamma tau / 2 = 1.25e-7
    CHECK_THAT(invalid_message([&] { p.validate(); }),
               Catch::Contains("temporary = 1e-07 (must exceed"));
    p = paper_example(std::nan(""));
    CHECK_THAT(invalid_message([&] { p.validate(); }), Catch::Contains("risk_aversion = nan"));
    p = paper_example(1e-6);
    CHECK_THAT(invalid_message([&] {
                   (void)p.cost_of(std::vector<double>{1e6, 0});
               }),
               Catch::Contains("holdings.size() = 2"));
    CHECK_THAT(invalid_message([&] {
                   (void)p.cost_of(std::vector<double>{1e6, 5, 5, 5, 5, 1});
               }),
               Catch::Contains("must start at quantity and end at 0"));
}

} // namespace unit_tests_impact_execution
