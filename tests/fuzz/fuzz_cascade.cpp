// Fuzz target for cascade/: the single- and multi-asset engines, the analysis helpers and the
// synthetic book generator. First byte: the entry point. Contract: spiral::invalid_argument,
// or finite results that conserve collateral and debt (before = after + sold; before = after
// + repaid + bad debt), never raise a position, and keep prices in [0, shocked price].
#include <spiral/cascade/cascade.hpp>
#include <spiral/impact/constant_product.hpp>
#include <spiral/impact/exponential.hpp>
#include <spiral/impact/linear.hpp>
#include <spiral/impact/resilient.hpp>
#include <spiral/impact/stableswap.hpp>

#include "cascade_input.hpp"
#include "fuzz_input.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <span>
#include <vector>

namespace cascade = spiral::cascade;
namespace impact = spiral::impact;

namespace {

constexpr const char* target = "cascade";

double sum(std::span<const double> v) {
    return std::accumulate(v.begin(), v.end(), 0.0);
}

/// |a - b| within rounding of sums of `terms` values of size up to `scale`.
bool conserved(double a, double b, double scale, std::size_t terms) {
    return std::abs(a - b) <= 1e-12 * static_cast<double>(terms + 4) * scale + 1e-300;
}

/// Checks one single-asset cascade against the book it started from.
void check_single(const cascade::book& b, double price, double shock, const cascade::result& r,
                  std::span<const double> c_after, std::span<const double> d_after,
                  const cascade::rules& rules) {
    using fuzz::require;
    const double c0 = sum(b.collateral), d0 = sum(b.debt);
    const double shocked = price * (1 - shock);
    for (const double v : {r.final_price, r.collateral_sold, r.debt_repaid, r.bad_debt, r.proceeds})
        require(std::isfinite(v) && v >= 0, target,
                "a total is not finite and >= 0: " + fuzz::text(v));
    require(r.final_price <= shocked * (1 + 1e-12), target,
            "final price " + fuzz::text(r.final_price) + " above the shocked price " +
                fuzz::text(shocked));
    require(r.rounds <= rules.max_rounds && r.path.size() == r.rounds, target, "rounds/path");
    require(conserved(c0, sum(c_after) + r.collateral_sold, c0, b.size()), target,
            "collateral not conserved: " + fuzz::text(c0) + " vs " +
                fuzz::text(sum(c_after) + r.collateral_sold));
    require(conserved(d0, sum(d_after) + r.debt_repaid + r.bad_debt, d0, b.size()), target,
            "debt not conserved: " + fuzz::text(d0) + " vs " +
                fuzz::text(sum(d_after) + r.debt_repaid + r.bad_debt));
    for (std::size_t i = 0; i < b.size(); ++i) {
        require(c_after[i] >= 0 && c_after[i] <= b.collateral[i], target,
                "collateral of a position rose or went negative");
        require(d_after[i] >= 0 && d_after[i] <= b.debt[i], target,
                "debt of a position rose or went negative");
    }
    for (const cascade::round_record& rec : r.path)
        require(std::isfinite(rec.price) && rec.price >= 0 && std::isfinite(rec.oracle_price),
                target, "a round's price is not finite");
}

template <class Curve>
void run_single(fuzz::input& in, const Curve& curve) {
    const cascade::book b = fuzz::read_book(in, 48);
    const double price = in.mostly(1e-6, 1e6);
    const double shock = in.mostly(0, 0.99);
    const cascade::rules rules = fuzz::read_rules(in);
    std::vector<double> c(b.collateral.size()), d(b.debt.size());
    cascade::result r;
    const bool ok = fuzz::accepted(target, [&] {
        const cascade::prepared_book prepared(b);
        r = cascade::simulate(prepared, price, shock, curve, rules,
                              cascade::position_columns{c, d});
    });
    if (ok)
        check_single(b, price, shock, r, c, d, rules);
}

void single_asset(fuzz::input& in) {
    switch (in.byte() % 5) {
    case 0:
        return run_single(in, impact::linear{in.mostly(0, 1e-2)});
    case 1:
        return run_single(in, impact::exponential{in.mostly(0, 1e-2)});
    case 2:
        return run_single(in, impact::constant_product{in.mostly(1e-3, 1e9), in.mostly(1e-3, 1e12),
                                                       in.mostly(0, 0.1)});
    case 3:
        return run_single(in,
                          impact::resilient{impact::constant_product{in.mostly(1e-3, 1e9),
                                                                     in.mostly(1e-3, 1e12), 0.003},
                                            in.mostly(0, 100)});
    default:
        return run_single(in, impact::stableswap{in.mostly(1e-6, 1e4), in.mostly(1e-3, 1e9),
                                                 in.mostly(1e-3, 1e9), in.mostly(0, 0.01)});
    }
}

void multi_asset(fuzz::input& in) {
    const std::size_t k = in.count(0, 4);
    const std::size_t n = in.count(0, 24);
    cascade::multi_book b;
    b.assets = k;
    b.collateral = in.values(n * k, 0, 1e6);
    b.debt = in.values(n, 0, 1e8);
    std::vector<cascade::asset_market> markets(k);
    std::vector<impact::linear> curves(k);
    for (std::size_t a = 0; a < k; ++a) {
        markets[a] = {in.mostly(1e-6, 1e6), in.mostly(0, 0.99), in.mostly(1e-3, 1)};
        curves[a] = impact::linear{in.mostly(0, 1e-3)};
    }
    cascade::rules rules = fuzz::read_rules(in);
    rules.max_collateral_per_round = std::numeric_limits<double>::infinity();
    std::vector<std::size_t> order;
    if (in.flag()) {
        order.resize(k);
        std::iota(order.begin(), order.end(), std::size_t(0));
        if (k > 1)
            std::swap(order[0], order[in.count(0, k - 1)]);
    }
    std::vector<double> c(n * k), d(n);
    cascade::multi_result r;
    const bool ok = fuzz::accepted(target, [&] {
        r = cascade::simulate(b, std::span<const cascade::asset_market>(markets),
                              std::span<const impact::linear>(curves), rules,
                              std::span<const std::size_t>(order), c, d);
    });
    if (!ok)
        return;
    using fuzz::require;
    const double d0 = sum(b.debt);
    require(std::isfinite(r.debt_repaid) && r.debt_repaid >= 0 && std::isfinite(r.bad_debt) &&
                r.bad_debt >= 0,
            target, "multi-asset totals not finite and >= 0");
    require(conserved(d0, sum(d) + r.debt_repaid + r.bad_debt, d0, n), target,
            "multi-asset debt not conserved: " + fuzz::text(d0) + " vs " +
                fuzz::text(sum(d) + r.debt_repaid + r.bad_debt));
    for (std::size_t a = 0; a < k; ++a) {
        double before = 0, after = 0;
        for (std::size_t i = 0; i < n; ++i) {
            before += b.collateral[i * k + a];
            after += c[i * k + a];
        }
        require(conserved(before, after + r.assets[a].collateral_sold, before, n), target,
                "multi-asset collateral not conserved in asset " + std::to_string(a) + ": " +
                    fuzz::text(before) + " before, " + fuzz::text(after) + " after + " +
                    fuzz::text(r.assets[a].collateral_sold) + " sold");
        require(std::isfinite(r.assets[a].final_price) && r.assets[a].final_price >= 0 &&
                    r.assets[a].final_price <= r.assets[a].shocked_price * (1 + 1e-12),
                target, "multi-asset final price out of [0, shocked]");
    }
    for (std::size_t i = 0; i < n; ++i)
        require(d[i] >= 0 && d[i] <= b.debt[i], target, "multi-asset debt of a position rose");
}

void profile(fuzz::input& in) {
    const cascade::book b = fuzz::read_book(in, 64);
    const double price = in.mostly(1e-6, 1e6);
    const std::size_t bins = in.flag() ? in.count(1, 500) : static_cast<std::size_t>(in.bits());
    const double max_drop = in.mostly(0, 1);
    std::vector<cascade::profile_bin> out;
    if (!fuzz::accepted(target,
                        [&] { out = cascade::liquidation_profile(b, price, bins, max_drop); }))
        return;
    std::size_t positions = 0;
    double collateral = 0;
    for (std::size_t j = 0; j < out.size(); ++j) {
        fuzz::require(out[j].drop_from <= out[j].drop_to && out[j].drop_to <= max_drop, target,
                      "profile band edges out of order");
        positions += out[j].positions;
        collateral += out[j].collateral;
    }
    fuzz::require(out.size() == bins && positions <= b.size() &&
                      collateral <= sum(b.collateral) * (1 + 1e-12),
                  target, "profile counts more than the book");
    // Positions already liquidatable at `price` count in the first band.
    std::size_t liquidatable = 0;
    for (std::size_t i = 0; i < b.size(); ++i)
        if (b.debt[i] > 0 &&
            !(cascade::health(b.collateral[i], price, b.threshold[i], b.debt[i]) >= 1))
            ++liquidatable;
    fuzz::require(out[0].positions >= liquidatable, target,
                  "a liquidatable position is missing from the first band");
}

void toxic(fuzz::input& in) {
    const cascade::book b = fuzz::read_book(in, 64);
    const double price = in.mostly(1e-6, 1e6), bonus = in.mostly(0, 1);
    std::vector<std::size_t> rows;
    if (!fuzz::accepted(target, [&] { rows = cascade::toxic_positions(b, price, bonus); }))
        return;
    for (const std::size_t i : rows)
        fuzz::require(i < b.size() && b.debt[i] > 0, target, "toxic row out of range");
}

void at_risk(fuzz::input& in) {
    const cascade::book b = fuzz::read_book(in, 32);
    const double price = in.mostly(1e-6, 1e6);
    const std::vector<double> shocks = in.values(in.count(0, 6), 0, 0.99);
    const impact::constant_product pool{in.mostly(1e-3, 1e9), in.mostly(1e-3, 1e12), 0.003};
    const cascade::rules rules = fuzz::read_rules(in);
    std::vector<cascade::at_risk_point> out;
    if (!fuzz::accepted(target, [&] {
            out = cascade::liquidations_at_risk(cascade::prepared_book(b), price, shocks, pool,
                                                rules);
        }))
        return;
    fuzz::require(out.size() == shocks.size(), target, "one point per shock");
    for (const auto& p : out)
        fuzz::require(std::isfinite(p.outcome.final_price) && p.outcome.collateral_sold >= 0 &&
                          p.outcome.collateral_sold <= sum(b.collateral) * (1 + 1e-12),
                      target, "at-risk outcome out of range");
}

void synthetic(fuzz::input& in) {
    cascade::synthetic_book_params p;
    p.positions = in.count(0, 300);
    p.price = in.mostly(1e-6, 1e6);
    p.median_collateral = in.mostly(1e-6, 1e6);
    p.collateral_dispersion = in.mostly(0, 5);
    p.median_excess_health = in.mostly(1e-6, 10);
    p.health_dispersion = in.mostly(0, 5);
    p.threshold = in.mostly(1e-3, 1);
    p.threshold_spread = in.mostly(0, 0.5);
    p.seed = in.bits();
    cascade::book b;
    if (!fuzz::accepted(target, [&] { b = cascade::synthetic_book(p); }))
        return;
    fuzz::require(b.size() == p.positions, target, "synthetic book size");
    try {
        b.validate();
    } catch (const spiral::invalid_argument& e) {
        fuzz::fail(target, std::string("synthetic book fails its own validation: ") + e.what());
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::input in(data, size);
    switch (in.byte() % 6) {
    case 0:
        single_asset(in);
        break;
    case 1:
        multi_asset(in);
        break;
    case 2:
        profile(in);
        break;
    case 3:
        toxic(in);
        break;
    case 4:
        at_risk(in);
        break;
    default:
        synthetic(in);
        break;
    }
    return 0;
}
