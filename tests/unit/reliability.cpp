// Regression tests of issue 12 ("every input fuzzed, every finding fixed"): one test case per
// finding, each built from the minimal input that reproduced it and checked against something
// independent of the code under test (closed forms, a 50-digit evaluation, properties). The
// item numbers are those of the issue; docs/reliability.md lists them with their fixes.
#include <spiral/cascade/cascade.hpp>
#include <spiral/haircut/fat_tailed.hpp>
#include <spiral/haircut/haircut.hpp>
#include <spiral/impact/linear.hpp>
#include <spiral/impact/power_law.hpp>
#include <spiral/impact/stableswap.hpp>
#include <spiral/margin/dynamic.hpp>
#include <spiral/margin/scenario_grid.hpp>
#include <spiral/margin/volatility_estimators.hpp>
#include <spiral/options/black_scholes.hpp>
#include <spiral/risk/risk.hpp>

#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/multiprecision/cpp_bin_float.hpp>
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
