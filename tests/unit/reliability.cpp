// Regression tests of issue 12 ("every input fuzzed, every finding fixed"): one test case per
// finding, each built from the minimal input that reproduced it and checked against something
// independent of the code under test (closed forms, a 50-digit evaluation, properties). The
// item numbers are those of the issue; docs/reliability.md lists them with their fixes.
#include <spiral/cascade/cascade.hpp>
#include <spiral/haircut/fat_tailed.hpp>
#include <spiral/haircut/haircut.hpp>
#include <spiral/impact/concentrated_liquidity.hpp>
#include <spiral/impact/linear.hpp>
#include <spiral/impact/power_law.hpp>
#include <spiral/impact/stableswap.hpp>
#include <spiral/margin/bulk.hpp>
#include <spiral/margin/dynamic.hpp>
#include <spiral/margin/scenario_grid.hpp>
#include <spiral/margin/volatility_estimators.hpp>
#include <spiral/options/black_scholes.hpp>
#include <spiral/risk/risk.hpp>

#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>
#include <catch2/catch.hpp>

#include "support/oracle.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace unit_tests_reliability {

namespace cascade = spiral::cascade;
namespace impact = spiral::impact;
namespace risk = spiral::risk;
namespace mg = spiral::margin;
namespace hc = spiral::haircut;
using Catch::Matchers::Contains;

namespace {

constexpr double smallest_subnormal = std::numeric_limits<double>::denorm_min();
constexpr double smallest_normal = std::numeric_limits<double>::min();

/// The message of the spiral::invalid_argument that `f` throws, or "no throw".
template <class F>
std::string message_of(F&& f) {
    try {
        f();
    } catch (const spiral::invalid_argument& e) {
        return e.what();
    }
    return "no throw";
}

} // namespace

// ------------------------------------------------------------------------------------ cascade

TEST_CASE("reliability 2: liquidation_profile rejects bin counts it cannot allocate and bins "
          "a tiny max_drop exactly",
          "[reliability][cascade]") {
    // Row 0 is liquidatable already (liquidation price 90 / 0.8 = 112.5 > 100); row 1 at 62.5.
    const cascade::book b{{1, 1}, {90, 50}, {0.8, 0.8}};
    CHECK_THAT(
        message_of([&] { (void)cascade::liquidation_profile(b, 100, std::size_t(1) << 40); }),
        Contains("bins = 1099511627776"));
    CHECK_THAT(message_of([&] {
                   (void)cascade::liquidation_profile(b, 100,
                                                      std::numeric_limits<std::size_t>::max());
               }),
               Contains("bins"));
    CHECK_THAT(message_of([&] { (void)cascade::liquidation_profile(b, 100, 0); }),
               Contains("bins = 0"));
    // A band of width 5e-324 / 4 (0 in floating point): the documented rule still holds, the
    // liquidatable position counts in the first band and the other lies beyond max_drop.
    const auto profile = cascade::liquidation_profile(b, 100, 4, smallest_subnormal);
    REQUIRE(profile.size() == 4);
    CHECK(profile[0].positions == 1);
    CHECK(profile[0].debt == 90);
    for (std::size_t j = 1; j < 4; ++j)
        CHECK(profile[j].positions == 0);
}

TEST_CASE("a book whose collateral or debt adds up past the largest double is rejected, "
          "naming the row that overflows",
          "[reliability][cascade]") {
    // Found by the fuzz smoke run of 2026-12-02 (spiral_fuzz_cascade, multi-asset): two
    // collaterals of 1.7e308 each passed, and the result reported collateral_sold = inf, which
    // no conservation can hold. Every amount is fine on its own; their total is not.
    const double big = 1.7e308;
    const cascade::book b{{big, 1.0, big}, {1.0, 1.0, 1.0}, {0.8, 0.8, 0.8}};
    CHECK_THAT(message_of([&] { b.validate(); }), Contains("collateral[2] = 1.7e+308"));
    CHECK_THAT(message_of([&] { b.validate(); }), Contains("total overflow"));
    const cascade::book debts{{1.0, 1.0}, {big, big}, {0.8, 0.8}};
    CHECK_THAT(message_of([&] { (void)cascade::simulate(debts, 1.0, 0.1, impact::linear{0}); }),
               Contains("debt[1] = 1.7e+308"));
    // Two assets: each asset's column has its own total, so 1.7e308 of each is fine and two
    // of the same asset are not (row 2 is asset 0 of the second position).
    const std::vector<cascade::asset_market> markets{{1.0, 0.1, 0.8}, {1.0, 0.1, 0.8}};
    const std::vector<impact::linear> curves{impact::linear{0}, impact::linear{0}};
    std::vector<double> c(4), d(2);
    const auto run = [&](const cascade::multi_book& m) {
        (void)cascade::simulate(m, std::span<const cascade::asset_market>(markets),
                                std::span<const impact::linear>(curves), {}, {}, c, d);
    };
    CHECK_NOTHROW(run(cascade::multi_book{2, {big, big, 1.0, 1.0}, {1.0, 1.0}}));
    CHECK_THAT(message_of([&] {
                   run(cascade::multi_book{2, {big, 1.0, big, 1.0}, {1.0, 1.0}});
               }),
               Contains("book.collateral[2] = 1.7e+308"));
}

TEST_CASE("liquidation_profile counts a position whose health is under 1 in the first band "
          "even when its liquidation price rounds below the price",
          "[reliability][cascade]") {
    // Found by the fuzz smoke run of 2026-12-02: health = c p t / d rounds to 1 - 2^-53 (under
    // 1) while d / (c t) rounds one ulp below p, so the profile put the position a drop of
    // 1.3e-16 away and, with a tiny max_drop, in no band at all.
    const double c = 7.164423308907429, t = 0.560522538280186, p = 877.5466548675405,
                 d = 3524.0700555503795;
    REQUIRE(cascade::health(c, p, t, d) < 1);
    REQUIRE(cascade::liquidation_price(c, d, t) < p);
    const cascade::book b{{c}, {d}, {t}};
    for (const double max_drop : {1.0, 1e-17, smallest_subnormal}) {
        const auto profile = cascade::liquidation_profile(b, p, 3, max_drop);
        CHECK(profile[0].positions == 1);
    }
}

TEST_CASE("reliability 5: a collateral cap too small to seize anything liquidates nothing "
          "instead of running max_rounds empty rounds",
          "[reliability][cascade]") {
    const cascade::book b{{1, 2}, {90, 100}, {0.8, 0.8}};
    for (const double cap : {smallest_subnormal, 1e-300}) {
        cascade::rules r;
        r.max_collateral_per_round = cap;
        std::vector<double> c(2), d(2);
        const cascade::prepared_book prepared(b);
        const auto res = cascade::simulate(prepared, 100.0, 0.1, impact::linear{0.001}, r,
                                           cascade::position_columns{c, d});
        CHECK_FALSE(res.truncated);
        CHECK(res.rounds == 0);
        CHECK(res.liquidations == 0);
        // Nothing changed: the positions are as they were.
        CHECK(c == b.collateral);
        CHECK(d == b.debt);
    }
    // A cap that does seize still works: 0.1 units per round, worst first.
    cascade::rules r;
    r.max_collateral_per_round = 0.1;
    const auto res = cascade::simulate(b, 100.0, 0.1, impact::linear{0.001}, r);
    CHECK(res.liquidations > 0);
    for (const auto& round : res.path)
        CHECK(round.collateral_sold <= 0.1 * (1 + 1e-15));
}

TEST_CASE("reliability 8: the multi-asset engine repays what the collateral covers, without "
          "cancellation or overflow",
          "[reliability][cascade]") {
    // One asset at 1, collateral worth 1, threshold 0.8: health 0.8 / debt, so the position is
    // closed in full; the collateral covers 1 / (1 + bonus) of the debt, the rest is bad debt.
    const std::vector<cascade::asset_market> markets{{1.0, 0.0, 0.8}};
    const std::vector<impact::linear> curves{impact::linear{0}};
    for (const double debt : {1e20, 1.75e308, 5.0}) {
        const cascade::multi_book b{1, {1.0}, {debt}};
        std::vector<double> c(1), d(1);
        const auto res = cascade::simulate(b, std::span<const cascade::asset_market>(markets),
                                           std::span<const impact::linear>(curves), {}, {}, c, d);
        const double covered = 1.0 / 1.05;
        CHECK(res.debt_repaid == Approx(covered).epsilon(1e-15));
        CHECK(std::isfinite(res.bad_debt));
        CHECK(res.bad_debt == Approx(debt - covered).epsilon(1e-15));
        CHECK(c[0] == 0);
        CHECK(d[0] == 0);
        // The single-asset engine on the same position agrees.
        const auto single =
            cascade::simulate(cascade::book{{1.0}, {debt}, {0.8}}, 1.0, 0.0, impact::linear{0});
        CHECK(single.debt_repaid == Approx(res.debt_repaid).epsilon(1e-15));
    }
}

TEST_CASE("reliability 12: enums outside their range and a shocked price that underflows are "
          "rejected",
          "[reliability][cascade]") {
    for (const int raw : {3, 7, 250}) {
        cascade::rules r;
        r.size_by = static_cast<cascade::sizing>(raw);
        CHECK_THAT(message_of([&] { r.validate(); }),
                   Contains("cascade::rules: size_by = " + std::to_string(raw)));
    }
    const cascade::book b{{1}, {50}, {0.8}};
    // 5e-324 * (1 - 0.6) rounds to 0: every position would be seized for nothing. A
    // subnormal price is outside the domain already; a normal one that the shock takes below
    // the smallest normal blames the shock.
    CHECK_THAT(message_of([&] {
                   (void)cascade::simulate(b, smallest_subnormal, 0.6, impact::linear{0.01});
               }),
               Contains("cascade::simulate: price = 5e-324"));
    CHECK_THAT(message_of([&] {
                   (void)cascade::simulate(b, 1e-300, 0.9999999999999999, impact::linear{0.01});
               }),
               Contains("cascade::simulate: shock = 0.9999999999999999"));
    // A subnormal shocked price has lost most of its bits: rejected the same way.
    CHECK_THAT(
        message_of([&] { (void)cascade::simulate(b, smallest_normal, 0.5, impact::linear{0.01}); }),
        Contains("shock = 0.5"));
    CHECK_THAT(
        message_of([&] { (void)cascade::simulate(b, smallest_normal, 0.0, impact::linear{0.01}); }),
        Contains("no throw"));
    // The multi-asset engine checks each asset the same way.
    const std::vector<cascade::asset_market> markets{{1.0, 0.0, 0.8}, {1e-307, 0.99, 0.8}};
    const std::vector<impact::linear> curves{impact::linear{0}, impact::linear{0}};
    CHECK_THAT(message_of([&] {
                   (void)cascade::simulate(cascade::multi_book{2, {1, 1}, {1}},
                                           std::span<const cascade::asset_market>(markets),
                                           std::span<const impact::linear>(curves));
               }),
               Contains("markets.shock[1] = 0.99"));
}

// --------------------------------------------------------------------------------------- risk

TEST_CASE("reliability 4: chi-square draws cost the same for any degrees of freedom and have "
          "the chi-square distribution",
          "[reliability][risk]") {
    // Kolmogorov-Smirnov distance of 20000 draws from Boost's chi-square distribution function;
    // 1.63 / sqrt(n) is the 1% critical value.
    const std::size_t n = 20000;
    for (const double nu : {3.0, 4.5, 30.0, 1e6, 4294967295.0, 0.7}) {
        INFO("nu = " << nu);
        spiral::splitmix64 g{12345};
        std::vector<double> draws(n);
        for (double& x : draws)
            x = risk::chi_square_variate(g, nu);
        std::sort(draws.begin(), draws.end());
        const boost::math::chi_squared_distribution<double> law(nu);
        double distance = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const double f = boost::math::cdf(law, draws[i]);
            distance = std::max(
                {distance, f - static_cast<double>(i) / n, static_cast<double>(i + 1) / n - f});
        }
        CHECK(distance < 1.63 / std::sqrt(static_cast<double>(n)));
    }
    // The Student-t copula at the largest degrees of freedom the type allows: 2000 scenarios
    // took hours as a sum of 4.3e9 squared normals each.
    const Eigen::MatrixXd l = Eigen::MatrixXd::Identity(2, 2);
    std::vector<double> out(2 * 2000);
    const auto start = std::chrono::steady_clock::now();
    risk::correlated_scenarios(
        l, {}, {.kind = risk::copula::student_t, .degrees_of_freedom = 4294967295u}, out);
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    CHECK(took.count() < 2.0);
    // With so many degrees of freedom the copula is Gaussian: unit variance.
    double sum_squares = 0;
    for (const double x : out)
        sum_squares += x * x;
    CHECK(sum_squares / static_cast<double>(out.size()) == Approx(1).margin(0.1));
}

TEST_CASE("reliability 10: risk aggregation and shrinkage keep their limits on extreme inputs",
          "[reliability][risk]") {
    // A rank-one correlation (all ones): K = |sum ws| = 2e155, whose square overflows.
    const Eigen::MatrixXd ones = Eigen::MatrixXd::Ones(2, 2);
    const std::vector<double> ws{1e155, 1e155};
    CHECK(risk::aggregate(ws, ones) == Approx(2e155).epsilon(1e-15));
    std::vector<double> share(2);
    CHECK(risk::euler_contributions(ws, ones, share) == Approx(2e155).epsilon(1e-15));
    CHECK(share[0] == Approx(1e155).epsilon(1e-15));
    CHECK(share[1] == Approx(1e155).epsilon(1e-15));
    // Tiny sensitivities whose squares underflow keep their size too.
    const std::vector<double> tiny{3e-170, 4e-170};
    CHECK(risk::aggregate(tiny, Eigen::MatrixXd::Identity(2, 2)) == Approx(5e-170).epsilon(1e-15));

    // Ledoit-Wolf toward the identity from two periods: the centred returns are y and -y, so
    // every y_t y_t^T equals S and the estimated intensity is exactly 0 (never below it).
    std::mt19937_64 rng(5);
    std::uniform_real_distribution<double> u(-1, 1);
    for (int trial = 0; trial < 2000; ++trial) {
        const std::vector<double> r{u(rng), u(rng), u(rng), u(rng), u(rng), u(rng)};
        const auto e = risk::shrink_to_identity(r, 3);
        INFO("trial " << trial);
        CHECK(e.intensity >= 0);
        CHECK(e.intensity <= 1e-15);
    }
    // Scale equivariance far from 1: covariance scales by c^2, intensity not at all.
    const std::vector<double> base{0.01, -0.02, 0.03, 0.015, -0.01, 0.02, 0.005, 0.01, -0.03};
    for (const double c : {1e-150, 1e90}) {
        std::vector<double> scaled(base);
        for (double& x : scaled)
            x *= c;
        for (const auto& [a, b] :
             {std::pair{risk::shrink_to_identity(base, 3), risk::shrink_to_identity(scaled, 3)},
              std::pair{risk::shrink_to_constant_correlation(base, 3),
                        risk::shrink_to_constant_correlation(scaled, 3)}}) {
            CHECK(b.intensity == Approx(a.intensity).epsilon(1e-12));
            CHECK((b.covariance / (c * c) - a.covariance).cwiseAbs().maxCoeff() <
                  1e-12 * a.covariance.cwiseAbs().maxCoeff());
        }
    }
}

TEST_CASE("reliability 12: a copula kind outside the enum is rejected", "[reliability][risk]") {
    const Eigen::MatrixXd l = Eigen::MatrixXd::Identity(2, 2);
    std::vector<double> out(4);
    CHECK_THAT(message_of([&] {
                   risk::correlated_scenarios(l, {}, {.kind = static_cast<risk::copula>(9)}, out);
               }),
               Contains("kind = 9"));
}

TEST_CASE("reliability 13: risk estimators name the returns the caller passed",
          "[reliability][risk]") {
    // Returns beyond 1e100 (log returns of positive doubles stay below 1456 in size) are a
    // data error, named as such instead of as an overflowed covariance.
    const std::vector<double> huge{1e200, 0.01, -0.02, 0.03};
    CHECK_THAT(message_of([&] { (void)risk::sample_correlation(huge, 2); }),
               Contains("sample_correlation: returns(0, 0) = 1e+200"));
    CHECK_THAT(message_of([&] { (void)risk::ewma_covariance(huge, 2); }),
               Contains("ewma_covariance: returns(0, 0) = 1e+200"));
    // A constant column is named as a column of the returns.
    const std::vector<double> constant{0.01, 0.5, -0.02, 0.5, 0.03, 0.5};
    CHECK_THAT(message_of([&] { (void)risk::sample_correlation(constant, 2); }),
               Contains("sample_correlation: variance of returns column[1] = 0"));
    // Tiny but valid returns: the correlation does not depend on the scale of each column.
    const std::vector<double> small{1e-200, 3e-3, -2e-200, 1e-3, 4e-200, -2e-3};
    std::vector<double> unit(small);
    for (std::size_t t = 0; t < 3; ++t)
        unit[2 * t] *= 1e200;
    CHECK((risk::sample_correlation(small, 2) - risk::sample_correlation(unit, 2))
              .cwiseAbs()
              .maxCoeff() < 1e-15);
    CHECK(
        (risk::ewma_correlation(small, 2) - risk::ewma_correlation(unit, 2)).cwiseAbs().maxCoeff() <
        1e-15);
}

// ------------------------------------------------------------------------------------- margin

TEST_CASE("reliability 5: the GARCH fit rejects a stopping rule it could never meet",
          "[reliability][margin]") {
    std::vector<double> r(50);
    for (std::size_t t = 0; t < r.size(); ++t)
        r[t] = 0.01 * std::sin(static_cast<double>(t) * 1.7);
    for (const double tolerance : {std::numeric_limits<double>::quiet_NaN(), -1.0, 0.0,
                                   std::numeric_limits<double>::infinity()})
        CHECK_THAT(message_of([&] { (void)mg::fit_garch11(r, {.tolerance = tolerance}); }),
                   Contains("margin::fit_garch11: tolerance"));
    CHECK_THAT(
        message_of([&] { (void)mg::fit_garch11(r, {.max_evaluations = std::size_t(1) << 40}); }),
        Contains("max_evaluations = 1099511627776"));
    CHECK_THAT(message_of([&] { (void)mg::fit_garch11(r, {.max_evaluations = 0}); }),
               Contains("max_evaluations = 0"));
}

TEST_CASE("reliability 10: dynamic margin keeps its limits on extreme returns and prices",
          "[reliability][margin]") {
    // ln(1.58e-322 / 100) = ln 1.58e-322 - ln 100: the quotient underflows to 0, the
    // difference of logarithms does not.
    const std::vector<double> prices{100, 1.58e-322, 1e300, 1e-300};
    std::vector<double> r(3);
    mg::log_returns(prices, r);
    CHECK(r[0] == Approx(std::log(1.58e-322) - std::log(100.0)).epsilon(1e-15));
    CHECK(r[1] == Approx(std::log(1e300) - std::log(1.58e-322)).epsilon(1e-15));
    CHECK(r[2] == Approx(std::log(1e-300) - std::log(1e300)).epsilon(1e-15));

    // The look-back floor after a huge return has left its window: the floor is that of the
    // returns inside the window (a running sum loses them to the huge square).
    const mg::lookback_floor floor{.lookback_days = 2};
    const std::vector<double> returns{1e100, 0.01, 0.02, -0.01, 0.03};
    const std::vector<double> base(6, 1e-6);
    std::vector<double> out(6);
    floor.apply(returns, base, out);
    const double k = floor.var.multiplier();
    for (std::size_t t = 1; t < out.size(); ++t) {
        const std::size_t first = t > 2 ? t - 2 : 0;
        // sigma from the window, written as max |r| sqrt(mean (r / max |r|)^2)
        double largest = 0;
        for (std::size_t i = first; i < t; ++i)
            largest = std::max(largest, std::abs(returns[i]));
        double sum = 0;
        for (std::size_t i = first; i < t; ++i)
            sum += (returns[i] / largest) * (returns[i] / largest);
        const double sigma = largest * std::sqrt(sum / static_cast<double>(t - first));
        INFO("t = " << t);
        CHECK(out[t] == Approx(std::max(base[t], k * sigma)).epsilon(1e-14));
    }
    // Returns beyond 1e100 are a data error (log returns of doubles stay below 1456 in size).
    const std::vector<double> huge{1e200, 0.01};
    std::vector<double> margins(3);
    CHECK_THAT(message_of([&] { floor.apply(huge, std::vector<double>(3, 1.0), margins); }),
               Contains("margin::lookback_floor::apply: returns[0] = 1e+200"));
    std::vector<double> returns50(50, 0.01);
    returns50[3] = 1e200;
    CHECK_THAT(message_of([&] { (void)mg::fit_garch11(returns50); }),
               Contains("margin::fit_garch11: returns[3] = 1e+200"));
    // The likelihood's initial variance must be a variance.
    const mg::garch11 g{1e-6, 0.05, 0.9};
    for (const double v0 : {-1.0, 0.0, std::numeric_limits<double>::infinity(),
                            -std::numeric_limits<double>::infinity()})
        CHECK_THAT(message_of([&] { (void)mg::garch_log_likelihood(g, returns, v0); }),
                   Contains("margin::garch_log_likelihood: initial_variance"));
}

TEST_CASE("reliability 10: grid margin never turns an overflowed P&L into a margin of 0",
          "[reliability][margin]") {
    const auto grid = mg::span_parameters{}.grid();
    const std::vector<mg::linear_position> linear{{1e308, 10}, {-5e307, 10}};
    CHECK_THAT(message_of([&] { (void)mg::grid_margin(grid, {}, linear); }),
               Contains("margin::grid_margin: linear.quantity[0] = 1e+308"));
    // Each position finite, their sum not: the position that overflows the sum is named.
    const auto crypto = mg::crypto_pm_parameters{}.grid(); // moves up to +500%
    const std::vector<mg::linear_position> two{{3e307, 1}, {3e307, 1}};
    CHECK_THAT(message_of([&] { (void)mg::grid_margin(crypto, {}, two); }),
               Contains("linear.quantity[1] = 3e+307"));
    // Large but representable: the worst scenario is the full scan move down, 5% of q price
    // (the extreme move, 10% counted at 35%, loses less).
    const std::vector<mg::linear_position> big{{1e300, 10}};
    CHECK(mg::grid_margin(grid, {}, big).margin == Approx(0.05 * 1e301).epsilon(1e-15));

    // The bulk form over columns names the same positions (it used to return a margin of 0).
    const std::vector<double> q2{3e307, 3e307}, p2{1, 1};
    CHECK_THAT(message_of([&] {
                   (void)mg::grid_margin(crypto, mg::portfolio_columns{{}, {}, q2, p2});
               }),
               Contains("linear_quantity[1] = 3e+307"));
    // An option position whose own P&L overflows: a call of quantity 1e308 on spot 1000.
    const std::vector<spiral::option_type> type{spiral::option_type::call,
                                                spiral::option_type::call};
    const std::vector<double> spot{1000, 1000}, strike{1000, 1000}, time{0.1, 0.1}, zero{0, 0},
        vol{0.5, 0.5}, quantity{1, 1e308};
    CHECK_THAT(message_of([&] {
                   (void)mg::grid_margin(
                       crypto, mg::portfolio_columns{{type, spot, strike, time, zero, zero, vol},
                                                     quantity});
               }),
               Contains("margin::grid_margin: quantity[1] = 1e+308"));
}

TEST_CASE("reliability 13: margin errors name what the caller passed", "[reliability][margin]") {
    const std::vector<double> returns{1e200, 0.01};
    std::vector<double> v(3);
    CHECK_THAT(message_of([&] { mg::ewma{}.variance(returns, v); }),
               Contains("margin::ewma::variance: returns[0] = 1e+200"));
    // A day count that makes the horizon infinite is rejected by the parameters' validate(),
    // not later by the grid as "horizon_years = inf".
    const mg::span_parameters span{.days_per_year = 1e-310};
    CHECK_THAT(message_of([&] { span.validate(); }),
               Contains("margin::span_parameters: days_per_year = 1e-310"));
    const mg::crypto_pm_parameters crypto{.horizon_days = 1, .days_per_year = 1e-310};
    CHECK_THAT(message_of([&] { crypto.validate(); }),
               Contains("margin::crypto_pm_parameters: days_per_year = 1e-310"));
}

// ----------------------------------------------------------------------------- haircut, impact

namespace {

/// A holding of `volatility` (and `correlation`) at quantity 1 and price 1.
spiral::collateral<double> holding(double volatility, double correlation = 0) {
    return {.quantity = 1, .price = 1, .volatility = volatility, .correlation = correlation};
}

} // namespace

TEST_CASE("reliability 9: haircut kernels keep their limits where their validate() accepts",
          "[reliability][haircut]") {
    // liquidity over power_law at a quantity whose share of the volume is subnormal (the
    // batch form is checked against the same oracle in tests/simd/reliability.cpp).
    const hc::liquidity power{impact::power_law{0.953, 9.86e7, 0.00778}};
    power.validate();
    const spiral::collateral<double> tiny{.quantity = 1e-300, .price = 1, .volatility = 0.5};
    // (1 - proceeds / q cancels: about 1e-16 / 0.0038 relative is the kernel's own bound)
    CHECK(power(tiny) ==
          Approx(oracle::power_law_haircut(0.953, 9.86e7, 0.00778, 1e-300)).epsilon(1e-12));

    // wrong_way: a confidence below 1/2 charges nothing, at any volatility; a tiny horizon
    // charges z sqrt(tau) (sc + rho se + ...) ~ z sqrt(tau) sc without overflowing sc^2.
    const hc::wrong_way below_median{0.5, 0.4};
    below_median.validate();
    for (const double vol : {1e155, 1e300, 0.3})
        CHECK(below_median(holding(vol, 0.3)) == 0);
    const hc::wrong_way short_horizon{.exposure_volatility = 0.5, .horizon_days = 1e-320};
    const double z = boost::math::quantile(boost::math::normal_distribution<double>(), 0.99);
    const double tau_root = std::sqrt(1e-320 / 365.0);
    for (const double rho : {-0.5, 0.0, 1.0}) {
        const double sc = 1e155, se = 0.5;
        // sqrt(sc^2 + 2 rho sc se + se^2) - se = sc + rho se - se + O(se^2 / sc)
        CHECK(short_horizon(holding(sc, rho)) ==
              Approx(z * tau_root * (sc + rho * se - se)).epsilon(1e-13));
    }
    CHECK(hc::wrong_way{.exposure_volatility = 0.5}(holding(1e155)) == 1);

    // A day count that makes the horizon in years infinite is rejected by validate().
    CHECK_THAT(message_of([] { hc::volatility{.days_per_year = 5e-324}.validate(); }),
               Contains("haircut::volatility: days_per_year = 5e-324"));
    CHECK_THAT(message_of([] {
                   hc::depeg{.jump_size = 0.1, .jump_probability = 0.01, .days_per_year = 5e-324}
                       .validate();
               }),
               Contains("haircut::depeg: days_per_year = 5e-324"));
    CHECK_THAT(message_of([] { hc::fat_tailed{.days_per_year = 5e-324}.validate(); }),
               Contains("haircut::fat_tailed: days_per_year = 5e-324"));
    CHECK_THAT(message_of([] {
                   hc::wrong_way{.exposure_volatility = 0.2, .days_per_year = 5e-324}.validate();
               }),
               Contains("haircut::wrong_way: days_per_year = 5e-324"));
    // ...and one that keeps it finite is served: 1 day in 1e-300 days per year.
    const hc::volatility fast_clock{.days_per_year = 1e-300};
    fast_clock.validate();
    CHECK(fast_clock(holding(0)) == 0);
    CHECK(fast_clock(holding(1e-100)) == 1); // 2.33 sqrt(1e300) 1e-100 = 2.3e50

    // stableswap with an amplification whose D^3 / (16 A) overflows: rejected, so neither a
    // haircut nor a cascade ever sees its NaN prices.
    const impact::stableswap degenerate{2.2e-308, 1000, 1000, 0};
    CHECK_THAT(message_of([&] { degenerate.validate(); }),
               Contains("impact::stableswap: amplification = 2.2e-308"));
    CHECK_THAT(message_of([&] { hc::liquidity{degenerate}.validate(); }),
               Contains("amplification = 2.2e-308"));
    CHECK_THAT(message_of([&] {
                   (void)cascade::simulate(cascade::book{{1}, {90}, {0.8}}, 100.0, 0.2, degenerate);
               }),
               Contains("amplification = 2.2e-308"));
    // A small but representable amplification is served, and the pool prices like a
    // constant-product one there (A -> 0): finite and within [0, 1].
    const impact::stableswap flat{1e-6, 1000, 1000, 0};
    flat.validate();
    for (const double q : {1e-3, 1.0, 500.0, 1e6}) {
        CHECK(flat.price_factor(q) > 0);
        CHECK(flat.price_factor(q) <= 1);
        CHECK(flat.proceeds(q) > 0);
        CHECK(flat.proceeds(q) <= q);
    }
}

// ------------------------------------------------------------------------------------ options

namespace {

/// The 50-digit price of the option, rounded once to double.
double oracle_price(spiral::option_type type, const spiral::bs_input<double>& in) {
    const oracle::option o{type == spiral::option_type::call,
                           in.spot,
                           in.strike,
                           in.time,
                           in.rate,
                           in.dividend,
                           in.vol};
    return static_cast<double>(oracle::price(o));
}

} // namespace

TEST_CASE("reliability 6: implied vol is NaN where no vol fits and finds attainable tiny prices",
          "[reliability][options]") {
    using spiral::option_type;
    // At time 0 every vol gives the intrinsic value: a price of 1 at the money fits none.
    const spiral::bs_input<double> expiry{100, 100, 0.0, 0.01, 0.0, 0.2};
    CHECK(std::isnan(spiral::implied_vol(option_type::call, 1.0, expiry)));
    spiral::bs_input<double> negative_zero = expiry;
    negative_zero.time = -0.0;
    CHECK(std::isnan(spiral::implied_vol(option_type::call, 1.0, negative_zero)));
    CHECK(std::isnan(spiral::implied_vol(option_type::call, 0.0, expiry)));

    // Discounted forward and strike below the normal range: 1e-300 over a year at 20%
    // rates is 2e-309, and the price 1.6e-310 is attained at vol 0.2.
    for (const double spot : {1e-300, 1e-290, 3e-300}) {
        for (const auto type : {option_type::call, option_type::put}) {
            const spiral::bs_input<double> in{spot, spot * 1.1, 1.0, 20.0, 20.0, 0.2};
            const double price = oracle_price(type, in);
            INFO("spot " << spot << " price " << price);
            REQUIRE(price > 0);
            CHECK(spiral::implied_vol(type, price, in) == Approx(0.2).epsilon(1e-10));
        }
    }
}

TEST_CASE("reliability 6: Black-Scholes prices near the money with a tiny stddev keep their "
          "digits",
          "[reliability][options]") {
    using spiral::option_type;
    // The issue's input: S = K = 0.5, T = 0.5, r = q = 0.5, vol 1e-8 lost 2.4e-8 relative.
    const spiral::bs_input<double> issue{0.5, 0.5, 0.5, 0.5, 0.5, 1e-8};
    for (const auto type : {option_type::call, option_type::put})
        CHECK(spiral::black_scholes_price(type, issue) ==
              Approx(oracle_price(type, issue)).epsilon(1e-14));
    // A sweep of stddevs and moneyness in units of the stddev, carry not zero.
    for (const double s : {1e-10, 1e-8, 1e-6, 1e-4, 5e-3, 0.02}) {
        for (const double m : {0.0, 0.3, -0.5, 2.0, -3.0, 6.0}) {
            const double time = 0.25, vol = s / std::sqrt(time);
            const double strike = 100 * std::exp(-m * s);
            for (const auto type : {option_type::call, option_type::put}) {
                const spiral::bs_input<double> in{100, strike, time, 0.03, 0.01, vol};
                const double expected = oracle_price(type, in);
                INFO("s " << s << " m " << m << " call " << (type == option_type::call));
                if (expected > 1e-300)
                    CHECK(spiral::black_scholes_price(type, in) == Approx(expected).epsilon(2e-14));
                CHECK(spiral::black_scholes(type, in).price ==
                      spiral::black_scholes_price(type, in));
            }
        }
    }
}

TEST_CASE("reliability (fuzz): a synthetic book whose collateral overflows before its value",
          "[reliability][cascade]") {
    // Found by spiral_fuzz_cascade: a tiny price kept median e^(8.3 sigma) price finite while
    // the collateral itself, median e^(8.3 sigma), overflowed (collateral = inf in the book).
    spiral::cascade::synthetic_book_params p;
    p.price = 1e-300;
    p.median_collateral = 1e300;
    p.collateral_dispersion = 5;
    CHECK_THAT(message_of([&] { p.validate(); }),
               Contains("cascade::synthetic_book_params: median_collateral = 1e+300"));
    p.median_collateral = 1e280; // e^(8.3 * 5) = 1.06e18: the largest collateral 1e298 is finite
    CHECK_NOTHROW(p.validate());
}

TEST_CASE("reliability (fuzz): a long option position needs 0 even where the short "
          "requirement overflows; a concentrated pool's prices are normal numbers",
          "[reliability][margin][impact]") {
    // Found by spiral_fuzz_margin: a long position (quantity > 0) with a mark of 1.8e308
    // gave 0 x inf = NaN instead of 0, in the element and the bulk form.
    const mg::option_rule rule{};
    const auto one = mg::position_requirement(rule, spiral::option_type::put, 1e6, 1e6, 1e6,
                                              1.7976931348623157e308);
    CHECK(one.initial == 0);
    CHECK(one.maintenance == 0);
    const std::vector<spiral::option_type> type{spiral::option_type::put, spiral::option_type::put};
    const std::vector<double> q{1e6, -1.0}, s{1e6, 1e6}, k{1e6, 1e6},
        mark{1.7976931348623157e308, 10.0};
    std::vector<double> initial(2), maintenance(2);
    mg::position_requirement(rule, {type, q, s, k, mark}, {initial, maintenance});
    CHECK(initial[0] == 0);
    CHECK(maintenance[0] == 0);
    CHECK(initial[1] > 0); // a short row is still charged
    // Found by spiral_fuzz_impact: a subnormal pool price made price_factor(0) infinite.
    CHECK_THAT(message_of([] {
                   (void)spiral::impact::concentrated_liquidity(8.4e-311, {{1e-320, 1.0, 1e9}});
               }),
               Contains("impact::concentrated_liquidity: price = 8.4"));
    CHECK_THAT(
        message_of([] {
            (void)spiral::impact::concentrated_liquidity(2.0, {{5e-324, 1.0, 1e9}});
        }),
        Contains(
            "positions[0].lower_price = 5e-324 (must be finite and >= 2.2250738585072014e-308)"));
}

TEST_CASE("reliability (fuzz): a concentrated pool with liquidity near the largest double pays "
          "the proceeds of a 50-digit evaluation",
          "[reliability][impact]") {
    // Found by spiral_fuzz_impact (tests/fuzz/corpus/impact/cl-huge-liquidity): the top segment's
    // liquidity 1.8e308 made d su / (l + d su) subnormal (5.6e-318) and the proceeds 8.9e-5 too
    // high, above the quantity sold. The oracle is the segment's closed form in 50 digits,
    // l su^2 d / ((l + d su) P0) with su = sqrt(P0), d = (1 - fee) q.
    using big = oracle::real;
    const double price = 1.000000208016467e-06, lower = 1.0000000000000002e-06;
    const double huge = 1.7976931348623157e308, fee = 0;
    const spiral::impact::concentrated_liquidity pool(
        price,
        {{9.9999999999999995e-07, 0.00016731291142465943, 741165168.5833931},
         {lower, 0.001, huge},
         {1.0000000000000002, 2.2721326553978556, 1e9}},
        fee);
    const big l = big(741165168.5833931) + big(huge);
    const big su = sqrt(big(price));
    for (const double q : {1e-6, 1e-12, 1.0, 1e6}) {
        const big d = big(q) * (1 - big(fee));
        const big expected = l * su * su * d / ((l + d * su) * big(price));
        const double got = pool.proceeds(q);
        INFO("q = " << q << ", proceeds " << got);
        CHECK(got <= q);
        CHECK(abs(big(got) / expected - 1) < 1e-14);
    }
}

TEST_CASE("reliability (fuzz): nearest_correlation far from every correlation matrix stops at "
          "the rounding floor instead of running max_iterations",
          "[reliability][risk]") {
    // Found by the 10-minute campaign of 2026-12-02 (spiral_fuzz_risk, a timeout): with an
    // entry of 1e8 the iterates carry rounding of about eps 1e8, the relative changes never
    // reach 1e-12, and the call ran all 100,000 iterations (13 s under the sanitizers).
    Eigen::MatrixXd a(5, 5);
    a << 1, -1, 2.2250738585072014e-308, -1, 0.99999999999999989,                  //
        -1, 1, -0.99999999999999989, 1e8, -1,                                      //
        2.2250738585072014e-308, -0.99999999999999989, 1, -1, 0.98136345733213592, //
        -1, 1e8, -1, 1, -1.4964374932424558e-284,                                  //
        0.99999999999999989, -1, 0.98136345733213592, -1.4964374932424558e-284, 1;
    const auto r = spiral::risk::nearest_correlation(a);
    CHECK(r.converged);
    CHECK(r.iterations < 1000);
    // A correlation matrix: symmetric, unit diagonal, no eigenvalue below rounding.
    CHECK((r.matrix - r.matrix.transpose()).cwiseAbs().maxCoeff() == 0);
    CHECK((r.matrix.diagonal().array() - 1).abs().maxCoeff() == 0);
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(r.matrix);
    CHECK(eigen.eigenvalues().minCoeff() > -1e-12);
    // Nearest: no farther from the input than other correlation matrices (the identity, and
    // equicorrelation matrices with rho in [-0.25, 1], all valid for n = 5).
    const double distance = (a - r.matrix).norm();
    CHECK(distance == Approx(r.distance).epsilon(1e-12));
    for (const double rho : {-0.25, 0.0, 0.5, 1.0}) {
        Eigen::MatrixXd c = Eigen::MatrixXd::Constant(5, 5, rho);
        c.diagonal().setOnes();
        CHECK(distance <= (a - c).norm());
    }
}

} // namespace unit_tests_reliability
