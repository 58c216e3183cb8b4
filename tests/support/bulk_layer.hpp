// Checks of the core column loop (spiral::bulk::for_each_step) on a toy column set, for any
// target: results against a plain loop written here, every remainder of the step width, the
// padding of optional columns, required outputs, and the first bad row named with the
// wording of core/checks.hpp. Used by tests/unit/bulk.cpp (scalar) and tests/simd/*.cpp.
#pragma once

#include <spiral/core/bulk.hpp>
#include <spiral/options/bulk.hpp>
#include <spiral/options/implied_vol_bulk.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <tuple>
#include <vector>

namespace test_support {

/// A column of each kind: an enum (option type), a positive, a non-negative, one in [-1, 1]
/// that may be left out, and one that is only finite.
struct toy_columns {
    using scalar = double;
    static constexpr std::array<spiral::bulk::column_spec, 5> inputs{{
        {.name = "type", .domain = spiral::detail::in_closed(-1, 1), .padding = 1.0},
        {.name = "a", .domain = spiral::detail::positive, .padding = 1.0},
        {.name = "b", .domain = spiral::detail::non_negative, .padding = 0.0},
        {.name = "c",
         .domain = spiral::detail::in_closed(-1, 1),
         .padding = 0.25,
         .optional = true},
        {.name = "d", .padding = 0.0},
    }};
    static constexpr std::array<spiral::bulk::output_spec, 2> outputs{
        {{.name = "sum", .required = true}, {.name = "product"}}};
};

/// What the toy kernel computes, written once for every T; the plain loop below calls it on
/// doubles, the bulk loop on steps.
template <class T>
std::array<T, 2> toy_formula(T sign, T a, T b, T c, T d) {
    return {sign * a + b - c + d, a * (b + c)};
}

struct toy_step {
    template <class T>
    std::array<T, 2> operator()(T sign, T a, T b, T c, T d) const noexcept {
        return toy_formula(sign, a, b, c, d);
    }
};

struct toy_book {
    std::vector<spiral::option_type> type;
    std::vector<double> a, b, c, d;
};

inline toy_book make_toy_book(std::size_t n) {
    toy_book t;
    for (std::size_t i = 0; i < n; ++i) {
        const double x = static_cast<double>(i);
        t.type.push_back(i % 3 == 0 ? spiral::option_type::put : spiral::option_type::call);
        t.a.push_back(1.0 + 0.5 * x);
        t.b.push_back(0.25 * x);
        t.c.push_back(std::sin(x));
        t.d.push_back(-3.0 + x);
    }
    return t;
}

template <class Target>
void run_toy(const toy_book& t, bool with_c, std::span<double> sum, std::span<double> product) {
    const std::tuple in{std::span<const spiral::option_type>(t.type), std::span<const double>(t.a),
                        std::span<const double>(t.b),
                        with_c ? std::span<const double>(t.c) : std::span<const double>(),
                        std::span<const double>(t.d)};
    const std::array<std::span<double>, 2> out{sum, product};
    const std::size_t n = spiral::bulk::rows<toy_columns>("toy", in, out);
    toy_step step;
    spiral::bulk::for_each_step<Target, toy_columns, true>("toy", step, n, in, out);
}

inline std::string toy_message(std::size_t n, const char* column, std::size_t row, double value) {
    toy_book t = make_toy_book(n);
    std::vector<double>* target = nullptr;
    const std::string name = column;
    if (name == "a")
        target = &t.a;
    else if (name == "b")
        target = &t.b;
    else if (name == "c")
        target = &t.c;
    else
        target = &t.d;
    (*target)[row] = value;
    std::vector<double> sum(n, -7.0), product(n, -7.0);
    try {
        run_toy<spiral::bulk_target>(t, true, sum, product);
    } catch (const spiral::invalid_argument& e) {
        // rows from the bad one on are untouched
        for (std::size_t i = row; i < n; ++i)
            if (sum[i] != -7.0 || product[i] != -7.0)
                return "row " + std::to_string(i) + " was written";
        return e.what();
    }
    return "(no exception)";
}

/// The whole contract, on `Target` (width: rows per loop step).
template <class Target>
void check_bulk_layer(std::size_t width) {
    SECTION("every remainder of the step width, with and without the optional column") {
        for (std::size_t n = 0; n <= 3 * width + 1; ++n) {
            const toy_book t = make_toy_book(n);
            for (bool with_c : {true, false}) {
                std::vector<double> sum(n), product(n);
                run_toy<Target>(t, with_c, sum, product);
                for (std::size_t i = 0; i < n; ++i) {
                    const double sign = t.type[i] == spiral::option_type::call ? 1.0 : -1.0;
                    const auto want =
                        toy_formula(sign, t.a[i], t.b[i], with_c ? t.c[i] : 0.25, t.d[i]);
                    INFO("n " << n << " row " << i << " with c " << with_c);
                    CHECK(std::abs(sum[i] - want[0]) <= 1e-14 * (1 + std::abs(want[0])));
                    CHECK(std::abs(product[i] - want[1]) <= 1e-14 * (1 + std::abs(want[1])));
                }
            }
        }
    }
    SECTION("an output that is not wanted is not written; a required one must be there") {
        const std::size_t n = 2 * width + 3;
        const toy_book t = make_toy_book(n);
        std::vector<double> sum(n);
        run_toy<Target>(t, true, sum, {});
        const double want = toy_formula(t.type[n - 1] == spiral::option_type::call ? 1.0 : -1.0,
                                        t.a[n - 1], t.b[n - 1], t.c[n - 1], t.d[n - 1])[0];
        CHECK(std::abs(sum[n - 1] - want) <= 1e-14 * (1 + std::abs(want)));
        CHECK_THROWS_WITH(
            run_toy<Target>(t, true, {}, {}),
            "spiral: toy: sum.size() = 0 (must equal type.size() = " + std::to_string(n) + ")");
        std::vector<double> short_product(n - 1);
        CHECK_THROWS_WITH(run_toy<Target>(t, true, sum, short_product),
                          "spiral: toy: product.size() = " + std::to_string(n - 1) +
                              " (must be 0 or " + std::to_string(n) + ")");
        toy_book shorter = t;
        shorter.b.pop_back();
        CHECK_THROWS_WITH(run_toy<Target>(shorter, true, sum, {}),
                          "spiral: toy: b.size() = " + std::to_string(n - 1) +
                              " (must equal type.size() = " + std::to_string(n) + ")");
        shorter = t;
        shorter.c.pop_back();
        CHECK_THROWS_WITH(run_toy<Target>(shorter, true, sum, {}),
                          "spiral: toy: c.size() = " + std::to_string(n - 1) + " (must be 0 or " +
                              std::to_string(n) + ")");
    }
    SECTION("the first bad row is named, wherever it sits in a step") {
        const double nan = std::nan(""), inf = HUGE_VAL;
        const std::size_t n = 3 * width + 2;
        for (std::size_t row : {std::size_t{0}, width - 1, width, n - 1}) {
            std::string at = "["; // built step by step: GCC 12's -Wrestrict misfires on "[" + s
            at += std::to_string(row);
            at += "] = ";
            CHECK(toy_message(n, "a", row, 0.0) ==
                  "spiral: toy: a" + at + "0 (must be finite and > 0)");
            CHECK(toy_message(n, "a", row, inf) ==
                  "spiral: toy: a" + at + "inf (must be finite and > 0)");
            CHECK(toy_message(n, "b", row, -1e-300) ==
                  "spiral: toy: b" + at + "-1e-300 (must be finite and >= 0)");
            CHECK(toy_message(n, "c", row, 1.5) ==
                  "spiral: toy: c" + at + "1.5 (must be in [-1, 1])");
            CHECK(toy_message(n, "d", row, nan) == "spiral: toy: d" + at + "nan (must be finite)");
            CHECK(toy_message(n, "d", row, -inf) ==
                  "spiral: toy: d" + at + "-inf (must be finite)");
        }
        // two bad values: the earlier row wins, and in one row the earlier column
        toy_book t = make_toy_book(n);
        t.d[width + 1] = nan;
        t.a[width + 1] = -1;
        t.b[n - 1] = -1;
        std::vector<double> sum(n);
        CHECK_THROWS_WITH(run_toy<Target>(t, true, sum, {}), "spiral: toy: a[" +
                                                                 std::to_string(width + 1) +
                                                                 "] = -1 (must be finite and > 0)");
        // an enumerator that is not one: named with its integer value
        t = make_toy_book(n);
        t.type[n - 1] = static_cast<spiral::option_type>(5);
        CHECK_THROWS_WITH(run_toy<Target>(t, true, sum, {}),
                          "spiral: toy: type[" + std::to_string(n - 1) +
                              "] = 5 (must be option_type::call (0) or option_type::put (1))");
        // valid values whose sum overflows: a false alarm of the quick test, not an error
        t = make_toy_book(n);
        t.d[1] = 1.5e308;
        t.b[1] = 1.5e308;
        CHECK_NOTHROW(run_toy<Target>(t, true, sum, {}));
        CHECK(std::isinf(sum[1]));
    }
}

} // namespace test_support

namespace test_support {

/// The float columns against the double path on the same (float-valued) inputs, so that only
/// the kernel's own float error is measured. Stated accuracy (docs/options.md): every output
/// within 1e-4 (|ref| + 1e-3 scale), where scale is spot for prices, vega, theta and rho, 1 for
/// delta, 1/spot for gamma.
template <class Book>
void check_float_columns(const Book& b) {
    const std::size_t n = b.size();
    const auto as_float = [](const std::vector<double>& v) {
        return std::vector<float>(v.begin(), v.end());
    };
    const auto as_double = [](const std::vector<float>& v) {
        return std::vector<double>(v.begin(), v.end());
    };
    const std::vector<float> spot = as_float(b.spot), strike = as_float(b.strike),
                             time = as_float(b.time), rate = as_float(b.rate),
                             dividend = as_float(b.dividend), vol = as_float(b.vol);
    const std::vector<double> spot_d = as_double(spot), strike_d = as_double(strike),
                              time_d = as_double(time), rate_d = as_double(rate),
                              dividend_d = as_double(dividend), vol_d = as_double(vol);
    std::array<std::vector<float>, 6> f;
    std::array<std::vector<double>, 6> d;
    for (std::size_t j = 0; j < 6; ++j) {
        f[j].resize(n);
        d[j].resize(n);
    }
    spiral::black_scholes(
        spiral::basic_bs_columns<float>{b.type, spot, strike, time, rate, dividend, vol},
        spiral::basic_greeks_columns<float>{f[0], f[1], f[2], f[3], f[4], f[5]});
    spiral::black_scholes(
        spiral::bs_columns{b.type, spot_d, strike_d, time_d, rate_d, dividend_d, vol_d},
        spiral::greeks_columns{d[0], d[1], d[2], d[3], d[4], d[5]});
    const char* names[6] = {"price", "delta", "gamma", "vega", "theta", "rho"};
    for (std::size_t j = 0; j < 6; ++j) {
        long outside = 0;
        double worst = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const double s = spot_d[i];
            const double scale = j == 1 ? 1.0 : j == 2 ? 1.0 / s : s;
            const double bound = 1e-4 * (std::abs(d[j][i]) + 1e-3 * scale);
            const double error = std::abs(static_cast<double>(f[j][i]) - d[j][i]);
            worst = std::max(worst, error / bound);
            outside += !(error <= bound);
        }
        INFO(names[j] << ": worst error / bound " << worst);
        CHECK(outside == 0);
    }
    // float columns are checked like double ones (and in float: 1e39 is not finite)
    std::vector<float> big = spot;
    big[n / 2] = -1.0f;
    std::vector<float> price(n);
    CHECK_THROWS_WITH(
        spiral::black_scholes(
            spiral::basic_bs_columns<float>{b.type, big, strike, time, rate, dividend, vol},
            spiral::basic_greeks_columns<float>{.price = price}),
        "spiral: black_scholes: spot[" + std::to_string(n / 2) +
            "] = -1 (must be in [1e-100, 1e+100])");
}

/// Bulk implied vol and implied stddev on a book with calls and puts interleaved: each row
/// equals the element function (to 1e-13 relative: batch and scalar arithmetic may differ),
/// NaN where the element function gives NaN, and bad input named.
template <class Book>
void check_implied_vol_columns(const Book& b) {
    const std::size_t n = b.size();
    std::vector<double> price(n);
    spiral::black_scholes(b.columns(), spiral::greeks_columns{.price = price});
    price[3] = -0.0;            // valid input: no vol fits unless intrinsic is 0
    price[4] = 1e9 * b.spot[4]; // above every bound: NaN
    std::vector<double> vol(n), stddev(n), forward(n), discount(n);
    spiral::implied_vol({b.type, price, b.spot, b.strike, b.time, b.rate, b.dividend}, vol);
    for (std::size_t i = 0; i < n; ++i) {
        forward[i] = b.spot[i] * std::exp((b.rate[i] - b.dividend[i]) * b.time[i]);
        discount[i] = std::exp(-b.rate[i] * b.time[i]);
    }
    spiral::implied_stddev({b.type, price, forward, b.strike, discount}, stddev);
    long mismatches = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double want =
            b.time[i] > 0 ? spiral::implied_vol(b.type[i], price[i], b.row(i)) : std::nan("");
        const double want_s =
            spiral::implied_stddev(b.type[i], price[i], forward[i], b.strike[i], discount[i]);
        // Where the price is ill-conditioned in vol (little time value left), the last bit of
        // the discounted forward (batch exp vs std::exp) moves the vol: there the vol found
        // must reprice the option instead.
        bool vol_ok = std::isnan(want) ? std::isnan(vol[i])
                                       : std::abs(vol[i] - want) <= 1e-13 * want + 1e-300;
        if (!vol_ok && !std::isnan(want) && !std::isnan(vol[i])) {
            spiral::bs_input<double> in = b.row(i);
            in.vol = vol[i];
            vol_ok = std::abs(spiral::black_scholes_price(b.type[i], in) - price[i]) <=
                     1e-13 * price[i] + 1e-15 * b.spot[i];
        }
        // At the no-arbitrage bound (no time value left) no vol is identifiable: the last bits
        // of the discounted forward decide between 0 and NaN, and either is right.
        if (!vol_ok && (std::isnan(want) ? vol[i] == 0 : want == 0 && std::isnan(vol[i]))) {
            const double theta = b.type[i] == spiral::option_type::call ? 1.0 : -1.0;
            const double fd = b.spot[i] * std::exp(-b.dividend[i] * b.time[i]);
            const double kd = b.strike[i] * std::exp(-b.rate[i] * b.time[i]);
            vol_ok =
                std::abs(price[i] - std::max(theta * (fd - kd), 0.0)) <= 1e-13 * std::max(fd, kd);
        }
        const bool stddev_ok = std::isnan(want_s)
                                   ? std::isnan(stddev[i])
                                   : std::abs(stddev[i] - want_s) <= 1e-13 * want_s + 1e-300;
        if (!vol_ok || !stddev_ok) {
            if (mismatches++ < 5)
                UNSCOPED_INFO("row " << i << ": vol " << vol[i] << " vs " << want << ", stddev "
                                     << stddev[i] << " vs " << want_s);
        }
    }
    CHECK(mismatches == 0);
    CHECK(std::isnan(vol[4]));
    std::vector<double> bad = price;
    bad[n - 2] = -1.0;
    CHECK_THROWS_WITH(
        spiral::implied_vol({b.type, bad, b.spot, b.strike, b.time, b.rate, b.dividend}, vol),
        "spiral: implied_vol: price[" + std::to_string(n - 2) + "] = -1 (must be finite and >= 0)");
    CHECK_THROWS_WITH(spiral::implied_stddev({b.type, price, forward, b.strike, b.rate}, stddev),
                      Catch::Contains("spiral: implied_stddev: discount[") &&
                          Catch::Contains("(must be finite and > 0)"));
    std::vector<double> short_out(n - 1);
    CHECK_THROWS_WITH(spiral::implied_vol(
                          {b.type, price, b.spot, b.strike, b.time, b.rate, b.dividend}, short_out),
                      "spiral: implied_vol: vol.size() = " + std::to_string(n - 1) +
                          " (must equal type.size() = " + std::to_string(n) + ")");
}

} // namespace test_support
