// Implied standard deviation of Black-76 (spiral::implied_stddev) and the Black–Scholes
// implied vol built on it:
//   - round trip s -> price -> s over a dense grid (|ln(F/K)| <= 8, s from 1e-3 to 8, calls
//     and puts), prices from a long double Black formula written here;
//   - against a 50-digit oracle: the exact s of a double price, found by bisection in 50
//     digits (Boost.Multiprecision, support/oracle.hpp);
//   - robustness: random prices anywhere between the bounds, down to 1e-300 of the forward;
//   - NaN outside the bounds and for invalid inputs, 0 at the intrinsic value, float,
//     constant evaluation.
//
// Tolerances. The solver's own error is claimed below 1e-14 s (measured: under 1e-14 with
// discount 0.9, about 3e-15 with discount 1). On top, what rounding the inputs explains: the
// time value the solver sees, price - D (F - K), carries the rounding of the price, of F - K
// and of D (F - K), each up to u * price (u = 2^-53), and moves s by that / vega, vega =
// d price / d s: 4 u price / vega in all. The long double reference price moves s by about
// u_L (1 + |x|/s) (u_L = 2^-64, from rounding d1 and d2). Where vega is so small that s is not
// determined, the test also checks that the s found reproduces the price.
#include <spiral/options/black.hpp>
#include <spiral/options/black_scholes.hpp>
#include <spiral/options/implied_vol.hpp>

#include "../support/oracle.hpp"

#include "support/black76_reference.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace unit_tests_implied_vol {

namespace {

using spiral::option_type;
constexpr double u = 0x1p-53;                  // unit roundoff of double
constexpr double unit_roundoff_long = 0x1p-64; // of x87 long double
constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();
constexpr double infinity = std::numeric_limits<double>::infinity();
constexpr double solver_relative = 1e-14; // the accuracy claimed in docs/implied_vol.md

using test_support::black76_price;
using test_support::black76_vega;

double intrinsic(option_type type, double f, double k, double d) {
    return d * std::max(type == option_type::call ? f - k : k - f, 0.0);
}

double limit(option_type type, double f, double k, double d) {
    return d * (type == option_type::call ? f : k);
}

// 50-digit Black-76 and the s that reproduces a price exactly (bisection on [0, 64]).
oracle::real black50(option_type type, const oracle::real& f, const oracle::real& k,
                     const oracle::real& s, const oracle::real& d) {
    const oracle::real d1 = log(f / k) / s + s / 2;
    const oracle::real d2 = d1 - s;
    return type == option_type::call ? d * (f * oracle::norm_cdf(d1) - k * oracle::norm_cdf(d2))
                                     : d * (k * oracle::norm_cdf(-d2) - f * oracle::norm_cdf(-d1));
}

oracle::real implied50(option_type type, double price, double f, double k, double d) {
    oracle::real lo = 0, hi = 64;
    for (int i = 0; i < 180; ++i) { // 64 / 2^180: far below the 50 digits needed
        const oracle::real mid = (lo + hi) / 2;
        (black50(type, f, k, mid, d) < oracle::real(price) ? lo : hi) = mid;
    }
    return (lo + hi) / 2;
}

} // namespace

TEST_CASE("implied_vol: round trip over |x| <= 8, s in [1e-3, 8], calls and puts") {
    const double forward = 100, discount = 0.9;
    double worst = 0, worst_determined = 0; // error / tolerance; relative error where determined
    std::size_t solved = 0, undetermined = 0;
    for (int i = 0; i <= 320; ++i) {
        const double x = -8 + 0.05 * i;
        const double strike = forward * std::exp(-x);
        for (int j = 0; j <= 180; ++j) {
            const double s = 1e-3 * std::pow(8000.0, j / 180.0);
            for (option_type type : {option_type::call, option_type::put}) {
                const double price =
                    static_cast<double>(black76_price(type, forward, strike, s, discount));
                // No time value left in double, or a price too small to carry 15 digits.
                if (!(price > intrinsic(type, forward, strike, discount)) ||
                    price < 1e-290 * forward)
                    continue;
                const double found = spiral::implied_stddev(type, price, forward, strike, discount);
                const double vega = black76_vega(forward, strike, s, discount);
                const double from_price = 4 * u * price / vega;
                const double tolerance = solver_relative * s + from_price +
                                         4 * unit_roundoff_long * (1 + std::abs(x) / s);
                INFO("type " << (type == option_type::call ? "call" : "put") << " x " << x << " s "
                             << s << " price " << price << " found " << found);
                REQUIRE(std::isfinite(found));
                const double error = std::abs(found - s);
                worst = std::max(worst, error / tolerance);
                ++solved;
                if (from_price < 1e-15 * s)
                    worst_determined = std::max(worst_determined, error / s);
                if (from_price > 1e-6 * s) {
                    // s barely moves the price: check that the s found reproduces it.
                    ++undetermined;
                    const double repriced =
                        static_cast<double>(black76_price(type, forward, strike, found, discount));
                    CHECK(std::abs(repriced - price) <= 8 * u * price);
                }
            }
        }
    }
    INFO("solved " << solved << ", worst error / tolerance " << worst
                   << ", worst relative error where the price determines s to 1e-15: "
                   << worst_determined << ", price-insensitive points " << undetermined);
    CHECK(worst <= 1.0);
    CHECK(worst_determined <= solver_relative);
    CHECK(solved > 50000);
}

TEST_CASE("implied_vol: within 4e-15 of the exact s of a double price (50-digit oracle)") {
    struct oracle_case {
        option_type type;
        double forward, strike, s, discount;
    };
    // At the money with s = 1e-3; near the money; deep out of the money down to a price of
    // 1e-200 of the forward; in the money (F - K and D (F - K) exact, so the intrinsic value is
    // the oracle's); large s near the upper limit; puts.
    const oracle_case cases[] = {
        {option_type::call, 100, 100, 1e-3, 1},
        {option_type::put, 100, 100.01, 0.004, 0.97},
        {option_type::call, 100, 100 * std::exp(8.0), 0.5, 1},
        {option_type::put, 100, 100 * std::exp(-8.0), 2.0, 0.8},
        {option_type::call, 1, std::exp(3.0), 0.1, 1},
        {option_type::call, 100, 70, 0.05, 0.5},
        {option_type::put, 100, 150, 0.3, 1},
        {option_type::call, 100, 80, 7.5, 1},
        {option_type::put, 50, 45, 1.2, 0.9},
    };
    for (const auto& c : cases) {
        const double price =
            static_cast<double>(black50(c.type, c.forward, c.strike, c.s, c.discount));
        const double exact =
            static_cast<double>(implied50(c.type, price, c.forward, c.strike, c.discount));
        const double found = spiral::implied_stddev(c.type, price, c.forward, c.strike, c.discount);
        INFO("F " << c.forward << " K " << c.strike << " s " << c.s << " D " << c.discount
                  << " price " << price << " exact s " << exact << " found " << found);
        CHECK(std::abs(found - exact) <= 4e-15 * exact); // measured: within about 1 ulp
    }
}

TEST_CASE("implied_vol: any price between the bounds gives an s that reproduces it") {
    // Prices drawn log-uniformly between 1e-300 of the largest time value and just below it,
    // for log-moneyness up to 12 and discounts 0.5..1: no divergence, no NaN, the price back.
    std::mt19937_64 rng(20240612);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    for (int i = 0; i < 20000; ++i) {
        const option_type type = unit(rng) < 0.5 ? option_type::call : option_type::put;
        const double forward = std::exp(-5 + 10 * unit(rng));
        const double strike = forward * std::exp(-12 + 24 * unit(rng));
        const double discount = 0.5 + 0.5 * unit(rng);
        const double low = intrinsic(type, forward, strike, discount);
        const double high = limit(type, forward, strike, discount);
        const double fraction = std::pow(10.0, -300 * std::pow(unit(rng), 3));
        const double price = low + (high - low) * fraction * (1 - 1e-15);
        if (!(price > low && price < high))
            continue;
        const double found = spiral::implied_stddev(type, price, forward, strike, discount);
        INFO("type " << (type == option_type::call ? "call" : "put") << " F " << forward << " K "
                     << strike << " D " << discount << " price " << price << " found " << found);
        REQUIRE(std::isfinite(found));
        REQUIRE(found > 0);
        const double repriced =
            static_cast<double>(black76_price(type, forward, strike, found, discount));
        const double vega = black76_vega(forward, strike, found, discount);
        CHECK(std::abs(repriced - price) <= 1e-12 * price + 1e-13 * found * vega);
    }
}

TEST_CASE("implied_vol: NaN where no s exists or an input is invalid") {
    const double f = 100, k = 110, d = 0.95;
    for (option_type type : {option_type::call, option_type::put}) {
        const double low = intrinsic(type, f, k, d);
        const double high = limit(type, f, k, d);
        const double mid = static_cast<double>(black76_price(type, f, k, 0.3, d));
        CHECK(std::isnan(spiral::implied_stddev(type, std::nextafter(low, -infinity), f, k, d)));
        CHECK(std::isnan(spiral::implied_stddev(type, -1.0, f, k, d)));
        CHECK(std::isnan(spiral::implied_stddev(type, high, f, k, d)));
        CHECK(std::isnan(spiral::implied_stddev(type, 2 * high, f, k, d)));
        CHECK(std::isfinite(spiral::implied_stddev(type, std::nextafter(high, 0.0), f, k, d)));
        for (double bad : {not_a_number, infinity, -infinity}) {
            CHECK(std::isnan(spiral::implied_stddev(type, bad, f, k, d)));
            CHECK(std::isnan(spiral::implied_stddev(type, mid, bad, k, d)));
            CHECK(std::isnan(spiral::implied_stddev(type, mid, f, bad, d)));
            CHECK(std::isnan(spiral::implied_stddev(type, mid, f, k, bad)));
        }
        for (double bad : {0.0, -1.0}) {
            CHECK(std::isnan(spiral::implied_stddev(type, mid, bad, k, d)));
            CHECK(std::isnan(spiral::implied_stddev(type, mid, f, bad, d)));
            CHECK(std::isnan(spiral::implied_stddev(type, mid, f, k, bad)));
        }
    }
}

TEST_CASE("implied_vol: zero at the intrinsic value, limits at the bounds") {
    for (option_type type : {option_type::call, option_type::put})
        for (double k : {50.0, 99.0, 100.0, 101.0, 200.0}) {
            const double f = 100, d = 0.9;
            CHECK(spiral::implied_stddev(type, intrinsic(type, f, k, d), f, k, d) == 0.0);
            // One ulp above the intrinsic value: the s of a time value of one ulp, small
            // (0 at the money, where that s is below the least subnormal).
            const double above = std::nextafter(intrinsic(type, f, k, d), infinity);
            const double tiny = spiral::implied_stddev(type, above, f, k, d);
            CHECK((k == 100 ? tiny >= 0 : tiny > 0));
            CHECK(tiny < 0.1);
        }
    // Just below the upper limit s is large (about 16 for one ulp at the money) but finite.
    const double huge =
        spiral::implied_stddev(option_type::call, std::nextafter(100.0, 0.0), 100.0, 100.0, 1.0);
    CHECK(huge > 10);
    CHECK(huge < 20);
}

TEST_CASE("implied_vol: puts and calls agree through put-call parity") {
    // C - P = D (F - K) exactly in the inputs used here (powers of two), so both prices have the
    // same s; the two solves share nothing but the normalisation.
    const double f = 64, d = 0.5;
    for (double k : {16.0, 48.0, 64.0, 80.0, 256.0})
        for (double s : {0.01, 0.2, 1.0, 3.0}) {
            const double call = static_cast<double>(black76_price(option_type::call, f, k, s, d));
            const double put = call - d * (f - k);
            const double from_call = spiral::implied_stddev(option_type::call, call, f, k, d);
            const double from_put = spiral::implied_stddev(option_type::put, put, f, k, d);
            const double vega = black76_vega(f, k, s, d);
            INFO("K " << k << " s " << s);
            CHECK(std::abs(from_call - from_put) <=
                  solver_relative * s + 4 * u * std::max(call, put) / vega);
        }
}

TEST_CASE("implied_vol: Black-Scholes implied vol recovers the vol") {
    for (option_type type : {option_type::call, option_type::put})
        for (double strike : {60.0, 95.0, 100.0, 120.0, 250.0})
            for (double time : {7.0 / 365, 0.5, 3.0})
                for (double vol : {0.08, 0.3, 1.2}) {
                    spiral::bs_input<double> in{100.0, strike, time, 0.03, 0.01, vol};
                    const double price = spiral::black_scholes_price(type, in);
                    const double implied = spiral::implied_vol(type, price, in);
                    // Through spiral's own price: its error and the price's rounding bound it.
                    const auto g = spiral::black_scholes(type, in);
                    if (!(g.vega * vol > 1e-6 * price))
                        continue; // no time value left to determine the vol
                    INFO("K " << strike << " T " << time << " vol " << vol);
                    CHECK(std::abs(implied - vol) <= 1e-12 * vol + 8 * u * price / g.vega);
                }
}

TEST_CASE("implied_vol: float") {
    // Same algorithm in float: claimed within 4e-6 relative (measured ~7e-7), plus the inputs'
    // rounding as for double (u = 2^-24).
    const float f = 100, d = 0.9f;
    constexpr double u_float = 0x1p-24;
    double worst = 0, worst_determined = 0;
    for (int i = 0; i <= 80; ++i) {
        const double x = -6 + 0.15 * i;
        const float k = static_cast<float>(f * std::exp(-x));
        for (int j = 0; j <= 40; ++j) {
            const float s = static_cast<float>(0.01 * std::pow(500.0, j / 40.0));
            for (option_type type : {option_type::call, option_type::put}) {
                const float price = static_cast<float>(black76_price(type, f, k, s, d));
                const float low = d * std::max(type == option_type::call ? f - k : k - f, 0.0f);
                if (!(price > low) || price < 1e-30f * f)
                    continue;
                const float found = spiral::implied_stddev(type, price, f, k, d);
                const double vega = black76_vega(f, k, s, d);
                const double tolerance = 4e-6 * s + 4 * u_float * price / vega;
                INFO("x " << x << " s " << s << " found " << found);
                REQUIRE(std::isfinite(found));
                worst = std::max(worst, std::abs(found - s) / tolerance);
                if (u_float * price / vega < 1e-8 * s)
                    worst_determined = std::max(worst_determined, std::abs(double(found) - s) / s);
            }
        }
    }
    INFO("worst error / tolerance " << worst << ", worst relative error where determined "
                                    << worst_determined);
    CHECK(worst <= 1.0);
    CHECK(std::isnan(spiral::implied_stddev(option_type::call, 200.0f, f, 90.0f, 1.0f)));
    CHECK(spiral::implied_stddev(option_type::put, 0.0f, f, 90.0f, 1.0f) == 0.0f);
}

// Constant evaluation: the scalar solver runs at compile time (spiral's own exp/log/sqrt).
static_assert([] {
    constexpr double s = 0.25;
    const double price = spiral::black(option_type::call, 100.0, 110.0, s, 0.97);
    const double found = spiral::implied_stddev(option_type::call, price, 100.0, 110.0, 0.97);
    return found > s * (1 - 1e-12) && found < s * (1 + 1e-12);
}());
TEST_CASE("implied_vol: one step of order eight from 1e-3 off the root suffices above s_l "
          "(50-digit oracle)") {
    // detail::middle_step from starts s (1 +- e) around the exact s of a double price, for
    // out-of-the-money calls (discount 1) in the middle branches and above s_u: within 4e-15
    // of the exact s, with the last series term small enough that the solver stops there; from
    // further off (up to 3e-2) it must either say it is not enough or still be right.
    struct middle_case {
        double strike, s; // forward 100
    };
    const middle_case cases[] = {{100.01, 0.004}, {101, 0.05},  {105, 0.35}, {120, 0.55},
                                 {150, 0.9},      {200, 1.1},   {110, 2.5},  {300, 1.6},
                                 {1000, 2.2},     {100.5, 0.2}, {130, 4.0}};
    const double forward = 100;
    for (const auto& c : cases) {
        const double price =
            static_cast<double>(black50(option_type::call, forward, c.strike, c.s, 1));
        const double exact =
            static_cast<double>(implied50(option_type::call, price, forward, c.strike, 1));
        // The normalised problem as implied_stddev forms it (out of the money: no intrinsic).
        const double x = spiral::detail::minus_abs_log_ratio(forward, c.strike);
        const double b_max = std::sqrt(forward / c.strike);
        const double scale = c.strike * b_max;
        spiral::detail::implied_target<double> aim{};
        aim.log_beta = std::log(price / scale);
        aim.log_gap = std::log((forward - price) / scale);
        aim.inv_log_beta = 1 / aim.log_beta;
        aim.lower = false;
        for (double off : {-3e-3, -1e-3, 1e-4, 1e-3, 3e-3, -3e-2, 3e-2}) {
            double lo = 0, hi = 100, tail = 0;
            const double found =
                spiral::detail::middle_step(x, exact * (1 + off), aim, lo, hi, tail);
            INFO("K " << c.strike << " s " << c.s << " start off by " << off << " exact " << exact
                      << " found " << found << " last term " << tail);
            if (std::abs(off) <= 1e-3) {
                CHECK(std::abs(found - exact) <= 4e-15 * exact);
                CHECK(tail <= spiral::detail::middle_step_enough);
            } else if (tail <= spiral::detail::middle_step_enough) {
                CHECK(std::abs(found - exact) <= 4e-15 * exact);
            }
        }
    }
}

static_assert(spiral::implied_stddev(option_type::put, 10.0, 100.0, 110.0, 1.0) == 0.0);
static_assert(spiral::implied_stddev(option_type::put, 9.0, 100.0, 110.0, 1.0) !=
              spiral::implied_stddev(option_type::put, 9.0, 100.0, 110.0, 1.0)); // NaN

TEST_CASE("implied_vol: constant evaluation") {
    constexpr float s = spiral::implied_stddev(option_type::put, 3.0f, 100.0f, 100.0f, 1.0f);
    STATIC_REQUIRE(s > 0.0751f);
    STATIC_REQUIRE(s < 0.0753f);
}

} // namespace unit_tests_implied_vol
