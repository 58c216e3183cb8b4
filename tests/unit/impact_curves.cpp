// Price-impact curves: proceeds against adaptive quadrature of price_factor (Boost.Math
// tanh-sinh), Uniswap v2 and v3 test vectors, Curve's Newton iterations for the StableSwap
// invariant, naive re-implementations of the order book walk, closed forms computed another
// way, properties over generated inputs, saturation past exhaustion, and validation.
#include <spiral/core/error.hpp>
#include <spiral/impact/impact.hpp>

#include "support/csv.hpp"

#include <boost/math/quadrature/tanh_sinh.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace unit_tests_impact_curves {

namespace impact = spiral::impact;

namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();
constexpr double quiet_nan = std::numeric_limits<double>::quiet_NaN();

double relative_difference(double a, double b) {
    if (a == b)
        return 0;
    return std::abs(a - b) / std::max(std::abs(a), std::abs(b));
}

/// The integral of `f` over [0, q] by tanh-sinh quadrature, split at `breaks` (the kinks and
/// jumps of f), each piece to 1e-15 relative.
double integral(const std::function<double(double)>& f, double q, std::vector<double> breaks) {
    static boost::math::quadrature::tanh_sinh<double> integrator; // (its integrate is not const)
    std::vector<double> points{0.0};
    for (double b : breaks)
        if (b > 0 && b < q)
            points.push_back(b);
    points.push_back(q);
    std::sort(points.begin(), points.end());
    double sum = 0;
    for (std::size_t i = 0; i + 1 < points.size(); ++i)
        if (points[i + 1] > points[i])
            sum += integrator.integrate(f, points[i], points[i + 1], 1e-15);
    return sum;
}

/// proceeds(q) agrees with the quadrature of marginal_price over [0, q] to 1e-12 relative
/// (price_factor on fee-free curves), and is at most the quadrature of price_factor (the fee
/// only lowers what the seller receives).
template <class C>
void check_integral_identity(const C& curve, double q, const std::vector<double>& breaks = {}) {
    const double quadrature =
        integral([&](double t) { return spiral::marginal_price(curve, t); }, q, breaks);
    const double closed = curve.proceeds(q);
    INFO("q = " << q << ": proceeds " << closed << ", quadrature " << quadrature);
    CHECK(relative_difference(closed, quadrature) <= 1e-12);
    const double market = integral([&](double t) { return curve.price_factor(t); }, q, breaks);
    CHECK(closed <= market * (1 + 1e-12));
}

/// A geometric grid of quantities from lo to hi (n points, ratio > 1).
std::vector<double> grid(double lo, double hi, int n) {
    std::vector<double> q;
    for (int i = 0; i < n; ++i)
        q.push_back(lo * std::pow(hi / lo, static_cast<double>(i) / (n - 1)));
    return q;
}

/// Properties over a sorted grid: price factor in [0, 1] and non-increasing (positive before
/// `exhausted`), at least the marginal price, proceeds non-decreasing (increasing before
/// `exhausted`), concave, and each increment bracketed by the marginal prices at its ends (mean
/// value theorem for a monotone integrand).
template <class C>
void check_properties(const C& curve, const std::vector<double>& qs, double exhausted = infinity) {
    double previous_q = 0, previous_price = spiral::marginal_price(curve, 0.0);
    double previous_proceeds = curve.proceeds(0.0), previous_slope = infinity;
    CHECK(previous_proceeds == 0);
    CHECK(previous_price <= 1);
    for (double q : qs) {
        const double market = curve.price_factor(q);
        const double price = spiral::marginal_price(curve, q);
        const double proceeds = curve.proceeds(q);
        CHECK(market >= price * (1 - 1e-15));
        CHECK(market <= 1);
        INFO("q = " << q << " price " << price << " (before " << previous_price << "), proceeds "
                    << proceeds << " (before " << previous_proceeds << ")");
        CHECK(price >= 0);
        CHECK(price <= 1);
        CHECK(price <= previous_price * (1 + 1e-14));
        CHECK(proceeds >= previous_proceeds * (1 - 1e-15));
        CHECK(proceeds <= q * curve.price_factor(0.0) * (1 + 1e-14));
        const double dq = q - previous_q;
        if (q < exhausted) {
            // (unless the true value underflows, or the increment is below rounding)
            if (previous_price > 1e-100)
                CHECK(price > 0);
            if (price * dq > 1e-14 * proceeds)
                CHECK(proceeds > previous_proceeds);
        }
        const double increment = proceeds - previous_proceeds;
        const double slack = 1e-12 * std::max(proceeds, 1e-300);
        CHECK(increment <= previous_price * dq + slack);
        CHECK(increment >= price * dq - slack);
        const double slope = increment / dq;
        CHECK(slope <= previous_slope * (1 + 1e-9) + 1e-12);
        previous_q = q;
        previous_price = price;
        previous_proceeds = proceeds;
        previous_slope = slope;
    }
}

template <class C>
void check_nan_propagates(const C& curve) {
    CHECK(std::isnan(curve.price_factor(quiet_nan)));
    CHECK(std::isnan(curve.proceeds(quiet_nan)));
}

/// The message of the spiral::invalid_argument thrown by `f`, or "" if none.
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

// ---------------------------------------------------------------------------------------------
// linear, exponential, square root, power law
// ---------------------------------------------------------------------------------------------

TEST_CASE("linear: closed forms, saturation at 1/lambda, integral identity") {
    const impact::linear c{0.02};
    CHECK(c.price_factor(0.0) == 1);
    CHECK(c.price_factor(10.0) == Approx(0.8).epsilon(1e-15));
    CHECK(c.proceeds(10.0) == Approx(10 - 0.01 * 100).epsilon(1e-15));
    // Exhausted at 1/lambda = 50: price 0, proceeds 1 / (2 lambda) = 25 from there on.
    for (double q : {50.0, 51.0, 1e6, infinity}) {
        CHECK(c.price_factor(q) == 0);
        CHECK(c.proceeds(q) == Approx(25).epsilon(1e-15));
    }
    for (double q : {1e-6, 0.3, 7.0, 49.9, 50.0, 80.0})
        check_integral_identity(c, q, {50.0});
    CHECK(impact::linear{0}.proceeds(3.5) == 3.5);
    CHECK(impact::linear{0}.price_factor(1e9) == 1);
    check_nan_propagates(c);
}

TEST_CASE("exponential: closed forms, no cancellation for small alpha q, integral identity") {
    const impact::exponential c{0.05};
    CHECK(c.price_factor(0.0) == 1);
    CHECK(c.price_factor(20.0) == Approx(std::exp(-1.0)).epsilon(1e-15));
    CHECK(c.proceeds(20.0) == Approx((1 - std::exp(-1.0)) / 0.05).epsilon(1e-15));
    // alpha q = 1e-12: proceeds = q (1 - alpha q / 2 + ...) to full precision.
    const double tiny = 2e-11;
    CHECK(relative_difference(c.proceeds(tiny), tiny * (1 - 0.5 * 0.05 * tiny)) < 1e-15);
    CHECK(c.proceeds(infinity) == Approx(20).epsilon(1e-15));
    CHECK(c.price_factor(infinity) == 0);
    for (double q : {1e-9, 1e-3, 0.7, 20.0, 300.0})
        check_integral_identity(c, q);
    CHECK(impact::exponential{0}.proceeds(2.0) == 2.0);
    check_nan_propagates(c);
    // its own average price: (1 - e^-y) / y, to the long double quotient, near 0 and far out
    for (double q : {1e-300, 2e-11, 1e-3, 19.99, 20.0, 20.01, 300.0, 1e300}) {
        const long double y = 0.05L * q;
        const long double reference = -std::expm1l(-y) / y;
        CHECK(relative_difference(c.average_price(q), static_cast<double>(reference)) < 3e-16);
    }
    CHECK(std::isnan(c.average_price(quiet_nan)));
}

TEST_CASE("square_root: Y sigma sqrt(q/V), floor and saturation at V/(Y sigma)^2") {
    const impact::square_root c{.sigma = 0.04, .volume = 1e6, .y = 0.8};
    const double coefficient = 0.8 * 0.04 / 1000.0;
    CHECK(c.coefficient() == Approx(coefficient).epsilon(1e-15));
    CHECK(c.price_factor(1e4) == Approx(1 - 0.8 * 0.04 * 0.1).epsilon(1e-15));
    CHECK(c.proceeds(1e4) == Approx(1e4 - 2.0 / 3.0 * coefficient * 1e6).epsilon(1e-15));
    const double exhausted = 1e6 / (0.8 * 0.04 * 0.8 * 0.04); // q* = V / (Y sigma)^2
    CHECK(c.price_factor(exhausted * 1.000001) == 0);
    CHECK(c.proceeds(exhausted) == Approx(exhausted / 3).epsilon(1e-14));
    CHECK(c.proceeds(10 * exhausted) == Approx(exhausted / 3).epsilon(1e-14));
    CHECK(c.proceeds(infinity) == Approx(exhausted / 3).epsilon(1e-14));
    for (double q : {1e-3, 5.0, 1e4, 0.5 * exhausted, exhausted, 3 * exhausted})
        check_integral_identity(c, q, {exhausted});
    check_nan_propagates(c);
}

TEST_CASE("power_law: exponent as a parameter, the 3/5 preset, saturation") {
    const auto atl = impact::power_law::three_fifths(0.02, 5e6);
    CHECK(atl.exponent == 0.6);
    CHECK(atl.eta == Approx(0.142 * 0.02).epsilon(1e-15));
    CHECK(atl.volume == 5e6);
    // 1 - eta (q/V)^0.6 at q = V / 32: (1/32)^0.6 = 2^-3.
    CHECK(atl.price_factor(5e6 / 32) == Approx(1 - 0.142 * 0.02 / 8).epsilon(1e-15));
    // exponent 1 is linear impact with lambda = eta / V; exponent 1/2 the square-root law.
    const impact::power_law lin{.eta = 0.3, .volume = 10, .exponent = 1};
    const impact::linear kyle{0.03};
    const impact::power_law root{.eta = 0.05, .volume = 4e4, .exponent = 0.5};
    const impact::square_root sq{.sigma = 0.05, .volume = 4e4, .y = 1};
    for (double q : {0.1, 5.0, 20.0, 33.0, 40.0}) {
        CHECK(std::abs(lin.price_factor(q) - kyle.price_factor(q)) < 1e-15);
        CHECK(relative_difference(lin.proceeds(q), kyle.proceeds(q)) < 1e-14);
    }
    for (double q : {1.0, 1e3, 1e5, 1.6e7, 2e7}) {
        CHECK(std::abs(root.price_factor(q) - sq.price_factor(q)) < 1e-15);
        CHECK(relative_difference(root.proceeds(q), sq.proceeds(q)) < 1e-14);
    }
    const impact::power_law steep{.eta = 0.4, .volume = 100, .exponent = 1.7};
    const double exhausted = 100 * std::pow(1 / 0.4, 1 / 1.7); // V eta^(-1/delta)
    CHECK(steep.price_factor(exhausted * (1 + 1e-9)) == 0);
    CHECK(steep.proceeds(5 * exhausted) ==
          Approx(exhausted * 1.7 / 2.7).epsilon(1e-14)); // V u* delta / (delta + 1)
    for (const auto& c : {atl, lin, root, steep}) {
        const double star = c.volume * std::pow(1 / c.eta, 1 / c.exponent);
        for (double f : {1e-6, 0.01, 0.3, 0.999, 1.0, 2.0})
            check_integral_identity(c, f * star, {star});
        check_nan_propagates(c);
    }
}

// ---------------------------------------------------------------------------------------------
// constant product (Uniswap v2)
// ---------------------------------------------------------------------------------------------

TEST_CASE("constant_product: Uniswap v2 getInputPrice cases to double precision") {
    const auto rows = test_support::read_csv("uniswap_v2_get_input_price.csv");
    REQUIRE(rows.size() == 7);
    for (const auto& row : rows) {
        const impact::constant_product pool{test_support::number(row, "reserve0"),
                                            test_support::number(row, "reserve1"), 0.003};
        const double out = pool.amount_out(test_support::number(row, "swap_amount"));
        const double expected = test_support::number(row, "expected_output");
        INFO(row.at("case") << ": " << out << " vs " << row.at("expected_output"));
        // v2 rounds down: the exact value is in [expected, expected + 1), far below 1e-15.
        CHECK(relative_difference(out, expected) <= 1e-15);
        // The same in proceeds units: amount_out / (y / x).
        CHECK(relative_difference(pool.proceeds(test_support::number(row, "swap_amount")),
                                  expected / pool.price()) <= 2e-15);
        // price_factor is the pool's price after the swap: reserves (x + q, y - out), the fee
        // staying in the pool, relative to y / x.
        const double x = test_support::number(row, "reserve0");
        const double y = test_support::number(row, "reserve1");
        const double q = test_support::number(row, "swap_amount");
        CHECK(relative_difference(pool.price_factor(q), ((y - expected) / (x + q)) / (y / x)) <=
              1e-14);
    }
}

TEST_CASE("constant_product: closed forms, fee, pool price, limits, integral identity") {
    const impact::constant_product pool{.base_reserve = 400, .quote_reserve = 8e5, .fee = 0.003};
    const double g = 0.997;
    // Selling 100 into x = 400: g q x / (x + g q), marginal g x^2 / (x + g q)^2.
    CHECK(pool.proceeds(100.0) == Approx(g * 100 * 400 / (400 + g * 100)).epsilon(1e-15));
    CHECK(pool.marginal_price(100.0) ==
          Approx(g * 400.0 * 400 / ((400 + g * 100) * (400 + g * 100))).epsilon(1e-15));
    CHECK(pool.marginal_price(0.0) == Approx(1 - 0.003).epsilon(1e-15));
    // price_factor is the pool's own price after the trade: reserves (x + q, y - out), the fee
    // kept in the pool (what an oracle reads). Before any trade it is the pool's price.
    const double out = pool.amount_out(100.0);
    CHECK(pool.price_factor(100.0) == Approx(((8e5 - out) / 500) / (8e5 / 400)).epsilon(1e-14));
    CHECK(pool.price_factor(0.0) == 1);
    CHECK(pool.pool_price_factor(100.0) == pool.price_factor(100.0)); // the former name
    // Above the marginal execution price by (x + g q) / (g (x + q)): 1/g at q = 0.
    CHECK(pool.price_factor(100.0) / pool.marginal_price(100.0) ==
          Approx((400 + g * 100) / (g * 500)).epsilon(1e-14));
    // Without fee the invariant holds and the pool price is the marginal price.
    const impact::constant_product plain{400, 8e5, 0};
    const double sold = 123.0;
    CHECK(relative_difference((400 + sold) * (8e5 - plain.amount_out(sold)), 400 * 8e5) < 1e-15);
    CHECK(relative_difference(plain.marginal_price(sold), plain.price_factor(sold)) < 1e-15);
    // Never runs dry: price -> 0 and proceeds -> x.
    CHECK(pool.price_factor(infinity) == 0);
    CHECK(pool.proceeds(infinity) == 400);
    CHECK(pool.amount_out(infinity) == 8e5);
    CHECK(pool.proceeds(1e30) == Approx(400).epsilon(1e-15));
    for (double q : {1e-8, 0.5, 100.0, 400.0, 1e4, 1e8})
        check_integral_identity(pool, q);
    check_nan_propagates(pool);
}

// ---------------------------------------------------------------------------------------------
// concentrated liquidity (Uniswap v3)
// ---------------------------------------------------------------------------------------------

TEST_CASE("concentrated_liquidity: Uniswap v3 SqrtPriceMath vectors to double precision") {
    using cl = impact::concentrated_liquidity;
    const double q96 = std::ldexp(1.0, 96);
    const auto rows = test_support::read_csv("uniswap_v3_sqrt_price_math.csv");
    REQUIRE(rows.size() == 10);
    for (const auto& row : rows) {
        const std::string function = row.at("function");
        const double sqrt_price = test_support::number(row, "sqrt_price_x96") / q96;
        const double liquidity = test_support::number(row, "liquidity");
        const double expected = test_support::number(row, "expected");
        double value = 0;
        if (function == "next_sqrt_price_from_input" || function == "next_sqrt_price_from_output") {
            const double amount = test_support::number(row, "amount");
            const bool zero_for_one = row.at("zero_for_one") == "1";
            const bool input = function == "next_sqrt_price_from_input";
            // zero_for_one: base (token0) in, or quote (token1) out; the price falls.
            const double next =
                input ? (zero_for_one
                             ? cl::next_sqrt_price_from_base_in(sqrt_price, liquidity, amount)
                             : cl::next_sqrt_price_from_quote_in(sqrt_price, liquidity, amount))
                      : (zero_for_one
                             ? cl::next_sqrt_price_from_quote_out(sqrt_price, liquidity, amount)
                             : cl::next_sqrt_price_from_base_out(sqrt_price, liquidity, amount));
            value = next * q96;
        } else {
            const double other = test_support::number(row, "sqrt_price_b_x96") / q96;
            value = function == "get_amount0_delta" ? cl::base_delta(sqrt_price, other, liquidity)
                                                    : cl::quote_delta(sqrt_price, other, liquidity);
        }
        INFO(row.at("case") << ": " << value << " vs " << row.at("expected"));
        CHECK(relative_difference(value, expected) <= 1e-15);
    }
}

namespace {

/// Where the liquidity below `price` changes, in quantity sold (fee included): the splitting
/// points for quadrature, from the positions directly.
std::vector<double> range_breaks(double price,
                                 const std::vector<impact::concentrated_liquidity::position>& ps,
                                 double fee) {
    std::vector<double> bounds{price};
    for (const auto& p : ps)
        for (double b : {p.lower_price, p.upper_price})
            if (b < price)
                bounds.push_back(b);
    std::sort(bounds.rbegin(), bounds.rend());
    std::vector<double> breaks;
    double base = 0;
    for (std::size_t j = 0; j + 1 < bounds.size(); ++j) {
        double l = 0;
        for (const auto& p : ps)
            if (p.lower_price <= bounds[j + 1] && p.upper_price >= bounds[j])
                l += p.liquidity;
        base += l * (1 / std::sqrt(bounds[j + 1]) - 1 / std::sqrt(bounds[j]));
        breaks.push_back(base / (1 - fee));
    }
    return breaks;
}

} // namespace

TEST_CASE("concentrated_liquidity: range by range, gaps, exhaustion, integral identity") {
    // Price 1; L = 10 on [0.25, 4) and L = 30 on [0.64, 1.21); a gap (0.09, 0.16) between
    // [0.16, 0.25) with L = 5 and [0.01, 0.09) with L = 2.
    const std::vector<impact::concentrated_liquidity::position> ps{
        {0.25, 4.0, 10.0}, {0.64, 1.21, 30.0}, {0.16, 0.25, 5.0}, {0.01, 0.09, 2.0}};
    const impact::concentrated_liquidity pool(1.0, ps);
    REQUIRE(pool.segments() == 4);
    // Segment sqrt prices 1 -> 0.8 (L 40), 0.8 -> 0.5 (L 10), 0.5 -> 0.4 (L 5), 0.3 -> 0.1 (L 2).
    const double base[] = {40 * (1 / 0.8 - 1), 10 * (1 / 0.5 - 1 / 0.8), 5 * (1 / 0.4 - 1 / 0.5),
                           2 * (1 / 0.1 - 1 / 0.3)};
    const double quote[] = {40 * 0.2, 10 * 0.3, 5 * 0.1, 2 * 0.2};
    const double capacity = base[0] + base[1] + base[2] + base[3];
    const double max_proceeds = quote[0] + quote[1] + quote[2] + quote[3];
    CHECK(pool.capacity() == Approx(capacity).epsilon(1e-15));
    CHECK(pool.max_proceeds() == Approx(max_proceeds).epsilon(1e-15));
    // At the end of each segment the price is the segment's bottom; the gap is crossed at once.
    CHECK(pool.price_factor(base[0] * (1 - 1e-12)) == Approx(0.64).epsilon(1e-11));
    CHECK(pool.price_factor(base[0] + base[1]) == Approx(0.25).epsilon(1e-15));
    CHECK(pool.price_factor(base[0] + base[1] + base[2]) == Approx(0.09).epsilon(1e-14));
    CHECK(pool.proceeds(base[0] + base[1]) == Approx(quote[0] + quote[1]).epsilon(1e-15));
    // Inside the first segment the step is v3's: sqrt price sp L / (L + dx sp).
    const double s = impact::concentrated_liquidity::next_sqrt_price_from_base_in(1.0, 40.0, 3.0);
    CHECK(pool.price_factor(3.0) == Approx(s * s).epsilon(1e-15));
    CHECK(pool.proceeds(3.0) ==
          Approx(impact::concentrated_liquidity::quote_delta(s, 1.0, 40.0)).epsilon(1e-14));
    // Exhausted: price 0, proceeds saturate, never negative.
    for (double q : {capacity, capacity * 1.5, 1e12, infinity}) {
        CHECK(pool.price_factor(q) == 0);
        CHECK(pool.proceeds(q) == Approx(max_proceeds).epsilon(1e-15));
    }
    const auto breaks = range_breaks(1.0, ps, 0.0);
    for (double q : {1e-6, 2.0, 5.0, 10.0, 14.0, 20.0, capacity * 0.999, capacity, 2 * capacity})
        check_integral_identity(pool, q, breaks);
    check_nan_propagates(pool);

    // With a fee: g of each unit moves the price, the fee stays outside the liquidity, so the
    // pool's price starts at 1 and the next unit fetches g times it.
    const impact::concentrated_liquidity feed(1.0, ps, 0.003);
    CHECK(feed.price_factor(0.0) == 1);
    CHECK(feed.marginal_price(0.0) == Approx(0.997).epsilon(1e-15));
    CHECK(feed.price_factor(7.0) == Approx(pool.price_factor(7.0 * 0.997)).epsilon(1e-15));
    CHECK(feed.marginal_price(7.0) == Approx(0.997 * feed.price_factor(7.0)).epsilon(1e-15));
    CHECK(feed.capacity() == Approx(capacity / 0.997).epsilon(1e-15));
    CHECK(feed.proceeds(7.0) == Approx(pool.proceeds(7.0 * 0.997)).epsilon(1e-15));
    for (double q : {0.5, 12.0, 19.0, feed.capacity()})
        check_integral_identity(feed, q, range_breaks(1.0, ps, 0.003));

    // The price sitting in a gap: the first unit executes at the next range's top.
    const impact::concentrated_liquidity above(6.25, ps);
    CHECK(above.price_factor(0.0) == Approx(4.0 / 6.25).epsilon(1e-15));
    // From 6.25 the walk adds 4 -> 1.21 with L = 10 and 1.21 -> 1 with L = 40.
    CHECK(above.capacity() ==
          Approx(capacity + 10 * (1 / 1.1 - 1 / 2.0) + 40 * (1 - 1 / 1.1)).epsilon(1e-15));

    // An empty pool is exhausted from the start.
    const impact::concentrated_liquidity empty(2.0, {});
    CHECK(empty.price_factor(0.0) == 0);
    CHECK(empty.proceeds(5.0) == 0);
}

TEST_CASE("concentrated_liquidity: one wide range is a constant-product pool") {
    // Within one range, v3 with liquidity L at sqrt price sp is v2 with virtual reserves
    // x = L / sp, y = L sp.
    const double price = 2500, l = 3e4, fee = 0.0005;
    const impact::concentrated_liquidity pool(price, {{1e-6, 1e9, l}}, fee);
    const impact::constant_product v2{l / std::sqrt(price), l * std::sqrt(price), fee};
    // The pool prices differ by where the fee goes: v2 adds it to its base reserve (the price
    // ends at x^2 / ((x + g q)(x + q))), v3 keeps it outside the liquidity (x^2 / (x + g q)^2,
    // a fee-free pool that received g q).
    const impact::constant_product v2_fee_free{v2.base_reserve, v2.quote_reserve, 0};
    for (double q : {1e-3, 1.0, 100.0, 599.0}) {
        CHECK(relative_difference(pool.marginal_price(q), v2.marginal_price(q)) < 1e-14);
        CHECK(relative_difference(pool.proceeds(q), v2.proceeds(q)) < 1e-14);
        CHECK(relative_difference(pool.price_factor(q), v2_fee_free.price_factor((1 - fee) * q)) <
              1e-14);
        CHECK(pool.price_factor(q) >= v2.price_factor(q)); // v2 holds the fee as base
    }
}

// ---------------------------------------------------------------------------------------------
// stableswap (Curve)
// ---------------------------------------------------------------------------------------------

namespace {

using ld = long double;

/// Curve's get_D iteration (Ann = A n^n in the whitepaper's A), in long double.
ld curve_get_d(ld a, ld x, ld y) {
    const ld ann = 4 * a, s = x + y;
    ld d = s;
    for (int i = 0; i < 255; ++i) {
        ld dp = d;
        dp = dp * d / (2 * x);
        dp = dp * d / (2 * y);
        const ld previous = d;
        d = (ann * s + dp * 2) * d / ((ann - 1) * d + 3 * dp);
        if (std::abs(d - previous) <= 1e-18L * d)
            break;
    }
    return d;
}

/// Curve's get_y iteration: y^2 + b y = c by Newton from y = D, in long double.
ld curve_get_y(ld a, ld x, ld d) {
    const ld ann = 4 * a;
    const ld c = d * d / (2 * x) * d / (2 * ann);
    const ld b = x + d / ann;
    ld y = d;
    for (int i = 0; i < 255; ++i) {
        const ld previous = y;
        y = (y * y + c) / (2 * y + b - d);
        if (std::abs(y - previous) <= 1e-18L * y)
            break;
    }
    return y;
}

/// |lhs - rhs| / max term of A n^n (x + y) + D = A D n^n + D^3 / (n^n x y), n = 2.
double invariant_residual(double a, double x, double y, double d) {
    const ld lhs = 4.0L * a * (x + y) + d;
    const ld rhs = 4.0L * a * d + ld(d) * d * d / (4.0L * x * y);
    const ld scale = std::max({4.0L * a * (x + y), 4.0L * a * d, ld(d) * d * d / (4.0L * x * y)});
    return static_cast<double>(std::abs(lhs - rhs) / scale);
}

} // namespace

TEST_CASE("stableswap: invariant to 1e-12, D and y against Curve's Newton iterations") {
    std::mt19937_64 rng(31337);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    double worst_d = 0, worst_y = 0, worst_invariant = 0;
    for (int trial = 0; trial < 300; ++trial) {
        const double a = std::exp(std::log(0.5) + unit(rng) * std::log(10000.0)); // 0.5..5000
        const double x = 1e6 * std::exp(2 * unit(rng) - 1);
        const double y = 1e6 * std::exp(2 * unit(rng) - 1);
        const impact::stableswap pool{a, x, y, 0.0004};
        const double d = pool.invariant();
        worst_d = std::max(worst_d, relative_difference(d, double(curve_get_d(a, x, y))));
        worst_invariant = std::max(worst_invariant, invariant_residual(a, x, y, d));
        for (double q : {1e-3, 10.0, 1e4, 1e6, 1e8}) {
            const double y1 = pool.quote_for(x + q, d);
            worst_y = std::max(worst_y, relative_difference(y1, double(curve_get_y(a, x + q, d))));
            worst_invariant = std::max(worst_invariant, invariant_residual(a, x + q, y1, d));
        }
    }
    INFO("D " << worst_d << ", y " << worst_y << ", invariant " << worst_invariant);
    CHECK(worst_d < 1e-14);
    CHECK(worst_y < 1e-13);
    CHECK(worst_invariant < 1e-12);
}

TEST_CASE("stableswap: pegged pricing, fee, limits, integral identity") {
    const impact::stableswap balanced{
        .amplification = 200, .base_reserve = 1e6, .quote_reserve = 1e6, .fee = 0.0004};
    // At balance the price is the peg; small sales pay only the fee.
    CHECK(balanced.price_factor(0.0) == Approx(1).epsilon(1e-15));
    CHECK(balanced.marginal_price(0.0) == Approx(0.9996).epsilon(1e-15));
    CHECK(balanced.marginal_price(1e4) > 0.9996 * 0.9999);
    CHECK(balanced.marginal_price(1e4) ==
          Approx(0.9996 * balanced.price_factor(1e4)).epsilon(1e-15));
    // proceeds = (1 - f)(y0 - y(x0 + q)) / m0, against the difference of two Curve get_y
    // results (a large q, so the difference keeps its digits).
    const double d = balanced.invariant();
    const double q = 5e5;
    const ld expected = 0.9996L * (curve_get_y(200, 1e6, d) - curve_get_y(200, 1e6 + q, d));
    CHECK(relative_difference(balanced.proceeds(q), double(expected)) < 1e-12);
    // Small q: y0 - y1 computed without cancellation (compare with the marginal price).
    CHECK(relative_difference(balanced.proceeds(1e-6), 1e-6 * balanced.marginal_price(5e-7)) <
          1e-12);
    // A -> 0 is a constant-product pool (compared without fee: Curve charges it on the
    // output, Uniswap on the input).
    const impact::stableswap flat{1e-9, 500, 1500, 0};
    const impact::constant_product v2{500, 1500, 0};
    for (double s : {1.0, 100.0, 1e4})
        CHECK(relative_difference(flat.proceeds(s), v2.proceeds(s)) < 1e-6);
    // Never runs dry: price -> 0, proceeds -> (1 - f) y0 / m0.
    const impact::stableswap skewed{50, 3e5, 7e5, 0.001};
    CHECK(skewed.price_factor(infinity) == 0);
    const double limit = skewed.proceeds(infinity);
    CHECK(std::isfinite(limit));
    CHECK(skewed.proceeds(1e20) == Approx(limit).epsilon(1e-9));
    CHECK(skewed.price_factor(1e12) >= 0);
    for (const auto& pool : {balanced, flat, skewed})
        for (double s : {1e-4, 10.0, 1e3, 2e5, 1e6, 5e6})
            check_integral_identity(pool, s);
    check_nan_propagates(skewed);
}

// ---------------------------------------------------------------------------------------------
// order book
// ---------------------------------------------------------------------------------------------

namespace {

/// Naive walk of a bid ladder: quote received for selling q (levels in any order).
double naive_walk(std::vector<impact::order_book::level> bids, double q) {
    std::sort(bids.begin(), bids.end(), [](auto a, auto b) { return a.price > b.price; });
    double received = 0;
    for (const auto& l : bids) {
        const double take = std::min(q, l.size);
        received += take * l.price;
        q -= take;
    }
    return received;
}

} // namespace

TEST_CASE("order_book: level by level, exhaustion, reference price, integral identity") {
    const std::vector<impact::order_book::level> bids{{99.0, 5}, {100.0, 2}, {97.5, 10},
                                                      {99.0, 1}, {95.0, 0},  {90.0, 4}};
    const impact::order_book book(bids);
    CHECK(book.levels() == 4); // 99 merged, the empty level dropped
    CHECK(book.reference() == 100);
    CHECK(book.depth() == 22);
    CHECK(book.notional() == Approx(naive_walk(bids, 1e9)).epsilon(1e-15));
    CHECK(book.price_factor(0.0) == 1);
    CHECK(book.price_factor(1.999) == 1);
    CHECK(book.price_factor(2.0) == 0.99); // right-continuous: the next unit's price
    CHECK(book.price_factor(8.0) == 0.975);
    CHECK(book.price_factor(21.0) == 0.9);
    for (double q : {0.0, 1.0, 2.0, 3.5, 8.0, 12.25, 18.0, 21.9, 22.0})
        CHECK(book.proceeds(q) == Approx(naive_walk(bids, q) / 100).epsilon(1e-15));
    // Beyond the depth nothing more is bought: price 0, proceeds saturated.
    for (double q : {22.0, 23.0, 1e9, infinity}) {
        CHECK(book.price_factor(q) == 0);
        CHECK(book.proceeds(q) == Approx(book.notional() / 100).epsilon(1e-15));
    }
    for (double q : {0.5, 2.0, 7.5, 17.0, 22.0, 30.0})
        check_integral_identity(book, q, {2.0, 8.0, 18.0, 22.0});
    check_nan_propagates(book);

    // Relative to a mid of 100.5: price_factor(0) is the half-spread.
    const impact::order_book mid(bids, 100.5);
    CHECK(mid.price_factor(0.0) == Approx(100 / 100.5).epsilon(1e-15));
    CHECK(mid.proceeds(10.0) == Approx(naive_walk(bids, 10) / 100.5).epsilon(1e-15));

    const impact::order_book empty;
    CHECK(empty.price_factor(0.0) == 0);
    CHECK(empty.proceeds(3.0) == 0);
}

// ---------------------------------------------------------------------------------------------
// combinators
// ---------------------------------------------------------------------------------------------

TEST_CASE("scaled_depth: k times the depth is k times the reserves or sizes") {
    const impact::constant_product pool{400, 8e5, 0.003};
    const impact::scaled_depth thin{pool, 0.25};
    const impact::constant_product quarter{100, 2e5, 0.003};
    for (double q : {0.1, 10.0, 100.0, 1e4}) {
        CHECK(relative_difference(thin.price_factor(q), quarter.price_factor(q)) < 1e-15);
        CHECK(relative_difference(thin.proceeds(q), quarter.proceeds(q)) < 1e-15);
        check_integral_identity(thin, q);
    }
    const std::vector<impact::order_book::level> bids{{10, 3}, {9, 4}, {7, 10}};
    const impact::scaled_depth deep{impact::order_book(bids), 3.0};
    const impact::order_book tripled({{10, 9}, {9, 12}, {7, 30}});
    for (double q : {1.0, 9.0, 15.0, 40.0, 60.0}) {
        CHECK(deep.price_factor(q) == tripled.price_factor(q));
        CHECK(relative_difference(deep.proceeds(q), tripled.proceeds(q)) < 1e-15);
    }
    check_integral_identity(deep, 45.0, {9.0, 21.0, 51.0});
    CHECK(impact::scaled_depth{impact::linear{0.1}, 1.0}.proceeds(3.0) ==
          impact::linear{0.1}.proceeds(3.0));
}

TEST_CASE("resilient: displaced volume decays as exp(-rho dt) between trades") {
    // Linear impact, trade q1, wait dt, trade q2: with D = q1 exp(-rho dt) the second trade
    // receives q2 - lambda (D q2 + q2^2 / 2) (Obizhaeva-Wang with a linear book).
    const double lambda = 0.01, rho = 0.7, q1 = 20, dt = 1.3, q2 = 15;
    impact::resilient r{impact::linear{lambda}, rho};
    CHECK(r.trade(q1) == Approx(q1 - lambda * q1 * q1 / 2).epsilon(1e-15));
    CHECK(r.displaced == q1);
    r.decay(dt);
    const double d = q1 * std::exp(-rho * dt);
    CHECK(r.displaced == Approx(d).epsilon(1e-15));
    CHECK(r.price_factor(0.0) == Approx(1 - lambda * d).epsilon(1e-15));
    check_integral_identity(r, q2);
    CHECK(r.trade(q2) == Approx(q2 - lambda * (d * q2 + q2 * q2 / 2)).epsilon(1e-14));

    // rho = 0: impact is permanent, the trades add up to one sale of the total.
    impact::resilient permanent{impact::exponential{0.02}, 0.0};
    double total = 0;
    for (double q : {3.0, 7.0, 11.0}) {
        total += permanent.trade(q);
        permanent.decay(5.0);
    }
    CHECK(total == Approx(impact::exponential{0.02}.proceeds(21.0)).epsilon(1e-14));

    // Full recovery: after a long wait the curve is fresh again.
    impact::resilient fast{impact::constant_product{100, 100, 0}, 2.0};
    fast.trade(50.0);
    fast.decay(100.0);
    CHECK(fast.displaced < 1e-80);
    CHECK(fast.proceeds(10.0) == Approx(impact::constant_product{100, 100, 0}.proceeds(10.0)));

    // Faster liquidation (shorter waits) receives less for the same total.
    auto liquidate = [](double wait) {
        impact::resilient book{impact::square_root{.sigma = 0.05, .volume = 1e4}, 1.0};
        double received = 0;
        for (int i = 0; i < 10; ++i) {
            received += book.trade(200.0);
            book.decay(wait);
        }
        return received;
    };
    CHECK(liquidate(0.01) < liquidate(0.1));
    CHECK(liquidate(0.1) < liquidate(1.0));
}

// ---------------------------------------------------------------------------------------------
// properties over generated inputs
// ---------------------------------------------------------------------------------------------

TEST_CASE("properties over generated curves: monotone price in [0, 1], concave proceeds") {
    std::mt19937_64 rng(20240611);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    auto log_uniform = [&](double lo, double hi) {
        return lo * std::exp(std::log(hi / lo) * unit(rng));
    };
    for (int trial = 0; trial < 40; ++trial) {
        INFO("trial " << trial);
        {
            const impact::linear c{log_uniform(1e-4, 1)};
            check_properties(c, grid(1e-3 / c.lambda, 3 / c.lambda, 60), 1 / c.lambda);
        }
        {
            const impact::exponential c{log_uniform(1e-4, 1)};
            check_properties(c, grid(1e-4 / c.alpha, 30 / c.alpha, 60));
        }
        {
            const impact::square_root c{log_uniform(0.005, 0.2), log_uniform(1e2, 1e7),
                                        log_uniform(0.3, 2)};
            const double star = 1 / (c.coefficient() * c.coefficient());
            check_properties(c, grid(1e-6 * star, 3 * star, 60), star);
        }
        {
            const impact::power_law c{log_uniform(0.01, 2), log_uniform(1, 1e6),
                                      log_uniform(0.2, 3)};
            const double star = c.volume * std::pow(1 / c.eta, 1 / c.exponent);
            check_properties(c, grid(1e-6 * star, 3 * star, 60), star);
        }
        {
            const double x = log_uniform(1, 1e7);
            const impact::constant_product c{x, x * log_uniform(1e-3, 1e4), 0.01 * unit(rng)};
            check_properties(c, grid(1e-6 * x, 1e3 * x, 60));
        }
        {
            const double x = log_uniform(1e3, 1e8);
            const impact::stableswap c{log_uniform(1, 5000), x, x * log_uniform(0.5, 2),
                                       0.004 * unit(rng)};
            check_properties(c, grid(1e-6 * x, 1e3 * x, 60));
        }
        {
            std::vector<impact::order_book::level> bids;
            const int n = 1 + static_cast<int>(unit(rng) * 30);
            for (int i = 0; i < n; ++i)
                bids.push_back({log_uniform(50, 100), log_uniform(0.1, 100)});
            const impact::order_book c(bids);
            check_properties(c, grid(1e-3, 1.5 * c.depth(), 80), c.depth());
        }
        {
            std::vector<impact::concentrated_liquidity::position> ps;
            const int n = 1 + static_cast<int>(unit(rng) * 6);
            for (int i = 0; i < n; ++i) {
                const double lo = log_uniform(0.05, 1.5);
                ps.push_back({lo, lo * log_uniform(1.01, 10), log_uniform(1, 1e4)});
            }
            const impact::concentrated_liquidity c(1.0, ps, 0.003 * unit(rng));
            if (c.segments() > 0)
                check_properties(c, grid(1e-6 * c.capacity(), 1.5 * c.capacity(), 80),
                                 c.capacity());
        }
        {
            const impact::scaled_depth c{impact::exponential{log_uniform(1e-3, 1)},
                                         log_uniform(0.01, 100)};
            check_properties(c, grid(1e-4, 1e5, 60));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// validation and noexcept
// ---------------------------------------------------------------------------------------------

TEST_CASE("validate: bad parameters are rejected with the field named") {
    CHECK(invalid_message([] {
              impact::constant_product{100, 100, 1.5}.validate();
          }) == "spiral: impact::constant_product: fee = 1.5 (must be in [0, 1))");
    CHECK(invalid_message([] {
              impact::constant_product{-1, 100, 0}.validate();
          }) == "spiral: impact::constant_product: base_reserve = -1 (must be finite and > 0)");
    CHECK_THAT(invalid_message([] {
                   impact::constant_product{1, quiet_nan, 0}.validate();
               }),
               Catch::Contains("quote_reserve = nan"));
    CHECK_THAT(invalid_message([] { impact::linear{-0.1}.validate(); }),
               Catch::Contains("impact::linear: lambda = -0.1"));
    CHECK_THAT(invalid_message([] { impact::linear{quiet_nan}.validate(); }),
               Catch::Contains("lambda = nan"));
    CHECK_THAT(invalid_message([] { impact::exponential{infinity}.validate(); }),
               Catch::Contains("impact::exponential: alpha = inf"));
    CHECK_THAT(invalid_message([] {
                   impact::square_root{0.02, 0, 1}.validate();
               }),
               Catch::Contains("impact::square_root: volume = 0"));
    CHECK_THAT(invalid_message([] {
                   impact::square_root{-0.02, 10, 1}.validate();
               }),
               Catch::Contains("sigma = -0.02"));
    CHECK_THAT(invalid_message([] {
                   impact::power_law{0.1, 10, 0}.validate();
               }),
               Catch::Contains("impact::power_law: exponent = 0"));
    CHECK_THAT(invalid_message([] {
                   impact::stableswap{-5, 1, 1, 0}.validate();
               }),
               Catch::Contains("impact::stableswap: amplification = -5"));
    CHECK_THAT(invalid_message([] {
                   impact::stableswap{5, 1, 1, -0.1}.validate();
               }),
               Catch::Contains("fee = -0.1"));
    CHECK_THAT(invalid_message([] {
                   impact::order_book({{10, 1}, {-3, 2}});
               }),
               Catch::Contains("impact::order_book: bids[1].price = -3"));
    CHECK_THAT(invalid_message([] {
                   impact::order_book({{10, quiet_nan}});
               }),
               Catch::Contains("bids[0].size = nan"));
    CHECK_THAT(invalid_message([] {
                   impact::order_book({{10, 1}}, 9.0);
               }),
               Catch::Contains("reference = 9"));
    CHECK_THAT(invalid_message([] {
                   impact::concentrated_liquidity(1.0, {{2, 1, 5}});
               }),
               Catch::Contains("impact::concentrated_liquidity: positions[0].upper_price = 1"));
    CHECK_THAT(invalid_message([] {
                   impact::concentrated_liquidity(1.0, {{0.5, 2, -1}});
               }),
               Catch::Contains("positions[0].liquidity = -1"));
    CHECK_THAT(invalid_message([] { impact::concentrated_liquidity(-1.0, {}); }),
               Catch::Contains("price = -1"));
    CHECK_THAT(invalid_message([] { impact::concentrated_liquidity(1.0, {}, 1.0); }),
               Catch::Contains("fee = 1"));
    CHECK_THAT(invalid_message([] {
                   impact::scaled_depth{impact::linear{0.1}, -2.0}.validate();
               }),
               Catch::Contains("impact::scaled_depth: depth = -2"));
    CHECK_THAT(invalid_message([] {
                   impact::scaled_depth{impact::constant_product{1, 1, 2}, 2.0}.validate();
               }),
               Catch::Contains("fee = 2"));
    CHECK_THAT(invalid_message([] {
                   impact::resilient{impact::linear{0.1}, -1.0}.validate();
               }),
               Catch::Contains("impact::resilient: rho = -1"));
    // Good parameters pass.
    CHECK_NOTHROW(impact::constant_product{1, 2, 0}.validate());
    CHECK_NOTHROW(impact::power_law::three_fifths(0.02, 1e6).validate());
    CHECK_NOTHROW(impact::resilient{impact::order_book({{1, 1}}), 0.5}.validate());
    // The exception is also a std::invalid_argument.
    CHECK_THROWS_AS(impact::linear{-1}.validate(), std::invalid_argument);
}

TEST_CASE("kernels are noexcept and satisfy impact_curve for float and double") {
    STATIC_REQUIRE(noexcept(impact::linear{}.proceeds(1.0)));
    STATIC_REQUIRE(noexcept(impact::stableswap{}.price_factor(1.0)));
    STATIC_REQUIRE(noexcept(std::declval<const impact::order_book&>().proceeds(1.0)));
    STATIC_REQUIRE(
        noexcept(std::declval<const impact::concentrated_liquidity&>().price_factor(1.0)));
    STATIC_REQUIRE(spiral::impact_curve<impact::order_book, double>);
    STATIC_REQUIRE(spiral::impact_curve<impact::concentrated_liquidity, float>);
    STATIC_REQUIRE(spiral::impact_curve<impact::resilient<impact::stableswap>, double>);
    STATIC_REQUIRE(spiral::impact_curve<impact::scaled_depth<impact::power_law>, float>);
    // float instantiations agree with double to float precision.
    const impact::constant_product pool{400, 8e5, 0.003};
    CHECK(pool.proceeds(100.0f) == Approx(pool.proceeds(100.0)).epsilon(1e-6));
    const impact::power_law law{0.3, 50, 0.6};
    CHECK(law.price_factor(20.0f) == Approx(law.price_factor(20.0)).epsilon(1e-6));
    const impact::order_book book({{10, 3}, {9, 4}});
    CHECK(book.proceeds(5.0f) == Approx(book.proceeds(5.0)).epsilon(1e-6));
}

} // namespace unit_tests_impact_curves
