// Fuzz target for impact/: every curve's validate() and kernels, and the Almgren-Chriss
// schedule. First byte: the curve. Contract: validate() throws spiral::invalid_argument, or
// for every quantity q in [0, 1e200] (the curves' domain) the curve gives price_factor(q) in [0, 1]
// (above 1 only by the rounding of a pool's own price) that does not rise with q, and proceeds(q)
// in [0, q] (its integral; fees only lower it) that does not fall with q; NaN only for NaN q.
#include <spiral/impact/impact.hpp>

#include "fuzz_input.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace impact = spiral::impact;

namespace {

constexpr const char* target = "impact";

std::string curve_name;

/// Absolute slack of the monotonicity checks: a resilient curve's proceeds is a difference of
/// two proceeds of its curve and carries their rounding (documented in resilient.hpp).
template <class Curve>
double rounding_slack(const Curve&) {
    return 0;
}
template <class C>
double rounding_slack(const impact::resilient<C>& r) {
    return 16 * std::numeric_limits<double>::epsilon() * r.curve.proceeds(r.displaced);
}

template <class Curve>
void check_curve(fuzz::input& in, const Curve& curve) {
    const double slack = rounding_slack(curve);
    if (!fuzz::accepted(target, [&] { curve.validate(); }))
        return;
    // A few quantities in increasing order, some at the extremes.
    std::vector<double> q{0.0};
    const std::size_t n = in.count(1, 6);
    for (std::size_t i = 0; i < n; ++i)
        q.push_back(q.back() + in.in(0, in.flag() ? 1e-6 : 1e9));
    if (in.flag()) // the largest quantity the curves take (docs/impact.md, input domain)
        q.push_back(in.in(0, 1e200));
    std::sort(q.begin(), q.end());
    double last_price = 1.0 + 1e-9, last_proceeds = 0.0;
    for (const double x : q) {
        const double p = curve.price_factor(x);
        const double r = curve.proceeds(x);
        const std::string at = std::string(" at q = ") + fuzz::text(x) + " (" + curve_name + ")";
        fuzz::require(p >= 0 && p <= 1 + 1e-9, target, "price_factor " + fuzz::text(p) + at);
        fuzz::require(r >= 0 && r <= x * (1 + 1e-9) + 1e-300, target,
                      "proceeds " + fuzz::text(r) + at);
        fuzz::require(p <= last_price * (1 + 1e-9) + 1e-300, target, "price_factor rises" + at);
        fuzz::require(r >= last_proceeds * (1 - 1e-9) - slack, target,
                      "proceeds fall to " + fuzz::text(r) + " from " + fuzz::text(last_proceeds) +
                          at);
        last_price = p;
        last_proceeds = r;
    }
    const double nan = std::numeric_limits<double>::quiet_NaN();
    fuzz::require(std::isnan(curve.price_factor(nan)), target, "NaN in, not NaN out");
}

void almgren_chriss(fuzz::input& in) {
    impact::almgren_chriss a{};
    a.quantity = in.mostly(1e-6, 1e9);
    a.horizon = in.mostly(1e-6, 1e3);
    a.steps = in.count(1, 64);
    a.sigma = in.mostly(0, 1e3);
    a.permanent = in.mostly(0, 1e-3);
    a.temporary = in.mostly(1e-9, 1e-1);
    a.fixed = in.mostly(0, 1);
    a.risk_aversion = in.mostly(0, 1e-3);
    if (!fuzz::accepted(target, [&] { a.validate(); }))
        return;
    double sold = 0;
    for (std::size_t k = 0; k <= a.steps; ++k) {
        const double x = a.holdings(k);
        fuzz::require(x >= -1e-9 * a.quantity && x <= a.quantity * (1 + 1e-12), target,
                      "holdings out of [0, X]: " + fuzz::text(x));
        if (k > 0) {
            const double t = a.trade(k);
            fuzz::require(std::isfinite(t) && t >= -1e-9 * a.quantity, target,
                          "trade not finite and >= 0: " + fuzz::text(t));
            sold += t;
        }
    }
    fuzz::require(fuzz::close(sold, a.quantity, 1e-9, 1e-300), target,
                  "trades do not add up to the quantity: " + fuzz::text(sold) +
                      " of X = " + fuzz::text(a.quantity) + ", T = " + fuzz::text(a.horizon) +
                      ", N = " + std::to_string(a.steps) + ", sigma = " + fuzz::text(a.sigma) +
                      ", gamma = " + fuzz::text(a.permanent) + ", eta = " +
                      fuzz::text(a.temporary) + ", lambda = " + fuzz::text(a.risk_aversion));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::input in(data, size);
    static const char* names[] = {"linear",
                                  "exponential",
                                  "square_root",
                                  "power_law",
                                  "constant_product",
                                  "stableswap",
                                  "concentrated_liquidity",
                                  "order_book",
                                  "scaled_depth",
                                  "resilient",
                                  "almgren_chriss"};
    const std::size_t which = in.byte() % 11;
    curve_name = names[which];
    switch (which) {
    case 0:
        check_curve(in, impact::linear{in.mostly(0, 1)});
        break;
    case 1:
        check_curve(in, impact::exponential{in.mostly(0, 1)});
        break;
    case 2:
        check_curve(in,
                    impact::square_root{in.mostly(0, 5), in.mostly(1e-6, 1e12), in.mostly(0, 5)});
        break;
    case 3:
        check_curve(in,
                    impact::power_law{in.mostly(0, 5), in.mostly(1e-6, 1e12), in.mostly(1e-3, 5)});
        break;
    case 4: {
        const impact::constant_product pool{in.mostly(1e-6, 1e15), in.mostly(1e-6, 1e15),
                                            in.mostly(0, 0.5)};
        curve_name += " x " + fuzz::text(pool.base_reserve) + " y " +
                      fuzz::text(pool.quote_reserve) + " fee " + fuzz::text(pool.fee);
        check_curve(in, pool);
        break;
    }
    case 5: {
        const impact::stableswap pool{in.mostly(1e-6, 1e6), in.mostly(1e-6, 1e15),
                                      in.mostly(1e-6, 1e15), in.mostly(0, 0.5)};
        curve_name += " A " + fuzz::text(pool.amplification) + " x " +
                      fuzz::text(pool.base_reserve) + " y " + fuzz::text(pool.quote_reserve) +
                      " fee " + fuzz::text(pool.fee);
        check_curve(in, pool);
        break;
    }
    case 6: {
        std::vector<impact::concentrated_liquidity::position> positions(in.count(0, 5));
        for (auto& p : positions) {
            p.lower_price = in.mostly(1e-6, 1e6);
            p.upper_price = p.lower_price * in.mostly(1, 1e3);
            p.liquidity = in.mostly(0, 1e9);
        }
        const double price = in.mostly(1e-6, 1e6), fee = in.mostly(0, 0.5);
        curve_name += " price " + fuzz::text(price) + " fee " + fuzz::text(fee);
        for (const auto& p : positions)
            curve_name += " [" + fuzz::text(p.lower_price) + ", " + fuzz::text(p.upper_price) +
                          ") L " + fuzz::text(p.liquidity);
        impact::concentrated_liquidity pool;
        if (fuzz::accepted(target,
                           [&] { pool = impact::concentrated_liquidity(price, positions, fee); }))
            check_curve(in, pool);
        break;
    }
    case 7: {
        std::vector<impact::order_book::level> bids(in.count(0, 6));
        double price = in.mostly(1e-6, 1e6);
        for (auto& l : bids) {
            l.price = price;
            l.size = in.mostly(0, 1e6);
            price *= in.mostly(0.5, 1);
        }
        const double reference = in.flag() ? 0.0 : in.mostly(1e-6, 1e6);
        std::optional<impact::order_book> book;
        if (fuzz::accepted(target, [&] { book.emplace(bids, reference); }))
            check_curve(in, *book);
        break;
    }
    case 8: {
        const impact::scaled_depth curve{impact::exponential{in.mostly(0, 1)},
                                         in.mostly(1e-6, 1e6)};
        curve_name +=
            " alpha " + fuzz::text(curve.curve.alpha) + " depth " + fuzz::text(curve.depth);
        check_curve(in, curve);
        break;
    }
    case 9: {
        impact::resilient curve{
            impact::constant_product{in.mostly(1e-6, 1e15), in.mostly(1e-6, 1e15), 0.003},
            in.mostly(0, 1e3)};
        curve.displaced = in.mostly(0, 1e9);
        check_curve(in, curve);
        break;
    }
    default:
        almgren_chriss(in);
        break;
    }
    return 0;
}
