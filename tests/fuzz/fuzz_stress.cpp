// Fuzz target for stress/ and the cascade along a price path it drives: stress runs on small
// books (every scenario model, curve and liquidation design), cascade::run on a fuzzed path,
// the history helpers (log-returns, GARCH fit, bootstrap, replay windows), correlated paths
// and the Monte Carlo metrics. First byte: the entry point. Contract: spiral::invalid_argument,
// or finite results that keep the engine's accounting (collateral before = after + seized,
// debt before = after + repaid + bad debt + debt behind auctions), columns in their ranges
// (bad debt >= 0, insolvent value >= bad debt, ...), a scenario that is the same alone as in a
// batch (bit for bit), quantiles that are a plain sort-and-pick, and paths that start at the
// spot.
#include <spiral/cascade/path.hpp>
#include <spiral/cascade/prepared_book.hpp>
#include <spiral/impact/constant_product.hpp>
#include <spiral/impact/exponential.hpp>
#include <spiral/impact/linear.hpp>
#include <spiral/stress/bootstrap.hpp>
#include <spiral/stress/correlated_gbm.hpp>
#include <spiral/stress/engine.hpp>
#include <spiral/stress/garch_paths.hpp>
#include <spiral/stress/gbm.hpp>
#include <spiral/stress/history.hpp>
#include <spiral/stress/merton.hpp>
#include <spiral/stress/metrics.hpp>
#include <spiral/stress/replay.hpp>
#include <spiral/stress/student_t.hpp>

#include "cascade_input.hpp"
#include "fuzz_input.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <numeric>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace cascade = spiral::cascade;
namespace impact = spiral::impact;
namespace stress = spiral::stress;

namespace {

constexpr const char* target = "stress";

void require(bool ok, const std::string& what) {
    fuzz::require(ok, target, what);
}

double sum(std::span<const double> v) {
    return std::accumulate(v.begin(), v.end(), 0.0);
}

/// |a - b| within rounding of sums of `terms` values of size up to `scale`.
bool conserved(double a, double b, double scale, std::size_t terms) {
    return std::abs(a - b) <= 1e-12 * static_cast<double>(terms + 4) * scale + 1e-300;
}

cascade::path_rules read_path_rules(fuzz::input& in) {
    cascade::path_rules pr;
    pr.liquidation = fuzz::read_rules(in);
    if (in.byte() != 255) // the one delay belongs to the oracle along a path
        pr.liquidation.oracle_delay = 0;
    if (in.flag()) {
        pr.oracle.heartbeat_days = in.mostly(0, 2);
        pr.oracle.deviation = in.mostly(0, 0.2);
        pr.oracle.delay_steps = in.count(0, 4);
        pr.oracle.floor = in.flag() ? in.mostly(0, 50) : 0.0;
    }
    if (in.flag()) {
        cascade::keeper_rules& k = pr.keepers;
        k.only_profitable = in.flag();
        k.gas = in.mostly(0, 50);
        k.margin = in.mostly(-0.5, 0.5);
        k.latency_steps = in.count(0, 3);
        if (in.flag())
            k.max_liquidations = in.count(1, 8);
        if (in.flag())
            k.max_repaid_value = in.mostly(1e-3, 1e6);
        if (in.flag())
            k.gas_budget = in.mostly(1e-3, 1e3);
    }
    if (in.flag()) {
        cascade::liquidation_terms& t = pr.terms;
        t.protocol_fee = in.mostly(0, 1);
        t.full_close_value = in.mostly(0, 1e4);
        t.min_leftover_value = in.mostly(0, 1e3);
        t.incentive = static_cast<cascade::incentive_model>(in.byte() % 3); // 2: outside
    }
    pr.design = static_cast<cascade::liquidation_design>(in.byte() % 5); // 4: outside
    if (in.flag()) {
        pr.absorb.liquidation_factor = in.mostly(1e-3, 1);
        pr.absorb.store_front_price_factor = in.mostly(0, 1);
        pr.absorb.initial_reserves = in.mostly(-1e4, 1e4);
        pr.clipper.buf = in.mostly(1, 2);
        pr.clipper.cut = in.mostly(0.5, 0.999);
        pr.clipper.step_seconds = in.mostly(1, 3600);
        pr.clipper.tail_seconds = in.mostly(60, 86400);
        pr.clipper.cusp = in.mostly(0.01, 0.99);
        pr.clipper.tip = in.mostly(0, 1e3);
        pr.clipper.chop = in.mostly(1, 1.5);
        pr.clipper.dust = in.mostly(0, 1e3);
        if (in.flag())
            pr.clipper.hole = in.mostly(1, 1e6);
        pr.flipper.beg = in.mostly(1.001, 1.2);
        pr.flipper.ttl_seconds = in.mostly(60, 86400);
        pr.flipper.tau_seconds = in.mostly(60, 86400 * 3);
        pr.flipper.zero_bidder = in.flag();
    }
    return pr;
}

/// A price path of `steps` + 1 points from `spot`, mostly a plausible walk, sometimes raw.
std::vector<double> read_prices(fuzz::input& in, std::size_t steps, double spot) {
    std::vector<double> p{spot};
    for (std::size_t k = 0; k < steps; ++k)
        p.push_back(in.byte() < 240 ? p.back() * std::exp(in.in(-0.4, 0.2)) : in.any());
    return p;
}

/// cascade::run along a fuzzed path: the engine's accounting, step totals adding up.
template <class Curve>
void path_with(fuzz::input& in, const Curve& curve) {
    const cascade::book b = fuzz::read_book(in, 24);
    const std::size_t steps = in.count(1, 24);
    const std::vector<double> prices = read_prices(in, steps, in.mostly(1e-3, 1e5));
    const cascade::price_path path{prices, in.mostly(1e-4, 1)};
    const cascade::path_rules pr = read_path_rules(in);
    std::vector<double> c(b.collateral.size()), d(b.debt.size());
    cascade::path_result r;
    if (!fuzz::accepted(target, [&] { r = cascade::run(b, path, curve, pr, {c, d}); }))
        return;
    const std::size_t n = b.size(), terms = n * (steps + 1);
    const double c0 = sum(b.collateral), d0 = sum(b.debt);
    require(std::isfinite(r.final_price) && r.final_price >= 0,
            "final price " + fuzz::text(r.final_price));
    require(conserved(c0, sum(c) + r.collateral_seized, c0, terms),
            "collateral not conserved: " + fuzz::text(c0) + " vs " + fuzz::text(sum(c)) + " + " +
                fuzz::text(r.collateral_seized));
    require(conserved(r.collateral_seized,
                      r.collateral_sold + r.protocol_fee + r.collateral_returned +
                          r.protocol_collateral,
                      c0, terms),
            "seized collateral not accounted for: " + fuzz::text(r.collateral_seized));
    require(conserved(d0, sum(d) + r.debt_repaid + r.bad_debt + r.auction_debt, d0, terms),
            "debt not conserved: " + fuzz::text(d0) + " vs " + fuzz::text(sum(d)) + " + " +
                fuzz::text(r.debt_repaid) + " + " + fuzz::text(r.bad_debt) + " + " +
                fuzz::text(r.auction_debt));
    require(r.bad_debt >= 0 && r.debt_repaid >= 0 && r.collateral_sold >= 0, "negative totals");
    for (std::size_t i = 0; i < n; ++i)
        require(c[i] >= 0 && c[i] <= b.collateral[i] && d[i] >= 0 && d[i] <= b.debt[i],
                "position " + std::to_string(i) + " rose or went negative");
    require(r.steps.size() == steps, "steps recorded: " + std::to_string(r.steps.size()));
    std::size_t events = 0;
    double seized = 0;
    for (const cascade::step_record& s : r.steps) {
        events += s.liquidations;
        seized += s.collateral_seized;
        require(std::isfinite(s.price) && s.price >= 0 && std::isfinite(s.oracle_price),
                "a step's price is not finite");
    }
    require(events == r.liquidations, "step liquidations do not add up");
    require(conserved(seized, r.collateral_seized, c0, terms), "step seizures do not add up");
}

void path(fuzz::input& in) {
    switch (in.byte() % 3) {
    case 0:
        return path_with(in, impact::linear{in.mostly(0, 1e-2)});
    case 1:
        return path_with(in, impact::exponential{in.mostly(0, 1e-2)});
    default:
        return path_with(in, impact::constant_product{in.mostly(1e-3, 1e9), in.mostly(1e-3, 1e12),
                                                      in.mostly(0, 0.1)});
    }
}

stress::path_spec read_spec(fuzz::input& in) {
    stress::path_spec s;
    s.spot = in.mostly(1e-3, 1e5);
    s.steps = in.count(0, 16);
    s.step_days = in.mostly(1e-3, 5);
    s.days_per_year = in.mostly(1, 366);
    s.vol_multiplier = in.mostly(0.01, 10);
    s.jump_multiplier = in.mostly(0, 10);
    return s;
}

/// The columns of one run, each one entry per scenario.
struct columns {
    explicit columns(std::size_t n) : r(n) {}
    stress::scenario_results r;
};

bool same(const std::vector<double>& a, std::size_t i, const std::vector<double>& b) {
    return std::memcmp(&a[i], &b[0], sizeof(double)) == 0;
}

/// stress::run with `model`: columns finite and in range; each scenario alone equals its entry.
template <class Model, class Curve>
void run_with(fuzz::input& in, const Model& model, const Curve& curve,
              const stress::path_spec& grid) {
    const cascade::book b = fuzz::read_book(in, 12);
    const cascade::path_rules pr = read_path_rules(in);
    stress::run_spec spec;
    spec.scenarios = in.count(1, 6);
    spec.seed = in.bits();
    spec.first_scenario = in.flag() ? 0 : in.bits();
    spec.path = grid;
    if (in.flag()) {
        spec.liquidity.reference_vol = in.mostly(0, 2);
        spec.liquidity.elasticity = in.mostly(0, 3);
        spec.liquidity.floor = in.mostly(1e-3, 1);
    }
    const std::size_t n = spec.scenarios;
    columns batch(n);
    std::size_t done = 0;
    const bool ok = fuzz::accepted(target, [&] {
        const cascade::prepared_book prepared(b);
        done = stress::run(prepared, model, curve, pr, spec, batch.r.columns());
    });
    if (!ok)
        return;
    require(done == n, "completed " + std::to_string(done) + " of " + std::to_string(n));
    const stress::scenario_results& r = batch.r;
    const double debt = sum(b.debt);
    for (std::size_t s = 0; s < n; ++s) {
        const std::string at = "scenario " + std::to_string(s) + ": ";
        const std::pair<const char*, const std::vector<double>*> named[] = {
            {"bad_debt", &r.bad_debt},
            {"insolvent_value", &r.insolvent_value},
            {"liquidation_volume", &r.liquidation_volume},
            {"liquidations", &r.liquidations},
            {"final_exogenous_price", &r.final_exogenous_price},
            {"final_price", &r.final_price},
            {"min_price", &r.min_price},
            {"borrowing_power", &r.borrowing_power},
            {"debt_outstanding", &r.debt_outstanding},
            {"borrowing_power_available", &r.borrowing_power_available},
            {"collateral_locked", &r.collateral_locked},
            {"depth", &r.depth}};
        for (const auto& [name, column] : named)
            require(std::isfinite((*column)[s]),
                    at + name + " = " + fuzz::text((*column)[s]) + " is not finite");
        require(r.bad_debt[s] >= 0 && r.insolvent_value[s] >= r.bad_debt[s],
                at + "insolvent value " + fuzz::text(r.insolvent_value[s]) + " below bad debt " +
                    fuzz::text(r.bad_debt[s]));
        require(r.liquidation_volume[s] >= 0 && r.liquidations[s] >= 0, at + "negative volume");
        require(r.debt_outstanding[s] <= debt * (1 + 1e-12) + 1e-300,
                at + "debt outstanding above the book's debt");
        require(r.borrowing_power_available[s] <= r.borrowing_power[s] * (1 + 1e-12) + 1e-300 &&
                    r.borrowing_power_available[s] >= 0 && r.collateral_locked[s] >= 0,
                at + "borrowing power out of range");
        require(r.depth[s] > 0 && r.depth[s] <= 1, at + "depth " + fuzz::text(r.depth[s]));
        require(r.min_price[s] <= r.final_price[s], at + "min price above the final price");
    }
    // Scenario s alone (first_scenario + s) is entry s of the batch, bit for bit.
    const std::size_t s = in.count(0, n - 1);
    stress::run_spec one = spec;
    one.scenarios = 1;
    one.first_scenario = spec.first_scenario + s;
    columns alone(1);
    const bool again = fuzz::accepted(target, [&] {
        const cascade::prepared_book prepared(b);
        stress::run(prepared, model, curve, pr, one, alone.r.columns());
    });
    require(again, "scenario " + std::to_string(s) + " alone was rejected");
    require(same(r.bad_debt, s, alone.r.bad_debt) &&
                same(r.insolvent_value, s, alone.r.insolvent_value) &&
                same(r.liquidation_volume, s, alone.r.liquidation_volume) &&
                same(r.final_price, s, alone.r.final_price) &&
                same(r.collateral_locked, s, alone.r.collateral_locked),
            "scenario " + std::to_string(s) + " alone differs from the batch");

    stress::summary sm;
    if (!fuzz::accepted(target, [&] {
            const cascade::prepared_book prepared(b);
            sm = stress::summarise(r, n, prepared, grid.spot);
        }))
        return;
    require(sm.var95.value <= sm.var99.value && sm.lar95.value <= sm.lar99.value,
            "VaR or LaR not increasing in the level");
    require(sm.es95.value >= sm.var95.value * (1 - 1e-12) - 1e-300,
            "ES95 " + fuzz::text(sm.es95.value) + " below VaR95 " + fuzz::text(sm.var95.value));
    const double p = sm.probability_of_bad_debt.value;
    require(p >= 0 && p <= 1, "probability of bad debt " + fuzz::text(p));
}

template <class Model>
void run_model(fuzz::input& in, const Model& model, const stress::path_spec& grid) {
    switch (in.byte() % 3) {
    case 0:
        return run_with(in, model, impact::linear{in.mostly(0, 1e-2)}, grid);
    case 1:
        return run_with(in, model, impact::exponential{in.mostly(0, 1e-2)}, grid);
    default:
        return run_with(in, model,
                        impact::constant_product{in.mostly(1e-3, 1e9), in.mostly(1e-3, 1e12),
                                                 in.mostly(0, 0.1)},
                        grid);
    }
}

void run(fuzz::input& in) {
    const stress::path_spec grid = read_spec(in);
    switch (in.byte() % 6) {
    case 0:
        return run_model(in, stress::gbm{in.mostly(-2, 2), in.mostly(0, 3)}, grid);
    case 1:
        return run_model(in,
                         stress::merton{in.mostly(-2, 2), in.mostly(0, 3), in.mostly(0, 50),
                                        in.mostly(-0.5, 0.2), in.mostly(0, 0.5)},
                         grid);
    case 2:
        return run_model(in, stress::student_t{in.mostly(-2, 2), in.mostly(0, 3), in.mostly(2, 50)},
                         grid);
    case 3: {
        stress::garch_paths g;
        g.params = {in.mostly(1e-8, 1e-2), in.mostly(0, 0.3), in.mostly(0, 0.95)};
        if (in.flag())
            g.initial_variance = in.mostly(1e-8, 1e-1);
        g.mean = in.mostly(-0.01, 0.01);
        g.innovations = static_cast<stress::innovation>(in.byte() % 3); // 2: outside
        g.degrees_of_freedom = in.mostly(2, 50);
        return run_model(in, g, grid);
    }
    case 4: {
        const std::vector<double> returns = in.values(in.count(0, 40), -0.3, 0.3);
        stress::bootstrap b{.returns = returns, .block_length = in.count(0, 8)};
        if (in.flag())
            b.mean = in.mostly(-0.1, 0.1);
        return run_model(in, b, grid);
    }
    default: {
        const std::vector<double> prices = in.values(in.count(0, 40), 1, 1e4);
        const stress::replay r{
            .prices = prices, .start = in.count(0, 40), .random_start = in.flag()};
        return run_model(in, r, grid);
    }
    }
}

/// A model accepted for a grid writes a path that starts at the spot.
template <class Model>
void check_generate(const Model& model, const stress::path_spec& grid, std::uint64_t seed,
                    const char* name) {
    std::vector<double> prices(grid.steps + 1);
    spiral::splitmix64 g{seed};
    model.generate(g, grid, prices.data());
    require(prices[0] == grid.spot, std::string(name) + ": path does not start at the spot");
}

void histories(fuzz::input& in) {
    const std::size_t size = in.count(0, 64);
    std::vector<double> prices{in.mostly(1, 1e4)};
    for (std::size_t i = 1; i < size; ++i)
        prices.push_back(in.byte() < 240 ? prices.back() * std::exp(in.in(-0.3, 0.3)) : in.any());
    stress::path_spec grid = read_spec(in);
    std::vector<double> returns;
    if (fuzz::accepted(target, [&] { returns = stress::history_log_returns(prices); })) {
        require(returns.size() + 1 == prices.size(), "history_log_returns: wrong count");
        for (std::size_t i = 0; i < returns.size(); ++i)
            require(std::isfinite(returns[i]),
                    "history_log_returns: return " + std::to_string(i) + " not finite");
    }
    stress::garch_paths_fit_options o;
    o.kind = static_cast<stress::history_kind>(in.byte() % 3);
    o.start = static_cast<stress::garch_start>(in.byte() % 3);
    o.innovations = static_cast<stress::innovation>(in.byte() % 2);
    o.degrees_of_freedom = in.mostly(2, 50);
    stress::garch_paths fitted;
    if (fuzz::accepted(target, [&] {
            fitted = stress::fit_garch_paths(o.kind == stress::history_kind::prices
                                                 ? std::span<const double>(prices)
                                                 : std::span<const double>(returns),
                                             o);
        })) {
        require(fitted.params.omega > 0 && fitted.params.alpha >= 0 && fitted.params.beta >= 0 &&
                    fitted.params.alpha + fitted.params.beta < 1,
                "fit_garch_paths: parameters not stationary");
        if (fuzz::accepted(target, [&] { grid.validate(); }))
            check_generate(fitted, grid, in.bits(), "fitted garch_paths");
    }
    stress::bootstrap b;
    if (fuzz::accepted(target, [&] { b = stress::make_bootstrap(returns, in.count(0, 8)); }) &&
        fuzz::accepted(target, [&] { stress::validate_model(b, grid); }))
        check_generate(b, grid, in.bits(), "bootstrap");
    const stress::replay r{.prices = prices, .start = in.count(0, 70), .random_start = in.flag()};
    if (fuzz::accepted(target, [&] { r.validate(grid); })) {
        check_generate(r, grid, in.bits(), "replay");
        // A window that validate accepted is the history's own ratios (random start: some
        // window of it), so every point is finite and > 0.
        std::vector<double> out(grid.steps + 1);
        spiral::splitmix64 g{7};
        r.generate(g, grid, out.data());
        if (grid.vol_multiplier == 1 && !r.random_start)
            for (std::size_t k = 0; k <= grid.steps; ++k)
                require(
                    fuzz::close(out[k], grid.spot * (prices[r.start + k] / prices[r.start]), 1e-15),
                    "replay: point " + std::to_string(k) + " is not the history's");
    }
}

void correlated(fuzz::input& in) {
    const auto n = static_cast<Eigen::Index>(in.count(0, 4));
    Eigen::MatrixXd m(n, n);
    for (Eigen::Index i = 0; i < n; ++i)
        for (Eigen::Index j = 0; j <= i; ++j)
            m(i, j) = m(j, i) = i == j ? (in.byte() == 255 ? in.any() : 1.0) : in.mostly(-1, 1);
    const std::size_t k = static_cast<std::size_t>(n) + (in.byte() == 255 ? 1 : 0);
    std::vector<double> spots = in.values(k, 1e-3, 1e5), vols = in.values(k, 0, 3);
    const auto kind = static_cast<spiral::risk::copula>(in.byte() % 3); // 2: outside
    const double nu = in.mostly(2, 50);
    const stress::path_spec grid = read_spec(in);
    stress::correlated_gbm model;
    if (!fuzz::accepted(target,
                        [&] { model = stress::make_correlated_gbm(spots, vols, m, kind, nu); }) ||
        !fuzz::accepted(target, [&] { stress::validate_model(model, grid); }))
        return;
    const std::size_t points = grid.steps + 1;
    std::vector<double> prices(model.assets() * points);
    spiral::splitmix64 g{in.bits()};
    model.generate(g, grid, prices.data());
    for (std::size_t a = 0; a < model.assets(); ++a)
        require(prices[a * points] == model.spots[a],
                "correlated_gbm: path " + std::to_string(a) + " does not start at its spot");
}

/// The metrics against a plain sort-and-pick written here.
void metrics(fuzz::input& in) {
    std::vector<double> values = in.values(in.count(0, 200), -1e6, 1e6);
    const double level = in.mostly(1e-3, 0.999);
    stress::quantile_estimate q;
    if (fuzz::accepted(target, [&] { q = stress::empirical_quantile(values, level); })) {
        std::vector<double> sorted = values;
        std::sort(sorted.begin(), sorted.end());
        // The ceil(level N)-th smallest; where level N is within rounding of an integer, that
        // integer's is also right (the header takes 0.95 x 100 as 95).
        const double n = static_cast<double>(sorted.size()), x = level * n;
        const auto pick = [&](double rank) {
            return sorted[static_cast<std::size_t>(std::clamp(rank, 1.0, n)) - 1];
        };
        const bool near_integer = std::abs(x - std::nearbyint(x)) <= 16 * 2.3e-16 * x;
        require(q.value == pick(std::ceil(x)) ||
                    (near_integer && q.value == pick(std::nearbyint(x))),
                "empirical_quantile " + fuzz::text(q.value) + " is not the order statistic " +
                    fuzz::text(pick(std::ceil(x))));
        require(q.lower <= q.value && q.value <= q.upper, "quantile outside its interval");
        stress::estimate es;
        require(fuzz::accepted(target, [&] { es = stress::expected_shortfall(values, level); }),
                "expected_shortfall rejected what empirical_quantile took");
        const bool moderate = std::all_of(values.begin(), values.end(),
                                          [](double v) { return std::abs(v) <= 1e100; });
        if (moderate) {
            require(std::isfinite(es.value) && std::isfinite(es.standard_error),
                    "expected_shortfall not finite");
            const double scale = std::max(std::abs(sorted.front()), std::abs(sorted.back()));
            require(es.value >= q.value - 1e-12 * scale,
                    "ES " + fuzz::text(es.value) + " below VaR " + fuzz::text(q.value));
            require(es.value <= sorted.back() + 1e-12 * scale, "ES above the largest value");
        }
    }
    stress::estimate mean;
    if (fuzz::accepted(target, [&] { mean = stress::sample_mean(values); }) &&
        std::all_of(values.begin(), values.end(), [](double v) { return std::abs(v) <= 1e100; })) {
        const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
        const double scale = std::max(std::abs(*lo), std::abs(*hi));
        require(mean.value >= *lo - 1e-12 * scale && mean.value <= *hi + 1e-12 * scale &&
                    mean.standard_error >= 0,
                "sample_mean " + fuzz::text(mean.value) + " outside the sample's range");
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::input in(data, size);
    switch (in.byte() % 5) {
    case 0:
        run(in);
        break;
    case 1:
        path(in);
        break;
    case 2:
        histories(in);
        break;
    case 3:
        correlated(in);
        break;
    default:
        metrics(in);
        break;
    }
    return 0;
}
