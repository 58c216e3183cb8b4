// Multi-asset cascades (hand-computed seizure orders, contagion, the single-asset engine as the
// one-asset case), the analysis helpers against direct computations, and synthetic_book.
#include <spiral/cascade/cascade.hpp>
#include <spiral/impact/exponential.hpp>
#include <spiral/impact/linear.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <random>
#include <string>
#include <vector>

namespace unit_tests_cascade_multi {

namespace cascade = spiral::cascade;
namespace impact = spiral::impact;
using Catch::Matchers::Contains;

namespace {

double sum(const std::vector<double>& v) {
    return std::accumulate(v.begin(), v.end(), 0.0);
}

/// Runs the multi-asset engine and checks the identities: per asset, collateral before =
/// after + sold; debt before = after + repaid + bad debt.
template <class C>
cascade::multi_result
run_checked(const cascade::multi_book& b, const std::vector<cascade::asset_market>& m,
            const std::vector<C>& curves, const cascade::rules& r = {},
            std::vector<std::size_t> order = {}, cascade::multi_book* after = nullptr) {
    std::vector<double> c(b.collateral.size()), d(b.debt.size());
    const cascade::multi_result res =
        cascade::simulate(b, std::span<const cascade::asset_market>(m), std::span<const C>(curves),
                          r, std::span<const std::size_t>(order), c, d);
    const std::size_t k = b.assets;
    for (std::size_t a = 0; a < k; ++a) {
        double before = 0, left = 0;
        for (std::size_t i = 0; i < b.size(); ++i) {
            before += b.collateral[i * k + a];
            left += c[i * k + a];
        }
        CHECK(std::abs(before - (left + res.assets[a].collateral_sold)) <=
              1e-12 * std::max(1.0, before));
    }
    CHECK(std::abs(sum(b.debt) - (sum(d) + res.debt_repaid + res.bad_debt)) <=
          1e-12 * std::max(1.0, sum(b.debt)));
    if (after)
        *after = {k, c, d};
    return res;
}

} // namespace

TEST_CASE("cascade multi-asset: seizure order, by hand", "[cascade]") {
    // 1 ETH at 1000 (threshold 0.8) and 200 of a stablecoin at 1 (threshold 0.9), debt 900:
    // health (800 + 180) / 900. ETH falls 20%: (640 + 180) / 900 = 0.911 -> full close,
    // seizing 900 * 1.05 = 945 in value.
    const cascade::multi_book b{2, {1.0, 200.0}, {900.0}};
    const std::vector<cascade::asset_market> m{{1000, 0.2, 0.8}, {1, 0.0, 0.9}};
    const std::vector<impact::linear> curves{{0.1}, {0.0001}};

    SECTION("ETH first") {
        cascade::multi_book after;
        const auto r = run_checked(b, m, curves, {}, {0, 1}, &after);
        REQUIRE(r.rounds == 1);
        CHECK(r.assets[0].collateral_sold == 1.0);                        // all 800 of ETH
        CHECK(r.assets[1].collateral_sold == Approx(145).epsilon(1e-14)); // the other 145
        CHECK(r.debt_repaid == Approx(900).epsilon(1e-15));
        CHECK(r.bad_debt == 0);
        CHECK(after.collateral[1] == Approx(55).epsilon(1e-13));
        CHECK(r.assets[0].final_price == Approx(800 * (1 - 0.1)).epsilon(1e-15));
        CHECK(r.assets[1].final_price == Approx(1 - 0.0001 * 145).epsilon(1e-15));
        // The stablecoin was not shocked and still fell: contagion.
        CHECK(r.assets[1].cascade_drop() > 0);
        CHECK(std::isinf(r.assets[1].amplification()));
    }
    SECTION("stablecoin first") {
        const auto r = run_checked(b, m, curves, {}, {1, 0});
        CHECK(r.assets[1].collateral_sold == 200.0);
        CHECK(r.assets[0].collateral_sold == Approx(745.0 / 800).epsilon(1e-14));
        CHECK(r.debt_repaid == Approx(900).epsilon(1e-15));
    }
    SECTION("not enough collateral: bad debt") {
        const std::vector<cascade::asset_market> crash{{1000, 0.5, 0.8}, {1, 0.0, 0.9}};
        const auto r = run_checked(b, crash, curves);
        // Worth 500 + 200 = 700 < 945: all seized, 700 / 1.05 repaid, the rest written off.
        CHECK(r.assets[0].collateral_sold == 1.0);
        CHECK(r.assets[1].collateral_sold == 200.0);
        CHECK(r.debt_repaid == Approx(700 / 1.05).epsilon(1e-14));
        CHECK(r.bad_debt == Approx(900 - 700 / 1.05).epsilon(1e-13));
    }
}

TEST_CASE("cascade multi-asset: one asset is the single-asset engine", "[cascade]") {
    std::mt19937_64 rng(43);
    const auto uniform = [&](double lo, double hi) {
        return lo + (hi - lo) * double(rng() >> 11) * 0x1.0p-53;
    };
    for (int trial = 0; trial < 300; ++trial) {
        const std::size_t n = 1 + rng() % 40;
        const double t = uniform(0.6, 0.95);
        cascade::book single;
        for (std::size_t i = 0; i < n; ++i) {
            const double c = std::exp(uniform(-1, 3));
            single.collateral.push_back(c);
            single.debt.push_back(c * 100 * t / uniform(0.9, 1.5));
            single.threshold.push_back(t);
        }
        cascade::rules r;
        r.bonus = uniform(0, 0.1);
        r.oracle_delay = rng() % 2;
        if (trial % 3 == 0)
            r.max_liquidations_per_round = 1 + rng() % 4;
        const double shock = uniform(0, 0.4);
        const impact::exponential curve{uniform(0, 0.05)};
        const cascade::result one = cascade::simulate(single, 100.0, shock, curve, r);
        const cascade::multi_book multi{1, single.collateral, single.debt};
        const auto many = run_checked(multi, {{100.0, shock, t}}, std::vector{curve}, r);
        INFO("trial " << trial);
        REQUIRE(many.rounds == one.rounds);
        CHECK(many.liquidations == one.liquidations);
        CHECK(many.assets[0].final_price == Approx(one.final_price).epsilon(1e-12));
        CHECK(many.assets[0].collateral_sold ==
              Approx(one.collateral_sold).epsilon(1e-12).margin(1e-300));
        CHECK(many.debt_repaid == Approx(one.debt_repaid).epsilon(1e-12).margin(1e-300));
        CHECK(many.bad_debt == Approx(one.bad_debt).epsilon(1e-12).margin(1e-9));
    }
}

TEST_CASE("cascade multi-asset: correlated shocks spread through shared collateral", "[cascade]") {
    // Positions hold both assets; only asset 0 is shocked. The more of asset 1 the book's
    // liquidations seize (asset 1 first), the further asset 1 falls with no shock of its own.
    cascade::multi_book b{2, {}, {}};
    for (int i = 0; i < 50; ++i) {
        b.collateral.push_back(10);  // asset 0 at 100
        b.collateral.push_back(500); // asset 1 at 1
        b.debt.push_back((1000 * 0.8 + 500 * 0.85) / (1.01 + 0.01 * i));
    }
    const std::vector<impact::exponential> curves{{0.0005}, {0.00002}};
    const std::vector<cascade::asset_market> m{{100, 0.1, 0.8}, {1, 0.0, 0.85}};
    const auto asset1_first = run_checked(b, m, curves, {}, {1, 0});
    const auto asset0_first = run_checked(b, m, curves, {}, {0, 1});
    CHECK(asset1_first.assets[1].collateral_sold > asset0_first.assets[1].collateral_sold);
    CHECK(asset1_first.assets[1].final_price < asset0_first.assets[1].final_price);
    CHECK(asset1_first.assets[1].final_price < 1);
    // A joint shock to both (correlated assets) liquidates more than either alone.
    const std::vector<cascade::asset_market> joint{{100, 0.1, 0.8}, {1, 0.1, 0.85}};
    const auto both = run_checked(b, joint, curves);
    CHECK(both.liquidations > asset0_first.liquidations);
}

TEST_CASE("cascade multi-asset: correlated shocks (Monte Carlo) liquidate more than "
          "diversified ones",
          "[cascade]") {
    // Two assets of equal weight in every position; one-day log-returns N(0, 0.08^2) each,
    // correlated through z_b = rho z_a + sqrt(1 - rho^2) e. A fall r < 0 is a shock 1 - e^r;
    // a rise starts the asset at p e^r with no shock (shocks are falls only).
    cascade::multi_book b{2, {}, {}};
    for (int i = 0; i < 200; ++i) {
        b.collateral.push_back(5);   // asset 0 at 100
        b.collateral.push_back(500); // asset 1 at 1
        b.debt.push_back((500 * 0.8 + 500 * 0.8) / (1.02 + 0.002 * i));
    }
    const std::vector<impact::exponential> curves{{0.0003}, {0.000003}};
    // The share of draws in which most of the book is liquidated: the systemic tail.
    const auto systemic_share = [&](double rho) {
        std::mt19937_64 rng(7);
        const auto normal = [&] { // Box-Muller on 53-bit uniforms: portable
            const double u1 = (double(rng() >> 11) + 0.5) * 0x1.0p-53;
            const double u2 = double(rng() >> 11) * 0x1.0p-53;
            return std::sqrt(-2 * std::log(u1)) * std::cos(6.283185307179586 * u2);
        };
        double total = 0;
        for (int draw = 0; draw < 300; ++draw) {
            const double za = normal();
            const double zb = rho * za + std::sqrt(1 - rho * rho) * normal();
            const auto move = [](double price, double r) {
                return r < 0 ? cascade::asset_market{price, -std::expm1(r), 0.8}
                             : cascade::asset_market{price * std::exp(r), 0.0, 0.8};
            };
            const std::vector<cascade::asset_market> m{move(100, 0.08 * za), move(1, 0.08 * zb)};
            total += run_checked(b, m, curves).liquidations > 150 ? 1 : 0;
        }
        return total / 300;
    };
    const double correlated = systemic_share(0.9);
    const double diversified = systemic_share(-0.5);
    INFO("systemic share: rho 0.9 " << correlated << ", rho -0.5 " << diversified);
    CHECK(correlated > 2 * diversified);
    CHECK(correlated > 0.02);
}

TEST_CASE("cascade multi-asset: bad input", "[cascade]") {
    const std::vector<impact::linear> curves{{0.1}, {0.1}};
    const std::vector<cascade::asset_market> m{{100, 0.1, 0.8}, {1, 0.0, 0.9}};
    const auto message = [&](const cascade::multi_book& b, std::vector<cascade::asset_market> mk,
                             std::vector<std::size_t> order = {}, cascade::rules r = {}) {
        try {
            (void)cascade::simulate(b, std::span<const cascade::asset_market>(mk),
                                    std::span<const impact::linear>(curves), r,
                                    std::span<const std::size_t>(order));
        } catch (const spiral::invalid_argument& e) {
            return std::string(e.what());
        }
        return std::string("no throw");
    };
    CHECK_THAT(message({2, {1, 2, 3}, {10, 20}}, m), Contains("book.collateral.size() = 3"));
    CHECK_THAT(message({2, {1, 2}, {10}}, {m[0]}), Contains("markets.size() = 1"));
    CHECK_THAT(message({2, {1, -2}, {10}}, m), Contains("book.collateral[1] = -2"));
    CHECK_THAT(message({2, {1, 2}, {std::nan("")}}, m), Contains("book.debt[0] = nan"));
    CHECK_THAT(message({2, {1, 2}, {10}}, {m[0], {1, 1.0, 0.9}}), Contains("markets.shock[1] = 1"));
    CHECK_THAT(message({2, {1, 2}, {10}}, {m[0], {1, 0.0, 1.2}}),
               Contains("markets.threshold[1] = 1.2"));
    CHECK_THAT(message({2, {1, 2}, {10}}, m, {1, 1}), Contains("seizure_order[1] = 1"));
    cascade::rules r;
    r.max_collateral_per_round = 5;
    CHECK_THAT(message({2, {1, 2}, {10}}, m, {}, r), Contains("max_collateral_per_round = 5"));
    CHECK_THAT(message({2, {}, {}}, m), Contains("no throw"));
}

TEST_CASE("cascade analysis: profile, liquidations at risk, toxic positions", "[cascade]") {
    cascade::synthetic_book_params p;
    p.positions = 2000;
    p.price = 100;
    const cascade::book b = cascade::synthetic_book(p);

    SECTION("liquidation profile bins each position by the drop that liquidates it") {
        const auto profile = cascade::liquidation_profile(b, 100.0, 20, 0.5);
        std::vector<std::size_t> count(20, 0);
        for (std::size_t i = 0; i < b.size(); ++i) {
            const double drop = 1 - b.debt[i] / (b.collateral[i] * b.threshold[i]) / 100;
            if (drop < 0.5)
                ++count[static_cast<std::size_t>(std::max(0.0, drop) / 0.025)];
        }
        for (std::size_t j = 0; j < 20; ++j) {
            CHECK(profile[j].positions == count[j]);
            CHECK(profile[j].drop_from == Approx(0.025 * double(j)));
        }
        // The synthetic book bunches health just above 1: the first bands are the cliff.
        CHECK(profile[0].collateral + profile[1].collateral > profile[10].collateral);
    }

    SECTION("liquidations at risk equal one simulation per shock") {
        const cascade::prepared_book prepared(b);
        const impact::exponential curve{1e-4};
        const std::vector<double> shocks{0.0, 0.05, 0.1, 0.2, 0.3};
        const auto curve_points = cascade::liquidations_at_risk(prepared, 100.0, shocks, curve);
        REQUIRE(curve_points.size() == shocks.size());
        for (std::size_t j = 0; j < shocks.size(); ++j) {
            const cascade::result one = cascade::simulate(prepared, 100.0, shocks[j], curve);
            CHECK(curve_points[j].outcome.collateral_sold == one.collateral_sold);
            CHECK(curve_points[j].outcome.final_price == one.final_price);
            // The plain-book call runs another engine (no sort): its sums may be taken in
            // another order.
            const cascade::result plain = cascade::simulate(b, 100.0, shocks[j], curve);
            CHECK(plain.collateral_sold == Approx(one.collateral_sold).epsilon(1e-12));
            CHECK(plain.final_price == Approx(one.final_price).epsilon(1e-12));
        }
        // Without impact and with full closes, round 1 is all there is: the collateral
        // liquidated is a direct sum over the positions under water at the shocked price.
        cascade::rules full;
        full.size_by = cascade::sizing::full;
        const auto flat =
            cascade::liquidations_at_risk(prepared, 100.0, shocks, impact::linear{0.0}, full);
        double previous = -1;
        for (const auto& point : flat) {
            const double o = 100 * (1 - point.shock);
            double expected = 0;
            for (std::size_t i = 0; i < b.size(); ++i)
                if (b.collateral[i] * o * b.threshold[i] / b.debt[i] < 1)
                    expected += std::min(b.collateral[i], b.debt[i] * 1.05 / o);
            CHECK(point.outcome.collateral_sold == Approx(expected).epsilon(1e-12).margin(1e-300));
            CHECK(point.outcome.collateral_sold >= previous);
            previous = point.outcome.collateral_sold;
        }
    }

    SECTION("toxic positions are those a liquidation makes worse") {
        const double price = 80, bonus = 0.05;
        const auto rows = cascade::toxic_positions(b, price, bonus);
        std::size_t checked = 0;
        for (std::size_t i = 0; i < b.size(); ++i) {
            const bool listed = std::binary_search(rows.begin(), rows.end(), i);
            const double h = cascade::health(b.collateral[i], price, b.threshold[i], b.debt[i]);
            if (h >= 1)
                continue; // only liquidatable positions can be liquidated
            // Liquidate half the debt at this price and compare health before and after.
            const auto l = cascade::liquidate(b.collateral[i], b.debt[i], price, 0.5, bonus);
            const double after = l.debt_left > 0 ? cascade::health(l.collateral_left, price,
                                                                   b.threshold[i], l.debt_left)
                                                 : 0.0;
            CHECK(listed == (after < h));
            ++checked;
        }
        CHECK(checked > 100);
        CHECK(!rows.empty());
    }
}

TEST_CASE("cascade: synthetic_book is reproducible and has the shape it promises", "[cascade]") {
    cascade::synthetic_book_params p;
    p.positions = 20000;
    const cascade::book a = cascade::synthetic_book(p);
    const cascade::book b = cascade::synthetic_book(p);
    CHECK(a.collateral == b.collateral);
    CHECK(a.debt == b.debt);
    a.validate();
    std::vector<double> health;
    for (std::size_t i = 0; i < a.size(); ++i)
        health.push_back(cascade::health(a.collateral[i], p.price, a.threshold[i], a.debt[i]));
    std::sort(health.begin(), health.end());
    CHECK(health.front() > 1);
    // median health 1 + median excess
    CHECK(health[health.size() / 2] == Approx(1 + p.median_excess_health).epsilon(0.02));
    // share within 5% of liquidation: P(excess < 0.05) = Phi(ln(0.05 / 0.25) / 1.0) = 0.0538
    const auto near = std::lower_bound(health.begin(), health.end(), 1.05) - health.begin();
    CHECK(double(near) / double(health.size()) == Approx(0.0538).epsilon(0.08));
    p.threshold_spread = 0.5;
    CHECK_THROWS_WITH(cascade::synthetic_book(p), Contains("threshold_spread = 0.5"));
}

} // namespace unit_tests_cascade_multi
