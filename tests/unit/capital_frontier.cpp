// The capital-efficiency frontier (capital::evaluate_frontier and its parallel form), the
// book's response to a parameter set (capital::respond), the Pareto set, the recommendation
// and the SmartLTV baseline: the frontier against one plain stress::run per set on books and
// rules set by hand, the Pareto set against an O(n^2) dominance check, the recommendation
// against a scan of the grid, SmartLTV against the formula evaluated here, and the boundary
// checks.
#include <spiral/capital/book_response.hpp>
#include <spiral/capital/frontier.hpp>
#include <spiral/capital/parameter_set.hpp>
#include <spiral/capital/recommend.hpp>
#include <spiral/capital/smart_ltv.hpp>
#include <spiral/cascade/book.hpp>
#include <spiral/cascade/path_rules.hpp>
#include <spiral/cascade/prepared_book.hpp>
#include <spiral/impact/linear.hpp>
#include <spiral/stress/engine.hpp>
#include <spiral/stress/merton.hpp>
#include <spiral/stress/metrics.hpp>
#include <spiral/stress/run_spec.hpp>
#include <spiral/stress/scenario_results.hpp>
#if defined(SPIRAL_TEST_TBB)
#include <spiral/capital/frontier_parallel.hpp>
#endif

#include "support/throws.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

namespace unit_tests_capital_frontier {

namespace capital = spiral::capital;
namespace cascade = spiral::cascade;
namespace impact = spiral::impact;
namespace stress = spiral::stress;
using spiral::test::require_throws_naming;

namespace {

// A book of n positions, health factors between 1.05 and 2.5 at price 1, thresholds 0.7 to 0.85.
cascade::book test_book(std::size_t n) {
    std::uint64_t x = 12345;
    const auto u = [&x] {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<double>(x >> 11) * 0x1.0p-53;
    };
    cascade::book b;
    for (std::size_t i = 0; i < n; ++i) {
        const double c = 1 + 99 * u();
        const double t = 0.7 + 0.15 * u();
        const double h = 1.05 + 1.45 * u();
        b.collateral.push_back(c);
        b.threshold.push_back(t);
        b.debt.push_back(c * t / h);
    }
    return b;
}

bool same(const std::vector<double>& a, const std::vector<double>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

bool same_results(const stress::scenario_results& a, const stress::scenario_results& b) {
    return same(a.bad_debt, b.bad_debt) && same(a.insolvent_value, b.insolvent_value) &&
           same(a.liquidation_volume, b.liquidation_volume) &&
           same(a.liquidations, b.liquidations) &&
           same(a.final_exogenous_price, b.final_exogenous_price) &&
           same(a.final_price, b.final_price) && same(a.min_price, b.min_price) &&
           same(a.borrowing_power, b.borrowing_power) &&
           same(a.debt_outstanding, b.debt_outstanding) &&
           same(a.borrowing_power_available, b.borrowing_power_available) &&
           same(a.collateral_locked, b.collateral_locked) && same(a.depth, b.depth);
}

bool same_bits(double a, double b) {
    return std::memcmp(&a, &b, sizeof a) == 0;
}

struct setup {
    cascade::book base = test_book(300);
    stress::merton model{0, 1.2, 60, -0.15, 0.08};
    impact::linear curve{2e-5};
    cascade::path_rules rules{};
    stress::run_spec spec{};
    std::vector<capital::parameter_set> sets;

    setup() {
        spec.scenarios = 250; // not a multiple of the 16-scenario block
        spec.seed = 77;
        spec.path.steps = 48;
        spec.path.spot = 1;
        rules.liquidation.full_close_below = 0.9;
        for (const double scale : {0.85, 1.0, 1.1, 1.15})
            for (const double bonus : {0.03, 0.1})
                sets.push_back({.threshold_scale = scale, .bonus = bonus});
        sets.push_back({.threshold = 0.8, .bonus = 0.05, .close_factor = 1.0});
        sets.push_back({.threshold_scale = 1.1, .max_collateral_per_step = 400});
        sets.push_back({.threshold_scale = 1.15, .debt_ceiling = 5000});
    }
};

// The set's book and rules written out here, independently of respond() and rules_for().
cascade::book by_hand(const cascade::book& base, const capital::parameter_set& s, double share) {
    cascade::book b = base;
    double total = 0;
    for (std::size_t i = 0; i < b.size(); ++i) {
        const double t = base.threshold[i];
        const double tn = s.threshold > 0 ? s.threshold : s.threshold_scale * t;
        b.threshold[i] = tn;
        b.debt[i] = share == 1 ? base.debt[i] * (tn / t)
                               : (share == 0 ? base.debt[i]
                                             : base.debt[i] * ((1 - share) + share * (tn / t)));
        total += b.debt[i];
    }
    if (total > s.debt_ceiling)
        for (std::size_t i = 0; i < b.size(); ++i) {
            b.collateral[i] *= s.debt_ceiling / total;
            b.debt[i] *= s.debt_ceiling / total;
        }
    return b;
}

cascade::path_rules rules_by_hand(cascade::path_rules r, const capital::parameter_set& s) {
    r.liquidation.bonus = s.bonus;
    r.liquidation.close_factor = s.close_factor;
    r.liquidation.max_collateral_per_round = s.max_collateral_per_step;
    return r;
}

} // namespace

TEST_CASE("capital::respond: re-levering keeps every health factor, fixed keeps the book",
          "[capital][frontier]") {
    const cascade::book base = test_book(200);
    const double price = 1.7;
    for (const double scale : {0.8, 1.0, 1.12}) {
        const capital::parameter_set s{.threshold_scale = scale};
        const cascade::book re = capital::respond(base, s, capital::book_response::relever());
        const cascade::book fx = capital::respond(base, s, capital::book_response::fixed());
        const cascade::book half = capital::respond(base, s, {0.5});
        for (std::size_t i = 0; i < base.size(); ++i) {
            const double h0 = base.collateral[i] * price * base.threshold[i] / base.debt[i];
            const double h1 = re.collateral[i] * price * re.threshold[i] / re.debt[i];
            CHECK(h1 == Approx(h0).epsilon(1e-14));
            CHECK(re.threshold[i] == scale * base.threshold[i]);
            CHECK(fx.debt[i] == base.debt[i]);
            CHECK(fx.collateral[i] == base.collateral[i]);
            CHECK(half.debt[i] == Approx(base.debt[i] * (1 + scale) / 2).epsilon(1e-14));
        }
    }
    // An absolute threshold: every position gets it; re-levered debt d t' / t.
    const cascade::book abs = capital::respond(base, {.threshold = 0.9}, {1});
    for (std::size_t i = 0; i < base.size(); ++i) {
        CHECK(abs.threshold[i] == 0.9);
        CHECK(abs.debt[i] == Approx(base.debt[i] * 0.9 / base.threshold[i]).epsilon(1e-14));
    }
    // A debt ceiling scales collateral and debt alike (health unchanged), to the ceiling.
    const cascade::book capped = capital::respond(base, {.debt_ceiling = 100}, {1});
    double total = 0;
    for (std::size_t i = 0; i < base.size(); ++i) {
        total += capped.debt[i];
        CHECK(capped.collateral[i] / capped.debt[i] ==
              Approx(base.collateral[i] / base.debt[i]).epsilon(1e-14));
    }
    CHECK(total == Approx(100).epsilon(1e-12));
}

TEST_CASE("capital::evaluate_frontier equals one stress::run per set on the same scenarios",
          "[capital][frontier]") {
    const setup t;
    for (const double share : {1.0, 0.0}) {
        const capital::frontier_options opt{.response = {share}, .keep_scenarios = true};
        const capital::frontier_result f =
            capital::evaluate_frontier(t.base, t.sets, opt, t.model, t.curve, t.rules, t.spec);
        REQUIRE(f.points.size() == t.sets.size());
        CHECK(f.scenarios == t.spec.scenarios);
        CHECK(f.path_generations == t.spec.scenarios);
        CHECK(f.cascade_runs == t.spec.scenarios * t.sets.size());
        CHECK(f.reuse_factor == static_cast<double>(t.sets.size()));
        bool some_bad_debt = false;
        for (std::size_t i = 0; i < t.sets.size(); ++i) {
            INFO("set " << i << " share " << share);
            const cascade::prepared_book pb(by_hand(t.base, t.sets[i], share));
            stress::scenario_results r(t.spec.scenarios);
            REQUIRE(stress::run(pb, t.model, t.curve, rules_by_hand(t.rules, t.sets[i]), t.spec,
                                r.columns()) == t.spec.scenarios);
            CHECK(same_results(f.points[i].scenarios, r));
            const stress::summary s = stress::summarise(r, t.spec.scenarios, pb, 1.0);
            const capital::frontier_point& p = f.points[i];
            CHECK(same_bits(p.risk.var95.value, s.var95.value));
            CHECK(same_bits(p.risk.es95.value, s.es95.value));
            CHECK(same_bits(p.risk.lar95.value, s.lar95.value));
            CHECK(same_bits(p.risk.probability_of_bad_debt.value, s.probability_of_bad_debt.value));
            // Efficiency from the hand-made book.
            double power = 0, debt = 0, value = 0;
            const cascade::book hb = by_hand(t.base, t.sets[i], share);
            for (std::size_t k = 0; k < hb.size(); ++k) {
                power += hb.collateral[k] * hb.threshold[k];
                debt += hb.debt[k];
                value += hb.collateral[k];
            }
            CHECK(p.efficiency == Approx(power).epsilon(1e-12));
            CHECK(p.borrowing_power == p.efficiency);
            CHECK(p.debt == Approx(debt).epsilon(1e-12));
            CHECK(p.collateral_value == Approx(value).epsilon(1e-12));
            CHECK(p.average_ltv == Approx(debt / value).epsilon(1e-12));
            CHECK(p.var95_share == Approx(s.var95.value / debt).epsilon(1e-12));
            some_bad_debt = some_bad_debt || s.var95.value > 0;
        }
        CHECK(some_bad_debt); // the test exercises the tail, not zeros
    }
}

TEST_CASE("capital::evaluate_frontier: re-levering adds the VaR of the extra debt",
          "[capital][frontier]") {
    const setup t;
    const std::vector<capital::parameter_set> sets{{.threshold_scale = 0.9},
                                                   {.threshold_scale = 1.15}};
    const auto re = capital::evaluate_frontier(t.base, sets, {capital::book_response::relever()},
                                               t.model, t.curve, t.rules, t.spec);
    const auto fx = capital::evaluate_frontier(t.base, sets, {capital::book_response::fixed()},
                                               t.model, t.curve, t.rules, t.spec);
    // Fixed book: the looser threshold only makes liquidations start later (same debt);
    // re-levered, borrowers also take the extra debt, and the VaR rises by more.
    CHECK(fx.points[1].debt == fx.points[0].debt);
    CHECK(re.points[1].risk.var95.value > re.points[0].risk.var95.value);
    CHECK(re.points[1].risk.var95.value > fx.points[1].risk.var95.value);
    CHECK(re.points[0].risk.var95.value <= fx.points[0].risk.var95.value);
    CHECK(re.points[1].debt > re.points[0].debt);
}

TEST_CASE("capital::evaluate_frontier: stop and progress", "[capital][frontier]") {
    const setup t;
    std::atomic<bool> stop{true};
    stress::run_control c;
    c.stop = &stop;
    const auto none =
        capital::evaluate_frontier(t.base, t.sets, {}, t.model, t.curve, t.rules, t.spec, c);
    CHECK(none.scenarios == 0);
    CHECK(none.points.empty());
    std::vector<std::size_t> seen;
    stress::run_control p;
    p.progress = [&seen](std::size_t done, std::size_t total) {
        CHECK(total == 250);
        seen.push_back(done);
    };
    const auto all =
        capital::evaluate_frontier(t.base, t.sets, {}, t.model, t.curve, t.rules, t.spec, p);
    CHECK(all.scenarios == 250);
    REQUIRE(!seen.empty());
    CHECK(std::is_sorted(seen.begin(), seen.end()));
    CHECK(seen.back() == 250);
}

#if defined(SPIRAL_TEST_TBB)
TEST_CASE("capital::evaluate_frontier_parallel is bit-identical to the serial frontier",
          "[capital][frontier]") {
    const setup t;
    const capital::frontier_options opt{.keep_scenarios = true};
    const auto serial =
        capital::evaluate_frontier(t.base, t.sets, opt, t.model, t.curve, t.rules, t.spec);
    for (const unsigned threads : {1u, 2u, 3u})
        for (const std::size_t chunk : {std::size_t(0), std::size_t(7)}) {
            stress::run_control c;
            c.threads = threads;
            c.chunk = chunk;
            const auto par = capital::evaluate_frontier_parallel(t.base, t.sets, opt, t.model,
                                                                 t.curve, t.rules, t.spec, c);
            REQUIRE(par.points.size() == serial.points.size());
            CHECK(par.scenarios == serial.scenarios);
            for (std::size_t i = 0; i < par.points.size(); ++i) {
                CHECK(same_results(par.points[i].scenarios, serial.points[i].scenarios));
                CHECK(same_bits(par.points[i].risk.var95.value, serial.points[i].risk.var95.value));
                CHECK(same_bits(par.points[i].risk.es95.standard_error,
                                serial.points[i].risk.es95.standard_error));
            }
        }
    // Stop before the first block: no points. Progress counts scenarios, up to N.
    std::atomic<bool> stop{true};
    stress::run_control c;
    c.stop = &stop;
    c.threads = 2;
    const auto none = capital::evaluate_frontier_parallel(t.base, t.sets, opt, t.model, t.curve,
                                                          t.rules, t.spec, c);
    CHECK(none.scenarios == 0);
    CHECK(none.points.empty());
    std::size_t last = 0;
    stress::run_control p;
    p.threads = 2;
    p.progress = [&last](std::size_t done, std::size_t total) {
        CHECK(total == 250);
        CHECK(done >= last);
        CHECK(done <= total);
        last = done;
    };
    const auto all = capital::evaluate_frontier_parallel(t.base, t.sets, opt, t.model, t.curve,
                                                         t.rules, t.spec, p);
    CHECK(all.scenarios == 250);
    CHECK(last == 250);
}
#endif

namespace {
// O(n^2): i is on the front when no j dominates it.
std::vector<std::size_t> brute_front(const std::vector<double>& e, const std::vector<double>& r) {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < e.size(); ++i) {
        bool dominated = false;
        for (std::size_t j = 0; j < e.size() && !dominated; ++j)
            dominated = e[j] >= e[i] && r[j] <= r[i] && (e[j] > e[i] || r[j] < r[i]);
        if (!dominated)
            out.push_back(i);
    }
    std::sort(out.begin(), out.end(),
              [&](std::size_t a, std::size_t b) { return e[a] != e[b] ? e[a] < e[b] : a < b; });
    return out;
}
} // namespace

TEST_CASE("capital::pareto_front equals a brute-force dominance check", "[capital][frontier]") {
    std::uint64_t x = 99;
    const auto draw = [&x](int levels) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<double>((x >> 33) % static_cast<std::uint64_t>(levels));
    };
    for (int trial = 0; trial < 200; ++trial) {
        const std::size_t n = 1 + static_cast<std::size_t>(draw(40));
        const int levels = trial % 2 == 0 ? 5 : 1000; // few levels: many ties
        std::vector<double> e(n), r(n);
        for (std::size_t i = 0; i < n; ++i) {
            e[i] = draw(levels);
            r[i] = draw(levels);
        }
        INFO("trial " << trial);
        CHECK(capital::pareto_front(e, r) == brute_front(e, r));
    }
    // On a frontier: efficiency against VaR95.
    const setup t;
    const auto f =
        capital::evaluate_frontier(t.base, t.sets, {}, t.model, t.curve, t.rules, t.spec);
    std::vector<double> e, v;
    for (const auto& p : f.points) {
        e.push_back(p.efficiency);
        v.push_back(p.risk.var95.value);
    }
    CHECK(capital::pareto_front(f) == brute_front(e, v));
    CHECK(capital::pareto_front(std::vector<double>{}, std::vector<double>{}).empty());
}

TEST_CASE("capital::recommend: the most efficient feasible set, and what binds",
          "[capital][frontier]") {
    const setup t;
    const auto f =
        capital::evaluate_frontier(t.base, t.sets, {}, t.model, t.curve, t.rules, t.spec);
    double lo = 1, hi = 0;
    for (const auto& p : f.points) {
        lo = std::min(lo, p.var95_share);
        hi = std::max(hi, p.var95_share);
    }
    REQUIRE(hi > 0);
    std::vector<double> budgets{0.001, 0.005, 0.02, 0.5};
    budgets.push_back((lo + hi) / 2);
    if (lo > 0)
        budgets.push_back(lo / 2); // none feasible
    for (const double budget : budgets) {
        INFO("budget " << budget);
        const capital::recommendation r = capital::recommend(f, budget);
        CHECK(r.budget == budget);
        bool any = false;
        for (const auto& p : f.points)
            any = any || p.var95_share <= budget;
        if (!any) {
            CHECK(r.index == capital::recommendation::no_point);
            CHECK(r.binding == capital::binding_constraint::none_feasible);
            continue;
        }
        REQUIRE(r.index < f.points.size());
        const auto& best = f.points[r.index];
        CHECK(best.var95_share <= budget);
        CHECK(r.efficiency == best.efficiency);
        bool higher = false;
        for (std::size_t i = 0; i < f.points.size(); ++i) {
            if (f.points[i].efficiency > best.efficiency) {
                higher = true;
                CHECK(f.points[i].var95_share > budget); // no more efficient point is feasible
            }
        }
        CHECK(r.binding == (higher ? capital::binding_constraint::var_budget
                                   : capital::binding_constraint::grid_edge));
        if (higher) {
            REQUIRE(r.blocked_by < f.points.size());
            CHECK(f.points[r.blocked_by].efficiency > best.efficiency);
        }
    }
    CHECK(capital::var_budget(capital::appetite::conservative) == 0.001);
    CHECK(capital::var_budget(capital::appetite::moderate) == 0.005);
    CHECK(capital::var_budget(capital::appetite::aggressive) == 0.02);
    const auto c = capital::recommend(f, capital::appetite::conservative);
    const auto a = capital::recommend(f, capital::appetite::aggressive);
    if (c.index != capital::recommendation::no_point)
        CHECK(a.efficiency >= c.efficiency);
    // Ties in efficiency go to the lower VaR.
    std::vector<capital::frontier_point> pts(3);
    pts[0].efficiency = 2, pts[0].var95_share = 0.004;
    pts[1].efficiency = 2, pts[1].var95_share = 0.001;
    pts[2].efficiency = 3, pts[2].var95_share = 0.2;
    const auto tie = capital::recommend(pts, 0.01);
    CHECK(tie.index == 1);
    CHECK(tie.binding == capital::binding_constraint::var_budget);
    CHECK(tie.blocked_by == 2);
}

TEST_CASE("capital::smart_ltv against the formula, and its monotonicity", "[capital][frontier]") {
    // exp(-c sigma / sqrt(l / d)) - beta with c = 2, sigma = 0.2, l / d = 4: exp(-0.2) - 0.05.
    const capital::smart_ltv_input in{
        .volatility = 0.2, .liquidity = 4e6, .debt_cap = 1e6, .confidence = 2, .bonus = 0.05};
    CHECK(capital::smart_ltv(in) == Approx(0.8187307530779818 - 0.05).epsilon(1e-15));
    double prev = 1;
    for (const double sigma : {0.0, 0.05, 0.1, 0.3, 0.6}) {
        auto x = in;
        x.volatility = sigma;
        const double v = capital::smart_ltv(x);
        CHECK(v < prev);
        prev = v;
    }
    CHECK(capital::smart_ltv({.volatility = 0, .bonus = 0.1}) == Approx(0.9));
    prev = 0;
    for (const double l : {1e5, 1e6, 4e6, 1e8}) {
        auto x = in;
        x.liquidity = l;
        const double v = capital::smart_ltv(x);
        CHECK(v > prev);
        prev = v;
    }
    auto deep = in;
    deep.volatility = 5; // exp(-5) < 0.05: no safe loan
    CHECK(capital::smart_ltv(deep) == 0);
}

TEST_CASE("capital frontier: bad input names the function, field and value",
          "[capital][frontier]") {
    const setup t;
    const std::vector<capital::parameter_set> none;
    require_throws_naming(
        [&] { capital::evaluate_frontier(t.base, none, {}, t.model, t.curve, t.rules, t.spec); },
        {"capital::evaluate_frontier", "sets.size()", "0"});
    std::vector<capital::parameter_set> bad{{}, {.close_factor = 1.5}};
    require_throws_naming(
        [&] { capital::evaluate_frontier(t.base, bad, {}, t.model, t.curve, t.rules, t.spec); },
        {"capital::evaluate_frontier", "sets.close_factor[1]", "1.5"});
    bad = {{.threshold = 1.2}};
    require_throws_naming(
        [&] { capital::evaluate_frontier(t.base, bad, {}, t.model, t.curve, t.rules, t.spec); },
        {"capital::evaluate_frontier", "sets.threshold[0]", "1.2"});
    bad = {{.threshold_scale = 1.5}}; // 0.85 x 1.5 > 1
    require_throws_naming(
        [&] { capital::evaluate_frontier(t.base, bad, {}, t.model, t.curve, t.rules, t.spec); },
        {"capital::evaluate_frontier", "sets.threshold_scale[0]", "1.5", "book row"});
    bad = {{.debt_ceiling = 0}};
    require_throws_naming(
        [&] { capital::evaluate_frontier(t.base, bad, {}, t.model, t.curve, t.rules, t.spec); },
        {"capital::evaluate_frontier", "sets.debt_ceiling[0]", "0"});
    require_throws_naming(
        [&] {
            capital::evaluate_frontier(t.base, t.sets, {.response = {1.5}}, t.model, t.curve,
                                       t.rules, t.spec);
        },
        {"capital::evaluate_frontier", "response.share", "1.5"});
    auto spec = t.spec;
    spec.scenarios = 0;
    require_throws_naming(
        [&] { capital::evaluate_frontier(t.base, t.sets, {}, t.model, t.curve, t.rules, spec); },
        {"capital::evaluate_frontier", "scenarios", "0"});
    const cascade::book empty;
    require_throws_naming(
        [&] { capital::evaluate_frontier(empty, t.sets, {}, t.model, t.curve, t.rules, t.spec); },
        {"capital::evaluate_frontier", "book.size()", "0"});

    const auto f =
        capital::evaluate_frontier(t.base, t.sets, {}, t.model, t.curve, t.rules, t.spec);
    for (const double budget : {0.0, 1.0, -0.1, std::nan("")})
        require_throws_naming([&] { capital::recommend(f, budget); },
                              {"capital::recommend", "budget"});
    require_throws_naming(
        [&] { capital::recommend(std::span<const capital::frontier_point>{}, 0.01); },
        {"capital::recommend", "points.size()", "0"});
    require_throws_naming(
        [&] {
            capital::pareto_front(std::vector<double>{1, 2}, std::vector<double>{1});
        },
        {"capital::pareto_front", "risk.size()", "1"});
    require_throws_naming(
        [&] {
            capital::pareto_front(std::vector<double>{1, std::nan("")}, std::vector<double>{1, 2});
        },
        {"capital::pareto_front", "efficiency[1]", "nan"});
    require_throws_naming([&] { capital::smart_ltv({.volatility = -0.1}); },
                          {"capital::smart_ltv", "volatility", "-0.1"});
    require_throws_naming([&] { capital::smart_ltv({.liquidity = 0}); },
                          {"capital::smart_ltv", "liquidity", "0"});
    require_throws_naming([&] { capital::smart_ltv({.debt_cap = -1}); },
                          {"capital::smart_ltv", "debt_cap", "-1"});
    require_throws_naming([&] { capital::smart_ltv({.confidence = 0}); },
                          {"capital::smart_ltv", "confidence", "0"});
    require_throws_naming([&] { capital::smart_ltv({.bonus = 1}); },
                          {"capital::smart_ltv", "bonus", "1"});
    require_throws_naming([&] { capital::respond(t.base, {}, {-0.5}); },
                          {"capital::respond", "response.share", "-0.5"});
}

} // namespace unit_tests_capital_frontier
