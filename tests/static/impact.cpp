// Compile-time proofs for the impact curves: the concept accepts them, the kernels are
// noexcept, and the curves evaluate in constant expressions with the right values (closed
// forms worked by hand). Compiling this file is the test.
#include <spiral/impact/impact.hpp>

#include <type_traits>

namespace {

namespace impact = spiral::impact;

constexpr bool near(double a, double b, double tolerance) {
    return (a - b <= tolerance) && (b - a <= tolerance);
}

// Every curve is an impact_curve for double and float; the aggregates stay aggregates.
static_assert(spiral::impact_curve<impact::linear, double>);
static_assert(spiral::impact_curve<impact::exponential, float>);
static_assert(spiral::impact_curve<impact::square_root, double>);
static_assert(spiral::impact_curve<impact::power_law, double>);
static_assert(spiral::impact_curve<impact::constant_product, float>);
static_assert(spiral::impact_curve<impact::stableswap, double>);
static_assert(spiral::impact_curve<impact::concentrated_liquidity, double>);
static_assert(spiral::impact_curve<impact::order_book, double>);
static_assert(spiral::impact_curve<impact::scaled_depth<impact::constant_product>, double>);
static_assert(spiral::impact_curve<impact::resilient<impact::order_book>, double>);
static_assert(!spiral::impact_curve<impact::almgren_chriss, double>);
static_assert(std::is_aggregate_v<impact::linear> && std::is_aggregate_v<impact::stableswap>);
static_assert(std::is_aggregate_v<impact::constant_product> &&
              std::is_trivially_copyable_v<impact::constant_product>);
static_assert(std::is_aggregate_v<impact::scaled_depth<impact::linear>> &&
              std::is_aggregate_v<impact::resilient<impact::linear>>);
static_assert(
    noexcept(impact::power_law{}.proceeds(1.0)) && noexcept(impact::stableswap{}.price_factor(
        1.0f)) && noexcept(std::declval<const impact::order_book&>().proceeds(1.0)));

// linear: lambda = 1/8 (exact); at q = 4: price 1/2, proceeds 4 - 1 = 3; beyond 1/lambda = 8
// proceeds saturate at 1 / (2 lambda) = 4 and the price is 0.
constexpr impact::linear kyle{0.125};
static_assert(kyle.price_factor(4.0) == 0.5 && kyle.proceeds(4.0) == 3.0);
static_assert(kyle.price_factor(100.0) == 0.0 && kyle.proceeds(100.0) == 4.0);

// exponential: alpha = ln 2 / 10 halves the price every 10 units; proceeds(10) = 5 / alpha.
constexpr impact::exponential cfs{0.069314718055994531};
static_assert(near(cfs.price_factor(10.0), 0.5, 1e-15));
static_assert(near(cfs.proceeds(10.0), 0.5 / 0.069314718055994531, 1e-13));
static_assert(near(cfs.proceeds(1e-9), 1e-9 * (1 - 0.5 * 0.069314718055994531e-9), 1e-24));
// average price over 10 units: (1 - 1/2) / (alpha 10) = 0.5 / ln 2; over nothing, 1.
static_assert(near(cfs.average_price(10.0), 0.72134752044448170368, 1e-15));
static_assert(cfs.average_price(0.0) == 1.0 && impact::exponential{0}.average_price(3.0) == 1.0);
static_assert(near(spiral::average_price(kyle, 4.0), 0.75, 1e-16));

// square root: Y sigma / sqrt(V) = 1 * 0.05 / 100 = 1/2000; at q = 10^4 the price is 0.95
// and proceeds 10^4 - (2/3)(1/2000) 10^6 = 10^4 - 1000/3; exhausted at q* = 4e6.
constexpr impact::square_root root{.sigma = 0.05, .volume = 1e4};
static_assert(near(root.price_factor(1e4), 0.95, 1e-15));
static_assert(near(root.proceeds(1e4), 1e4 - 1000.0 / 3, 1e-10));
static_assert(root.price_factor(5e6) == 0.0 && near(root.proceeds(5e6), 4e6 / 3, 1e-6));

// power law 3/5: at q = V / 32, (1/32)^(3/5) = 1/8.
constexpr auto atl = impact::power_law::three_fifths(0.02, 3.2e7);
static_assert(near(atl.price_factor(1e6), 1 - 0.142 * 0.02 / 8, 1e-15));

// constant product: x = 400, y = 8e5, no fee, sell 100: out = 100 * 8e5 / 500 = 160000,
// proceeds = out / (y / x) = 80, price factor (400 / 500)^2 = 0.64.
constexpr impact::constant_product pool{.base_reserve = 400, .quote_reserve = 8e5};
static_assert(pool.amount_out(100.0) == 160000.0 && pool.proceeds(100.0) == 80.0);
static_assert(near(pool.price_factor(100.0), 0.64, 2e-16));
// With a fee the pool's price starts at 1 and the next unit fetches 1 - fee of it.
static_assert(impact::constant_product{400, 8e5, 0.003}.price_factor(0.0) == 1.0);
static_assert(near(impact::constant_product{400, 8e5, 0.003}.marginal_price(0.0), 0.997, 1e-16));
static_assert(near(spiral::marginal_price(impact::constant_product{400, 8e5, 0.003}, 0.0), 0.997,
                   1e-16));

// stableswap: a balanced pool sits at the peg; the invariant's D is x + y there.
constexpr impact::stableswap curve{
    .amplification = 100, .base_reserve = 5e5, .quote_reserve = 5e5, .fee = 0.0004};
static_assert(near(curve.invariant(), 1e6, 1e-9));
static_assert(near(curve.price_factor(0.0), 1.0, 1e-15));
static_assert(near(curve.marginal_price(0.0), 0.9996, 1e-15));
static_assert(curve.proceeds(1e3) > 0.9995 * 1e3 && curve.proceeds(1e3) < 0.9996 * 1e3);

// combinators: half the depth of the pool above is the pool with half the reserves.
constexpr impact::scaled_depth half{pool, 0.5};
static_assert(near(half.proceeds(100.0), impact::constant_product{200, 4e5, 0}.proceeds(100.0),
                   1e-13));
static_assert([] {
    impact::resilient book{impact::linear{0.125}, 0.0};
    const double first = book.trade(2.0);  // 2 - 0.25
    const double second = book.trade(2.0); // from 2 to 4: 2 - (16 - 4) / 16
    return first == 1.75 && second == 1.25 && book.price_factor(0.0) == 0.5;
}());

// run-time data curves also evaluate at compile time (transient allocation).
static_assert([] {
    const impact::order_book book({{99.0, 2.0}, {100.0, 1.0}, {98.0, 4.0}});
    return book.depth() == 7.0 && book.price_factor(1.5) == 0.99 &&
           near(book.proceeds(4.0), (100 + 2 * 99 + 98) / 100.0, 1e-15) &&
           book.price_factor(7.0) == 0.0;
}());
static_assert([] {
    // price 1, L = 10 on [0.25, 4): selling takes the sqrt price from 1 to 0.5 for
    // 10 (1/0.5 - 1) = 10 units of base and pays 10 (1 - 0.5) = 5.
    const impact::concentrated_liquidity cl(1.0, {{0.25, 4.0, 10.0}});
    return near(cl.capacity(), 10.0, 1e-14) && near(cl.max_proceeds(), 5.0, 1e-14) &&
           cl.price_factor(10.0) == 0.0 && near(cl.price_factor(5.0), 1.0 / 2.25, 1e-15);
}());

} // namespace
