// The SIMD bulk Black–Scholes path (spiral::black_scholes(bs_columns, greeks_columns) with
// the spiral::simd target linked), built for SSE2, AVX2 and AVX-512:
//   - against the scalar element kernel over a wide grid (1 day to 5 years, vol 5%-200%,
//     deep ITM/OTM, mixed call/put lanes, time = 0 / vol = 0 lanes, remainders);
//   - against a 50-digit oracle (Boost.Multiprecision, formulas written here);
//   - lane independence: NaN lanes in direct batch kernel calls stay in their lanes;
//   - the batch normal CDF (xsimd exp inside) against the oracle down to 1e-300.
//
// Tolerances: price, delta, vega, theta, rho within 1e-12 |ref| + 1e-15 spot. gamma has units
// 1/spot and a relative error that grows like |d1| times the error of d1 (about 1e-16 / (vol
// sqrt(time)) absolute): 1e-11 |ref| + 1e-15 / spot.
#include <spiral/core/normal.hpp>
#include <spiral/options/black_scholes.hpp>
#include <spiral/options/bulk.hpp>

#include "support/bulk_layer.hpp"
#include "support/option_book.hpp"
#include "support/oracle.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

namespace simd_tests_black_scholes {

static_assert(spiral::bulk_uses_simd, "this file tests the batch bulk path");

#define ARCH_TEST(name) TEST_CASE("bulk simd " SPIRAL_TEST_ARCH_NAME ": " name)

namespace {

using spiral::option_type;
using batch = xsimd::batch<double>;
using group = spiral::bulk::step_t<spiral::bulk_target, double>; // what the bulk loop runs on
constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();
constexpr double inf = std::numeric_limits<double>::infinity();

using book = test_support::option_book;
using results = test_support::greeks_results;

// Spots 3.25, 100, 4000; strikes 10%-1000% of spot; one day to five years (and 0); vols
// 5%-200% (and 0); three carries. Calls and puts in an irregular pattern, so every batch mixes
// them; the size (2916) is not a multiple of any batch or group width.
book wide_grid() {
    book b;
    unsigned index = 0;
    for (double spot : {100.0, 3.25, 4000.0})
        for (double moneyness : {0.1, 0.5, 0.8, 0.95, 1.0, 1.05, 1.25, 2.0, 10.0})
            for (double time : {1.0 / 365, 0.0, 7.0 / 365, 0.25, 1.0, 5.0})
                for (double vol : {0.2, 0.05, 0.0, 0.5, 1.0, 2.0})
                    for (auto [rate, dividend] :
                         {std::pair{0.05, 0.02}, std::pair{0.0, 0.0}, std::pair{-0.005, 0.08}}) {
                        const bool call = (index * 7 + index / 3) % 5 < 2;
                        ++index;
                        b.add(call ? option_type::call : option_type::put,
                              {spot, spot * moneyness, time, rate, dividend, vol});
                    }
    return b;
}

std::string describe(const book& b, std::size_t i) {
    std::ostringstream s;
    s.precision(17);
    s << "row " << i << ": " << (b.type[i] == option_type::call ? "call" : "put") << " spot "
      << b.spot[i] << " strike " << b.strike[i] << " time " << b.time[i] << " rate " << b.rate[i]
      << " dividend " << b.dividend[i] << " vol " << b.vol[i];
    return s.str();
}

// Worst |value - ref| / (relative |ref| + absolute * scale) over many rows, and where.
struct bound_check {
    const char* name;
    double relative, absolute;
    double worst = 0;
    std::string where{};
    template <class Ref>
    void add(double value, const Ref& ref, double scale, const std::string& row) {
        const double r = static_cast<double>(ref);
        const double error = static_cast<double>(abs(Ref(value) - ref));
        const double ratio = error / (relative * std::abs(r) + absolute * scale);
        if (!(ratio <= worst)) { // NaN counts as worst
            worst = ratio;
            std::ostringstream s;
            s.precision(17);
            s << name << " = " << value << ", reference " << r << " (" << row << ")";
            where = s.str();
        }
    }
    bool ok() const { return worst <= 1.0; }
};

// ---------------------------------------------------------------- 50-digit oracle

using big = oracle::real;

/// The 50-digit closed forms (support/oracle.hpp) for one row of the book.
oracle::first_order_greeks oracle_greeks(option_type type, const spiral::bs_input<double>& in) {
    return oracle::greeks_by_formulas(
        {type == option_type::call, in.spot, in.strike, in.time, in.rate, in.dividend, in.vol});
}

/// Every row of `r` within 1e-12 |ref| + 1e-15 spot of `reference(type, input)` for price and
/// the first-order Greeks (gamma: 1e-11 |ref| + 1e-15 / spot), reporting the worst row.
template <class Reference>
void check_rows_against(const book& b, const results& r, Reference reference) {
    bound_check price{"price", 1e-12, 1e-15}, delta{"delta", 1e-12, 1e-15},
        vega{"vega", 1e-12, 1e-15}, theta{"theta", 1e-12, 1e-15}, rho{"rho", 1e-12, 1e-15},
        gamma{"gamma", 1e-11, 1e-15};
    for (std::size_t i = 0; i < b.size(); ++i) {
        const auto ref = reference(b.type[i], b.row(i));
        const double s = b.spot[i];
        const std::string row = describe(b, i);
        price.add(r.price[i], ref.price, s, row);
        delta.add(r.delta[i], ref.delta, s, row);
        vega.add(r.vega[i], ref.vega, s, row);
        theta.add(r.theta[i], ref.theta, s, row);
        rho.add(r.rho[i], ref.rho, s, row);
        gamma.add(r.gamma[i], ref.gamma, 1.0 / s, row);
    }
    for (const bound_check* c : {&price, &delta, &vega, &theta, &rho, &gamma}) {
        INFO(c->name << ": worst error / bound = " << c->worst << " at " << c->where);
        CHECK(c->ok());
    }
}

} // namespace

ARCH_TEST("matches the scalar element kernel over a wide grid") {
    const book b = wide_grid();
    results r(b.size());
    spiral::black_scholes(b.columns(), r.columns());
    check_rows_against(b, r, [](option_type type, const spiral::bs_input<double>& in) {
        return spiral::black_scholes(type, in);
    });
}

ARCH_TEST("every prefix, suffix and remainder gives the same rows, bit for bit") {
    const book b = wide_grid();
    const std::size_t n = b.size();
    results full(n);
    spiral::black_scholes(b.columns(), full.columns());
    // Each row goes through the same lane code wherever it sits (the last partial group is
    // padded), so a row's results do not depend on n or on the row's position.
    const std::size_t width = spiral::lanes<group>;
    std::vector<std::size_t> lengths;
    for (std::size_t k = 0; k <= 2 * width + 3; ++k)
        lengths.push_back(k);
    lengths.push_back(n - 1);
    for (std::size_t length : lengths) {
        for (std::size_t offset : {std::size_t{0}, std::size_t{1}, width - 1, width + 3}) {
            if (offset + length > n)
                continue;
            INFO("rows [" << offset << ", " << offset + length << ")");
            spiral::bs_columns in = b.columns();
            in.type = in.type.subspan(offset, length);
            in.spot = in.spot.subspan(offset, length);
            in.strike = in.strike.subspan(offset, length);
            in.time = in.time.subspan(offset, length);
            in.rate = in.rate.subspan(offset, length);
            in.dividend = in.dividend.subspan(offset, length);
            in.vol = in.vol.subspan(offset, length);
            results part(length);
            spiral::black_scholes(in, part.columns());
            const auto same = [&](const std::vector<double>& got, const std::vector<double>& all) {
                return std::equal(got.begin(), got.end(),
                                  all.begin() + static_cast<std::ptrdiff_t>(offset));
            };
            CHECK(same(part.price, full.price));
            CHECK(same(part.delta, full.delta));
            CHECK(same(part.gamma, full.gamma));
            CHECK(same(part.vega, full.vega));
            CHECK(same(part.theta, full.theta));
            CHECK(same(part.rho, full.rho));
        }
    }
}

ARCH_TEST("subsets of outputs and aliasing give the same numbers") {
    const book b = wide_grid();
    const std::size_t n = b.size();
    results full(n);
    spiral::black_scholes(b.columns(), full.columns());
    // Each subset of outputs runs its own instantiation of the kernel. They do the same
    // operations, but the compiler may contract a * b + c into a fused multiply-add in one and
    // not in another: allow last-bit differences (1 ulp of the terms, which cancel in price).
    const auto same = [&](const std::vector<double>& got, const std::vector<double>& ref,
                          bool per_spot) {
        for (std::size_t i = 0; i < n; ++i) {
            const double scale = per_spot ? 1.0 / b.spot[i] : b.spot[i];
            if (!(std::abs(got[i] - ref[i]) <= 1e-14 * std::abs(ref[i]) + 1e-15 * scale)) {
                INFO(describe(b, i) << ": " << got[i] << " vs " << ref[i]);
                return false;
            }
        }
        return true;
    };
    results some(n);
    spiral::black_scholes(b.columns(), {.price = some.price, .delta = some.delta});
    CHECK(same(some.price, full.price, false));
    CHECK(same(some.delta, full.delta, false));
    spiral::black_scholes(b.columns(), {.gamma = some.gamma, .vega = some.vega});
    CHECK(same(some.gamma, full.gamma, true));
    CHECK(same(some.vega, full.vega, false));
    spiral::black_scholes(b.columns(), {.rho = some.rho});
    CHECK(same(some.rho, full.rho, false));
    // theta needs everything: the same instantiation as the full call, so the same bits, even
    // with the output written over an input column
    std::vector<double> spot = b.spot;
    spiral::bs_columns in = b.columns();
    in.spot = spot;
    spiral::black_scholes(in, {.theta = spot});
    CHECK(spot == full.theta);
}

ARCH_TEST("bad values are caught by the batch loop: first bad row named, nothing from it on") {
    const book good = wide_grid();
    const std::size_t n = good.size();
    results clean(n);
    spiral::black_scholes(good.columns(), clean.columns());
    const std::size_t width = spiral::lanes<group>;
    struct bad_case {
        std::vector<double> book::*column;
        const char* name;
        double value;
    };
    const bad_case cases[] = {
        {&book::spot, "spot", 0.0},          {&book::spot, "spot", not_a_number},
        {&book::strike, "strike", -1.0},     {&book::strike, "strike", inf},
        {&book::time, "time", -1e-300},      {&book::time, "time", inf},
        {&book::rate, "rate", not_a_number}, {&book::rate, "rate", -inf},
        {&book::dividend, "dividend", inf},  {&book::vol, "vol", -0.5},
        {&book::vol, "vol", not_a_number},
    };
    // first lane, a middle lane, the last lane of a step, and the partial last step
    for (std::size_t row : {std::size_t{0}, width + 3, 3 * width - 1, n - 2}) {
        for (const bad_case& c : cases) {
            book b = good;
            (b.*c.column)[row] = c.value;
            (b.*c.column)[n - 1] = c.value; // a later bad row: the first one is reported
            results r(n, -7.0);
            std::string what = "(no exception)";
            try {
                spiral::black_scholes(b.columns(), r.columns());
            } catch (const spiral::invalid_argument& e) {
                what = e.what();
            }
            INFO(c.name << "[" << row << "] = " << c.value);
            CHECK(what.find(std::string(c.name) + "[" + std::to_string(row) + "] = ") !=
                  std::string::npos);
            // Rows before the bad row's step hold their results, or are untouched where the
            // loop works on wider steps; the bad row and every row after it are untouched.
            bool as_documented = true;
            for (std::size_t i = 0; i < n; ++i) {
                const bool before = i < row;
                as_documented = as_documented &&
                                (r.price[i] == -7.0 || (before && r.price[i] == clean.price[i]));
                as_documented = as_documented &&
                                (r.theta[i] == -7.0 || (before && r.theta[i] == clean.theta[i]));
            }
            CHECK(as_documented);
            // the rows of whole steps before the bad one are written
            const std::size_t written = row / width * width;
            CHECK((written == 0 || r.price[written - 1] == clean.price[written - 1]));
        }
    }
    book b = good;
    b.type[width + 1] = static_cast<option_type>(7);
    results r(n);
    CHECK_THROWS_WITH(spiral::black_scholes(b.columns(), r.columns()),
                      Catch::Matchers::Contains("type[" + std::to_string(width + 1) + "] = 7"));
}

ARCH_TEST("time = 0 and vol = 0 lanes mixed with ordinary lanes") {
    book b;
    for (int i = 0; i < 37; ++i) {
        const double strike = 90.0 + 2.5 * (i % 9);
        const option_type type = i % 3 == 0 ? option_type::put : option_type::call;
        const double time = i % 4 == 1 ? 0.0 : 0.5;
        const double vol = i % 5 == 2 ? 0.0 : 0.3;
        b.add(type, {100.0, strike, time, 0.03, 0.01, vol});
    }
    b.add(option_type::call, {100.0, 100.0, 0.0, 0.03, 0.01, 0.3}); // at the money, time 0
    results r(b.size());
    spiral::black_scholes(b.columns(), r.columns());
    for (std::size_t i = 0; i < b.size(); ++i) {
        const auto ref = spiral::black_scholes(b.type[i], b.row(i));
        INFO(describe(b, i));
        CHECK(std::abs(r.price[i] - ref.price) <= 1e-12 * std::abs(ref.price) + 1e-13);
        CHECK(std::abs(r.delta[i] - ref.delta) <= 1e-12 * std::abs(ref.delta) + 1e-15);
        CHECK(std::abs(r.vega[i] - ref.vega) <= 1e-12 * std::abs(ref.vega) + 1e-13);
        CHECK(std::abs(r.theta[i] - ref.theta) <= 1e-12 * std::abs(ref.theta) + 1e-13);
        CHECK(std::abs(r.rho[i] - ref.rho) <= 1e-12 * std::abs(ref.rho) + 1e-13);
        CHECK(std::abs(r.gamma[i] - ref.gamma) <= 1e-11 * std::abs(ref.gamma) + 1e-17);
        if (b.time[i] == 0.0 || b.vol[i] == 0.0)
            CHECK(r.gamma[i] == 0.0);
    }
    CHECK(r.price.back() == 0.0);
}

namespace {

// Lanes of `T` from a per-lane function.
template <class T, class F>
T lanes_of(F f) {
    alignas(64) double values[spiral::lanes<T>];
    for (std::size_t k = 0; k < spiral::lanes<T>; ++k)
        values[k] = f(k);
    return T::load_aligned(values);
}

template <class T>
std::vector<double> to_vector(const T& x) {
    std::vector<double> v(spiral::lanes<T>);
    x.store_unaligned(v.data());
    return v;
}

// Every lane k with k % 3 == 1 gets one kind of bad input (NaN, inf, out of range) in turn;
// the others are valid and differ from each other.
template <class T>
struct poisoned_input {
    spiral::bs_input<T> valid, bad;
    static bool is_bad(std::size_t k) { return k % 3 == 1; }
    // Every value exact in binary, so that building it cannot round differently in different
    // places (the compiler may contract a + b * k into a fused multiply-add in one and not in
    // another, and a one-ulp change of an input would show as a difference between lanes).
    static spiral::bs_input<double> lane(std::size_t k) {
        const auto x = static_cast<double>(k);
        return {90.0 + 3.0 * x, 100.0,     0.125 + 0.25 * x,
                0.03125,        0.0078125, 0.125 + 0.0625 * static_cast<double>(k % 7)};
    }
    poisoned_input() {
        const auto field = [](double spiral::bs_input<double>::*m, bool poison) {
            return lanes_of<T>([=](std::size_t k) {
                spiral::bs_input<double> in = lane(k);
                if (poison && is_bad(k)) {
                    switch ((k / 3) % 8) {
                    case 0:
                        in.spot = not_a_number;
                        break;
                    case 1:
                        in.vol = -0.1;
                        break;
                    case 2:
                        in.rate = inf;
                        break;
                    case 3:
                        in.strike = 0.0;
                        break;
                    case 4:
                        in.time = not_a_number;
                        break;
                    case 5:
                        in.dividend = -inf;
                        break;
                    case 6:
                        in.spot = -5.0;
                        break;
                    default:
                        in.time = -1.0;
                        break;
                    }
                }
                return in.*m;
            });
        };
        using I = spiral::bs_input<double>;
        valid = {field(&I::spot, false), field(&I::strike, false),   field(&I::time, false),
                 field(&I::rate, false), field(&I::dividend, false), field(&I::vol, false)};
        bad = {field(&I::spot, true), field(&I::strike, true),   field(&I::time, true),
               field(&I::rate, true), field(&I::dividend, true), field(&I::vol, true)};
    }
};

// The kernels under test, each behind one out-of-line call: the poisoned and the clean input go
// through the same machine code (two inlined copies might contract a * b + c differently).
template <class T>
[[gnu::noinline]] spiral::greeks<T> element_kernel(option_type type,
                                                   const spiral::bs_input<T>& in) {
    return spiral::black_scholes(type, in);
}
template <class T>
[[gnu::noinline]] T element_price(option_type type, const spiral::bs_input<T>& in) {
    return spiral::black_scholes_price(type, in);
}
template <class T>
[[gnu::noinline]] spiral::detail::bs_first_order<T>
first_order_kernel(const T& theta, const spiral::bs_input<T>& in) {
    return spiral::detail::black_scholes_first_order<spiral::detail::bs_need_all, true>(theta, in);
}

// Bad lanes give NaN; good lanes give exactly what they give when every lane is good.
void check_lanes(const char* name, const std::vector<double>& poisoned,
                 const std::vector<double>& clean) {
    for (std::size_t k = 0; k < poisoned.size(); ++k) {
        INFO(name << " lane " << k);
        if (k % 3 == 1)
            CHECK(std::isnan(poisoned[k]));
        else
            CHECK(poisoned[k] == clean[k]);
    }
}

template <class T>
void check_element_kernel_lanes() {
    const poisoned_input<T> in;
    for (option_type type : {option_type::call, option_type::put}) {
        const auto p = element_kernel(type, in.bad);
        const auto c = element_kernel(type, in.valid);
        check_lanes("price", to_vector(p.price), to_vector(c.price));
        check_lanes("delta", to_vector(p.delta), to_vector(c.delta));
        check_lanes("gamma", to_vector(p.gamma), to_vector(c.gamma));
        check_lanes("vega", to_vector(p.vega), to_vector(c.vega));
        check_lanes("theta", to_vector(p.theta), to_vector(c.theta));
        check_lanes("rho", to_vector(p.rho), to_vector(c.rho));
        check_lanes("vanna", to_vector(p.vanna), to_vector(c.vanna));
        check_lanes("color", to_vector(p.color), to_vector(c.color));
        check_lanes("black_scholes_price", to_vector(element_price(type, in.bad)),
                    to_vector(element_price(type, in.valid)));
    }
}

template <class T>
void check_first_order_lanes() {
    const poisoned_input<T> in;
    // mixed call/put lanes
    const T theta = lanes_of<T>([](std::size_t k) { return k % 2 == 0 ? 1.0 : -1.0; });
    const auto p = first_order_kernel(theta, in.bad);
    const auto c = first_order_kernel(theta, in.valid);
    check_lanes("price", to_vector(p.price), to_vector(c.price));
    check_lanes("delta", to_vector(p.delta), to_vector(c.delta));
    check_lanes("gamma", to_vector(p.gamma), to_vector(c.gamma));
    check_lanes("vega", to_vector(p.vega), to_vector(c.vega));
    check_lanes("theta", to_vector(p.theta), to_vector(c.theta));
    check_lanes("rho", to_vector(p.rho), to_vector(c.rho));
    // and the good lanes agree with the scalar kernel, lane by lane
    const auto prices = to_vector(c.price), deltas = to_vector(c.delta);
    for (std::size_t k = 0; k < spiral::lanes<T>; ++k) {
        const auto ref = spiral::black_scholes(k % 2 == 0 ? option_type::call : option_type::put,
                                               poisoned_input<T>::lane(k));
        INFO("lane " << k);
        CHECK(std::abs(prices[k] - ref.price) <= 1e-12 * std::abs(ref.price) + 1e-13);
        CHECK(std::abs(deltas[k] - ref.delta) <= 1e-12 * std::abs(ref.delta) + 1e-15);
    }
}

} // namespace

ARCH_TEST("NaN and out-of-range lanes do not leak into their neighbours") {
    SECTION("element kernel on a batch") {
        check_element_kernel_lanes<batch>();
    }
    SECTION("first-order kernel on a batch") {
        check_first_order_lanes<batch>();
    }
    SECTION("first-order kernel on the bulk loop's batch group") {
        check_first_order_lanes<group>();
    }
}

ARCH_TEST("price and first-order Greeks within 1e-12 rel + 1e-15 spot of 50 digits") {
    // 2 spots x 8 strikes x 5 expiries x 5 vols x 2 carries = 800 options, calls and puts mixed
    book b;
    unsigned index = 0;
    for (double spot : {100.0, 7.5})
        for (double moneyness : {0.25, 0.7, 0.9, 0.99, 1.0, 1.1, 1.5, 4.0})
            for (double time : {1.0 / 365, 30.0 / 365, 0.5, 2.0, 5.0})
                for (double vol : {0.05, 0.15, 0.4, 1.0, 2.0})
                    for (auto [rate, dividend] : {std::pair{0.045, 0.015}, std::pair{-0.01, 0.0}})
                        b.add((index++ % 3) == 0 ? option_type::put : option_type::call,
                              {spot, spot * moneyness, time, rate, dividend, vol});
    results r(b.size());
    spiral::black_scholes(b.columns(), r.columns());

    check_rows_against(b, r, oracle_greeks);
}

namespace {

template <class T>
void check_norm_cdf_tails() {
    // x from -37 (Phi = 5.7e-300) to 8.3 (Phi = 1 - 5e-17) in steps that hit every range of
    // Cody's approximation and their boundaries (|x| = 0.6629, 5.657).
    std::vector<double> xs;
    for (double x = -37.0; x <= 8.3; x += 0.0371)
        xs.push_back(x);
    for (double x : {-5.656854249492381, -5.65685424949238, -0.6629126073623883,
                     -0.6629126073623882, 0.0, 0.6629126073623883, 5.656854249492381, -1e-300})
        xs.push_back(x);
    while (xs.size() % spiral::lanes<T> != 0)
        xs.push_back(0.5);
    double worst = 0;
    double worst_x = 0;
    for (std::size_t i = 0; i < xs.size(); i += spiral::lanes<T>) {
        const auto values = to_vector(spiral::norm_cdf(T::load_unaligned(&xs[i])));
        for (std::size_t k = 0; k < values.size(); ++k) {
            const big ref = oracle::norm_cdf(big(xs[i + k]));
            const double rel = static_cast<double>(abs((big(values[k]) - ref) / ref));
            if (!(rel <= worst)) {
                worst = rel;
                worst_x = xs[i + k];
            }
        }
    }
    INFO("worst relative error " << worst << " at x = " << worst_x);
    CHECK(worst <= 1e-14);
}

} // namespace

ARCH_TEST("batch norm_cdf within 1e-14 relative of 50 digits, both tails, down to 1e-300") {
    SECTION("xsimd batch") {
        check_norm_cdf_tails<batch>();
    }
    SECTION("batch group") {
        check_norm_cdf_tails<group>();
    }
}

// ---------------------------------------------------------------------------- the core loop

ARCH_TEST("bulk layer on batch steps: results, remainders, sizes and errors") {
    test_support::check_bulk_layer<spiral::bulk_target>(
        spiral::lanes<spiral::bulk::step_t<spiral::bulk_target, double>>);
}

ARCH_TEST("float columns within the stated accuracy of the double path") {
    test_support::check_float_columns(wide_grid());
}

ARCH_TEST("implied vol columns, calls and puts in one batch, against the element functions") {
    test_support::check_implied_vol_columns(wide_grid());
}

// Issue 12 item 3: xsimd's exp converts its argument to a 64-bit integer in C++, which is
// undefined behaviour for NaN and beyond about 1e19 (clang's UBSan, and GCC's with
// -fsanitize=float-cast-overflow as the asan preset builds, report it); spiral::exp keeps
// such lanes away from it and returns the limits.
ARCH_TEST("batch exp: huge and NaN arguments give the limits, no undefined behaviour") {
    const double arguments[] = {1e19,         -1e19, 1.5e308, -1.5e308, inf,  -inf,
                                not_a_number, 709.0, -700.0,  0.5,      -0.5, 1e-300};
    for (double a : arguments) {
        const double got = spiral::exp(batch(a)).get(0);
        const double want = std::exp(a);
        INFO("exp(" << a << ") = " << got << ", std::exp: " << want);
        CHECK((std::isnan(want) ? std::isnan(got)
                                : got == want || std::abs(got - want) <= 4e-16 * want));
    }
}

// Issue 12 item 7: the bulk call either serves an input exactly or names it. Inside its domain
// (spot, strike in [1e-100, 1e100], time in [0, 50], vol 0 or [1e-8, 100], rate and
// dividend in [-2, 2]) every output at the corners is finite and within 1e-12 |ref| + 1e-15 (F
// + K') of 50 digits (F, K' the discounted forward and strike: the scale of the terms whose
// difference is the price); the inputs just outside are rejected with their value.
ARCH_TEST("domain corners: exact to the bound inside, named outside") {
    book b;
    unsigned index = 0;
    for (double spot : {2e-100, 3.0, 5e99}) // strikes from half to twice the spot
        for (double moneyness : {0.5, 1.0, 2.0})
            for (double time : {1e-300, 1e-10, 0.7, 50.0})
                for (double vol : {1e-8, 0.3, 100.0})
                    for (auto [rate, dividend] :
                         {std::pair{-2.0, 2.0}, std::pair{2.0, -2.0}, std::pair{0.05, 0.0}})
                        b.add(index++ % 2 == 0 ? option_type::put : option_type::call,
                              {spot, spot * moneyness, time, rate, dividend, vol});
    results r(b.size());
    spiral::black_scholes(b.columns(), r.columns());
    long outside = 0;
    for (std::size_t i = 0; i < b.size(); ++i) {
        const auto ref = oracle_greeks(b.type[i], b.row(i));
        const spiral::bs_input<double> in = b.row(i);
        const double scale =
            in.spot * std::exp(-in.dividend * in.time) + in.strike * std::exp(-in.rate * in.time);
        const double got[6] = {r.price[i], r.delta[i], r.gamma[i], r.vega[i], r.theta[i], r.rho[i]};
        const big want[6] = {ref.price, ref.delta, ref.gamma, ref.vega, ref.theta, ref.rho};
        // delta and gamma carry no price unit: their absolute part is relative to 1 and 1/S
        const double absolute[6] = {scale,
                                    1.0,
                                    1.0 / in.spot,
                                    scale * std::sqrt(in.time),
                                    scale * (in.vol + 1) / std::sqrt(in.time),
                                    scale * in.time};
        for (std::size_t j = 0; j < 6; ++j) {
            const double w = static_cast<double>(want[j]);
            const bool ok = std::isfinite(got[j]) &&
                            std::abs(got[j] - w) <= 1e-11 * std::abs(w) + 1e-14 * absolute[j];
            if (!ok && outside++ < 10)
                UNSCOPED_INFO(describe(b, i) << " output " << j << ": " << got[j] << " vs " << w);
        }
    }
    CHECK(outside == 0);

    // the minimal inputs
    const auto message = [](double spot, double strike, double time, double vol) {
        book one;
        one.add(option_type::call, {spot, strike, time, 0.0, 0.0, vol});
        results out(1);
        try {
            spiral::black_scholes(one.columns(), out.columns());
        } catch (const spiral::invalid_argument& e) {
            return std::string(e.what());
        }
        return std::string("(no exception)");
    };
    CHECK(message(8.3e-317, 47885, 0.5, 0.2) ==
          "spiral: black_scholes: spot[0] = 8.3e-317 (must be in [1e-100, 1e+100])");
    CHECK(message(1.79e308, 100, 0.5, 0.2) ==
          "spiral: black_scholes: spot[0] = 1.79e+308 (must be in [1e-100, 1e+100])");
    CHECK(message(100, 100, 0.5, 1.79e308) ==
          "spiral: black_scholes: vol[0] = 1.79e+308 (must be 0 or in [1e-08, 100])");
    CHECK(message(100, 100, 9.5e170, 0.2) ==
          "spiral: black_scholes: time[0] = 9.5e+170 (must be in [0, 50])");
}

} // namespace simd_tests_black_scholes

#undef ARCH_TEST
