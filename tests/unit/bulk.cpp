// spiral::black_scholes(bs_columns, greeks_columns) without <spiral/simd.hpp>: the scalar
// loop. Compared with the element kernel; validation messages; empty outputs; no-op on empty
// input. (tests/simd/black_scholes.cpp covers the batch path.)
#include <spiral/options/black_scholes.hpp>
#include <spiral/options/bulk.hpp>

#include "support/bulk_layer.hpp"
#include "support/option_book.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

namespace unit_tests_bulk {

static_assert(!spiral::bulk_uses_simd, "this file tests the scalar bulk path");

namespace {

using spiral::option_type;
constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();
constexpr double inf = std::numeric_limits<double>::infinity();

using book = test_support::option_book;
using results = test_support::greeks_results;

// Calls and puts interleaved; strikes 10%-1000% of spot, one day to five years, vols 5%-200%,
// positive, zero and negative carry, and the time = 0 / vol = 0 limits.
book grid() {
    book b;
    int index = 0;
    for (double spot : {100.0, 3.25})
        for (double moneyness : {0.1, 0.5, 0.8, 0.95, 1.0, 1.05, 1.25, 2.0, 10.0})
            for (double time : {0.0, 1.0 / 365, 0.25, 1.0, 5.0})
                for (double vol : {0.0, 0.05, 0.2, 1.0, 2.0})
                    for (auto [rate, dividend] :
                         {std::pair{0.0, 0.0}, std::pair{0.05, 0.02}, std::pair{-0.005, 0.08}})
                        b.add(index++ % 2 == 0 ? option_type::call : option_type::put,
                              {spot, spot * moneyness, time, rate, dividend, vol});
    return b;
}

// |value - ref| <= relative |ref| + absolute * scale
bool close(double value, double ref, double relative, double absolute, double scale) {
    return std::abs(value - ref) <= relative * std::abs(ref) + absolute * scale;
}

std::string message_of(const spiral::bs_columns& in, const spiral::greeks_columns& out) {
    try {
        spiral::black_scholes(in, out);
    } catch (const spiral::invalid_argument& e) {
        return e.what();
    }
    return "(no exception)";
}

} // namespace

TEST_CASE("bulk: scalar path matches the element kernel") {
    const book b = grid();
    results r(b.size());
    spiral::black_scholes(b.columns(), r.columns());
    for (std::size_t i = 0; i < b.size(); ++i) {
        const auto ref = spiral::black_scholes(b.type[i], b.row(i));
        const double s = b.spot[i];
        INFO("row " << i << ": type " << static_cast<int>(b.type[i]) << " spot " << s << " strike "
                    << b.strike[i] << " time " << b.time[i] << " rate " << b.rate[i] << " dividend "
                    << b.dividend[i] << " vol " << b.vol[i]);
        CHECK(close(r.price[i], ref.price, 1e-12, 1e-15, s));
        CHECK(close(r.delta[i], ref.delta, 1e-12, 1e-15, s));
        CHECK(close(r.vega[i], ref.vega, 1e-12, 1e-15, s));
        CHECK(close(r.theta[i], ref.theta, 1e-12, 1e-15, s));
        CHECK(close(r.rho[i], ref.rho, 1e-12, 1e-15, s));
        // gamma S^2 is in price units; its relative error grows with |d1| (see the SIMD test)
        CHECK(close(r.gamma[i], ref.gamma, 1e-11, 1e-15, 1.0 / s));
    }
}

TEST_CASE("bulk: empty output spans are skipped, the others are unchanged") {
    const book b = grid();
    const std::size_t n = b.size();
    results all(n);
    spiral::black_scholes(b.columns(), all.columns());
    // Every subset of the six outputs gives the same numbers as the full call: the kernel
    // variant chosen for the subset does the same operations (up to the last bit where the
    // compiler contracts a * b + c into a fused multiply-add in one variant and not another).
    for (unsigned subset = 1; subset < 64; ++subset) {
        INFO("subset " << subset);
        results some(n, -7.0);
        spiral::greeks_columns out;
        if (subset & 1u)
            out.price = some.price;
        if (subset & 2u)
            out.delta = some.delta;
        if (subset & 4u)
            out.gamma = some.gamma;
        if (subset & 8u)
            out.vega = some.vega;
        if (subset & 16u)
            out.theta = some.theta;
        if (subset & 32u)
            out.rho = some.rho;
        spiral::black_scholes(b.columns(), out);
        const auto expect = [&](bool wanted, const std::vector<double>& got,
                                const std::vector<double>& full) {
            if (wanted) {
                for (std::size_t i = 0; i < n; ++i)
                    if (!close(got[i], full[i], 1e-14, 1e-15, b.spot[i] + 1.0 / b.spot[i]))
                        return false;
                return true;
            }
            for (double v : got)
                if (v != -7.0)
                    return false;
            return true;
        };
        CHECK(expect(subset & 1u, some.price, all.price));
        CHECK(expect(subset & 2u, some.delta, all.delta));
        CHECK(expect(subset & 4u, some.gamma, all.gamma));
        CHECK(expect(subset & 8u, some.vega, all.vega));
        CHECK(expect(subset & 16u, some.theta, all.theta));
        CHECK(expect(subset & 32u, some.rho, all.rho));
    }
    // Nothing wanted at all: nothing to do, and no error.
    CHECK_NOTHROW(spiral::black_scholes(b.columns(), {}));
}

TEST_CASE("bulk: an output may be the same array as an input") {
    const book b = grid();
    results r(b.size());
    spiral::black_scholes(b.columns(), r.columns());
    std::vector<double> vol = b.vol; // becomes vega
    spiral::bs_columns in = b.columns();
    in.vol = vol;
    spiral::black_scholes(in, {.vega = vol});
    CHECK(vol == r.vega);
}

TEST_CASE("bulk: empty input is a no-op") {
    CHECK_NOTHROW(spiral::black_scholes(spiral::bs_columns{}, {}));
    std::vector<double> none;
    CHECK_NOTHROW(spiral::black_scholes({}, {.price = none, .delta = none}));
}

TEST_CASE("bulk: size mismatches throw and name the column") {
    book b = grid();
    const std::size_t n = b.size();
    results r(n);
    std::vector<double> short_column(n - 1, 1.0);
    const auto mismatch = [&](auto modify) {
        spiral::bs_columns in = b.columns();
        spiral::greeks_columns out = r.columns();
        modify(in, out);
        return message_of(in, out);
    };
    using Catch::Matchers::Contains;
    const std::string want = "must equal type.size() = " + std::to_string(n);
    CHECK_THAT(mismatch([&](auto& in, auto&) { in.spot = short_column; }),
               Contains("spot.size() = " + std::to_string(n - 1)) && Contains(want));
    CHECK_THAT(mismatch([&](auto& in, auto&) { in.strike = short_column; }),
               Contains("strike.size()"));
    CHECK_THAT(mismatch([&](auto& in, auto&) { in.time = short_column; }), Contains("time.size()"));
    CHECK_THAT(mismatch([&](auto& in, auto&) { in.rate = {}; }), Contains("rate.size() = 0"));
    CHECK_THAT(mismatch([&](auto& in, auto&) { in.dividend = short_column; }),
               Contains("dividend.size()"));
    CHECK_THAT(mismatch([&](auto& in, auto&) { in.vol = short_column; }), Contains("vol.size()"));
    CHECK_THAT(mismatch([&](auto& in, auto&) { in.type = in.type.first(n - 1); }),
               Contains("spot.size() = " + std::to_string(n)) &&
                   Contains("must equal type.size() = " + std::to_string(n - 1)));
    const std::string outputs = "must be 0 or " + std::to_string(n);
    CHECK_THAT(mismatch([&](auto&, auto& out) { out.price = short_column; }),
               Contains("price.size() = " + std::to_string(n - 1)) && Contains(outputs));
    CHECK_THAT(mismatch([&](auto&, auto& out) { out.delta = short_column; }),
               Contains("delta.size()"));
    CHECK_THAT(mismatch([&](auto&, auto& out) { out.gamma = short_column; }),
               Contains("gamma.size()"));
    CHECK_THAT(mismatch([&](auto&, auto& out) { out.vega = short_column; }),
               Contains("vega.size()"));
    CHECK_THAT(mismatch([&](auto&, auto& out) { out.theta = short_column; }),
               Contains("theta.size()"));
    CHECK_THAT(mismatch([&](auto&, auto& out) { out.rho = short_column; }), Contains("rho.size()"));
    CHECK_THROWS_AS(spiral::black_scholes({.spot = short_column}, {}), spiral::invalid_argument);
}

TEST_CASE("bulk: bad values throw naming column, row and value; rows from it on are untouched") {
    const book good = grid();
    results clean(good.size());
    spiral::black_scholes(good.columns(), clean.columns());
    const std::size_t row = 17;
    using Catch::Matchers::Contains;
    using Catch::Matchers::EndsWith;
    using Catch::Matchers::StartsWith;

    struct bad_case {
        std::vector<double> book::*column;
        double value;
        std::string expected; // "<column>[<row>] = <value> (<why>)"
    };
    const bad_case cases[] = {
        {&book::spot, 0.0, "spot[17] = 0 (must be in [1e-100, 1e+100])"},
        {&book::spot, -100.0, "spot[17] = -100 (must be in [1e-100, 1e+100])"},
        {&book::spot, not_a_number, "spot[17] = nan (must be in [1e-100, 1e+100])"},
        {&book::spot, inf, "spot[17] = inf (must be in [1e-100, 1e+100])"},
        {&book::strike, 0.0, "strike[17] = 0 (must be in [1e-100, 1e+100])"},
        {&book::strike, -1.5, "strike[17] = -1.5 (must be in [1e-100, 1e+100])"},
        {&book::strike, -inf, "strike[17] = -inf (must be in [1e-100, 1e+100])"},
        {&book::time, -0.25, "time[17] = -0.25 (must be in [0, 50])"},
        {&book::time, not_a_number, "time[17] = nan (must be in [0, 50])"},
        {&book::time, inf, "time[17] = inf (must be in [0, 50])"},
        {&book::rate, not_a_number, "rate[17] = nan (must be in [-2, 2])"},
        {&book::rate, -inf, "rate[17] = -inf (must be in [-2, 2])"},
        {&book::dividend, inf, "dividend[17] = inf (must be in [-2, 2])"},
        {&book::dividend, not_a_number, "dividend[17] = nan (must be in [-2, 2])"},
        {&book::vol, -0.2, "vol[17] = -0.2 (must be 0 or in [1e-08, 100])"},
        {&book::vol, not_a_number, "vol[17] = nan (must be 0 or in [1e-08, 100])"},
        {&book::vol, inf, "vol[17] = inf (must be 0 or in [1e-08, 100])"},
    };
    for (const bad_case& c : cases) {
        book b = good;
        (b.*c.column)[row] = c.value;
        (b.*c.column)[row + 5] = c.value; // a later bad row: the first one is reported
        results r(b.size(), -7.0);
        const std::string what = message_of(b.columns(), r.columns());
        CHECK(what == "spiral: black_scholes: " + c.expected); // values in shortest form
        // The scalar loop checks row by row: the rows before the bad one hold their results,
        // the bad row and all after it are not written.
        for (std::size_t i = 0; i < b.size(); ++i) {
            INFO("row " << i);
            CHECK(r.price[i] == (i < row ? clean.price[i] : -7.0));
            CHECK(r.rho[i] == (i < row ? clean.rho[i] : -7.0));
        }
    }

    book b = good;
    b.type[row] = static_cast<option_type>(2);
    results r(b.size());
    CHECK_THAT(message_of(b.columns(), r.columns()),
               Contains("type[17] = 2") && Contains("call") && Contains("put"));
    CHECK_THROWS_AS(spiral::black_scholes(b.columns(), r.columns()), spiral::invalid_argument);
    // also caught as the standard exception it derives from
    CHECK_THROWS_AS(spiral::black_scholes(b.columns(), r.columns()), std::invalid_argument);

    // The first offending row is reported, and in it the first column in the order
    // type, spot, strike, time, rate, dividend, vol.
    book both = good;
    both.vol[5] = -1.0;
    both.rate[5] = inf;
    both.spot[9] = 0.0;
    CHECK_THAT(message_of(both.columns(), r.columns()),
               StartsWith("spiral: black_scholes: rate[5] = inf"));

    // -0.0 is a valid time and vol (>= 0)
    book zero = good;
    zero.time[row] = -0.0;
    zero.vol[row + 1] = -0.0;
    CHECK_NOTHROW(spiral::black_scholes(zero.columns(), r.columns()));
}

TEST_CASE("bulk: time = 0 and vol = 0 give the element kernel's limits") {
    book b;
    for (option_type t : {option_type::call, option_type::put})
        for (double strike : {80.0, 100.0, 125.0}) {
            b.add(t, {100.0, strike, 0.0, 0.05, 0.02, 0.3});
            b.add(t, {100.0, strike, 0.5, 0.05, 0.02, 0.0});
        }
    results r(b.size());
    spiral::black_scholes(b.columns(), r.columns());
    for (std::size_t i = 0; i < b.size(); ++i) {
        const auto ref = spiral::black_scholes(b.type[i], b.row(i));
        INFO("row " << i);
        CHECK(close(r.price[i], ref.price, 1e-14, 1e-15, 100.0));
        CHECK(close(r.delta[i], ref.delta, 1e-14, 0.0, 1.0));
        CHECK(r.gamma[i] == 0.0);
        CHECK(close(r.vega[i], ref.vega, 1e-14, 0.0, 1.0));
        CHECK(close(r.theta[i], ref.theta, 1e-14, 1e-15, 100.0));
        CHECK(close(r.rho[i], ref.rho, 1e-14, 1e-15, 100.0));
    }
    // at the money, time 0: price 0, delta +-1/2 (Phi(0)) discounted
    CHECK(r.price[2] == 0.0);
}

TEST_CASE("bulk: the first-order kernel is constant-evaluable") {
    constexpr auto g = spiral::detail::black_scholes_first_order<spiral::detail::bs_need_all>(
        1.0, spiral::bs_input<double>{100.0, 100.0, 1.0, 0.05, 0.0, 0.2});
    static_assert(g.price > 10.45 && g.price < 10.46); // 10.4506 (Hull)
    static_assert(g.delta > 0.63 && g.delta < 0.64);
    CHECK(g.price == Approx(10.450583572185565).epsilon(1e-14));
}

// ---------------------------------------------------------------------------- the core loop

TEST_CASE("bulk layer, scalar target: results, remainders, sizes and errors") {
    test_support::check_bulk_layer<spiral::bulk_target>(1);
}

TEST_CASE("bulk float columns: within the stated accuracy of the double path") {
    test_support::check_float_columns(grid());
}

TEST_CASE("bulk implied vol: calls and puts mixed, against the element functions") {
    test_support::check_implied_vol_columns(grid());
}

} // namespace unit_tests_bulk
