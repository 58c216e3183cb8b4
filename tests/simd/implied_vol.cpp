// spiral::implied_stddev on xsimd batches (built for SSE2, AVX2 and AVX-512):
//   - each lane against the true s of a long double reference price, with the tolerance of
//     the scalar tests (1e-14 s plus what rounding the inputs explains);
//   - against the scalar kernel lane by lane, with lanes of every kind mixed in one batch
//     (deep in/out of the money, tiny and huge s, prices at the intrinsic value, NaN inputs,
//     prices outside the bounds): NaN and 0 lanes must match exactly, the others within the
//     same tolerance (never bitwise: batch exp/log differ from the C library's);
//   - float batches against float scalars;
//   - the solver's division-free batch logarithm against the C library's in long double.
#include <spiral/options/implied_vol.hpp>

#include "support/black76_reference.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <random>
#include <vector>

#define ARCH_TEST(name) TEST_CASE("implied_vol simd " SPIRAL_TEST_ARCH_NAME ": " name)

namespace simd_tests_implied_vol {

namespace {

using spiral::option_type;
using batch = xsimd::batch<double>;
using batch_float = xsimd::batch<float>;
constexpr double u = 0x1p-53;
constexpr double solver_relative = 1e-14;

using test_support::black76_price;
using test_support::black76_vega;

struct option_row {
    double price, forward, strike, discount, s;
};

// Solves rows in batches of batch::size (the tail padded with a copy of the first row).
template <class B, class Row>
std::vector<typename B::value_type> solve_batches(option_type type, const std::vector<Row>& rows) {
    using V = typename B::value_type;
    constexpr std::size_t width = B::size;
    std::vector<V> out(rows.size());
    for (std::size_t i = 0; i < rows.size(); i += width) {
        std::array<V, width> p{}, f{}, k{}, d{}, s{};
        for (std::size_t j = 0; j < width; ++j) {
            const Row& r = rows[std::min(i + j, rows.size() - 1)];
            p[j] = static_cast<V>(r.price);
            f[j] = static_cast<V>(r.forward);
            k[j] = static_cast<V>(r.strike);
            d[j] = static_cast<V>(r.discount);
        }
        const B found =
            spiral::implied_stddev(type, B::load_unaligned(p.data()), B::load_unaligned(f.data()),
                                   B::load_unaligned(k.data()), B::load_unaligned(d.data()));
        found.store_unaligned(s.data());
        for (std::size_t j = 0; j < width && i + j < rows.size(); ++j)
            out[i + j] = s[j];
    }
    return out;
}

// A shuffled grid over |x| <= 8, s in [1e-3, 8], so every batch mixes branches.
std::vector<option_row> grid(option_type type, double discount) {
    std::vector<option_row> rows;
    const double forward = 100;
    for (int i = 0; i <= 80; ++i) {
        const double x = -8 + 0.2 * i;
        const double strike = forward * std::exp(-x);
        for (int j = 0; j <= 60; ++j) {
            const double s = 1e-3 * std::pow(8000.0, j / 60.0);
            const double price =
                static_cast<double>(black76_price(type, forward, strike, s, discount));
            rows.push_back({price, forward, strike, discount, s});
        }
    }
    std::mt19937_64 rng(7);
    std::shuffle(rows.begin(), rows.end(), rng);
    return rows;
}

} // namespace

ARCH_TEST("every lane within 1e-14 s (plus input rounding) of the true s") {
    for (option_type type : {option_type::call, option_type::put}) {
        const auto rows = grid(type, 0.9);
        const auto found = solve_batches<batch>(type, rows);
        double worst = 0;
        std::size_t checked = 0;
        for (std::size_t i = 0; i < rows.size(); ++i) {
            const auto& r = rows[i];
            const double low =
                r.discount *
                std::max(type == option_type::call ? r.forward - r.strike : r.strike - r.forward,
                         0.0);
            if (!(r.price > low) || r.price < 1e-290 * r.forward)
                continue;
            const double vega = black76_vega(r.forward, r.strike, r.s, r.discount);
            const double x = std::log(r.forward / r.strike);
            const double tolerance = solver_relative * r.s + 4 * u * r.price / vega +
                                     4 * 0x1p-64 * (1 + std::abs(x) / r.s);
            INFO("F " << r.forward << " K " << r.strike << " s " << r.s << " found " << found[i]);
            REQUIRE(std::isfinite(found[i]));
            worst = std::max(worst, std::abs(found[i] - r.s) / tolerance);
            ++checked;
        }
        INFO("worst error / tolerance " << worst << " over " << checked);
        CHECK(worst <= 1.0);
        CHECK(checked > 2000);
    }
}

ARCH_TEST("batch equals scalar lane by lane, special lanes included") {
    std::vector<option_row> rows;
    std::mt19937_64 rng(11);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    for (option_type type : {option_type::call, option_type::put}) {
        rows.clear();
        for (int i = 0; i < 4000; ++i) {
            const double forward = std::exp(-3 + 6 * unit(rng));
            const double strike = forward * std::exp(-10 + 20 * unit(rng));
            const double discount = 0.5 + 0.5 * unit(rng);
            const double s = std::exp(std::log(1e-3) + std::log(1e4) * unit(rng));
            double price = static_cast<double>(black76_price(type, forward, strike, s, discount));
            const double low =
                discount *
                std::max(type == option_type::call ? forward - strike : strike - forward, 0.0);
            const double high = discount * (type == option_type::call ? forward : strike);
            switch (i % 13) { // special lanes among the ordinary ones
            case 3:
                price = low;
                break; // exactly intrinsic: 0
            case 5:
                price = std::nextafter(low, -inf);
                break; // below: NaN
            case 7:
                price = high;
                break; // at the limit: NaN
            case 9:
                price = nan;
                break; // NaN input
            case 11:
                price = low + (high - low) * 1e-250;
                break; // tiny time value
            default:
                break;
            }
            rows.push_back({price, forward, strike, discount, s});
        }
        rows.push_back({1.0, -1.0, 1.0, 1.0, 0.1}); // invalid forward
        rows.push_back({1.0, 1.0, 1.0, 0.0, 0.1});  // invalid discount
        const auto batched = solve_batches<batch>(type, rows);
        double worst = 0;
        for (std::size_t i = 0; i < rows.size(); ++i) {
            const auto& r = rows[i];
            const double scalar =
                spiral::implied_stddev(type, r.price, r.forward, r.strike, r.discount);
            INFO("lane " << i << " price " << r.price << " F " << r.forward << " K " << r.strike
                         << " D " << r.discount << " scalar " << scalar << " batch " << batched[i]);
            REQUIRE(std::isnan(scalar) == std::isnan(batched[i]));
            REQUIRE((scalar == 0) == (batched[i] == 0));
            if (std::isnan(scalar) || scalar == 0)
                continue;
            // Both within 1e-14 relative of the root (plus input rounding): compare with twice
            // that, where vega is evaluated at the root found.
            const double vega = black76_vega(r.forward, r.strike, scalar, r.discount);
            const double tolerance = 2 * solver_relative * scalar + 8 * u * r.price / vega;
            worst = std::max(worst, std::abs(batched[i] - scalar) / tolerance);
        }
        INFO("worst |batch - scalar| / tolerance " << worst);
        CHECK(worst <= 1.0);
    }
}

ARCH_TEST("float batches equal float scalars") {
    for (option_type type : {option_type::call, option_type::put}) {
        const auto rows = grid(type, 0.9);
        std::vector<option_row> usable;
        for (const auto& r : rows)
            if (static_cast<float>(r.price) > 1e-30f * static_cast<float>(r.forward))
                usable.push_back(r);
        const auto batched = solve_batches<batch_float>(type, usable);
        double worst = 0;
        for (std::size_t i = 0; i < usable.size(); ++i) {
            const auto& r = usable[i];
            const float p = static_cast<float>(r.price), f = static_cast<float>(r.forward),
                        k = static_cast<float>(r.strike), d = static_cast<float>(r.discount);
            const float scalar = spiral::implied_stddev(type, p, f, k, d);
            INFO("price " << p << " F " << f << " K " << k << " scalar " << scalar << " batch "
                          << batched[i]);
            REQUIRE(std::isnan(scalar) == std::isnan(batched[i]));
            if (std::isnan(scalar) || scalar == 0)
                continue;
            const double vega = black76_vega(f, k, scalar, d);
            const double tolerance = 8e-6 * scalar + 8 * 0x1p-24 * p / vega;
            worst = std::max(worst, std::abs(static_cast<double>(batched[i]) - scalar) / tolerance);
        }
        INFO("worst |batch - scalar| / tolerance " << worst);
        CHECK(worst <= 1.0);
    }
}

ARCH_TEST("the low-latency batch log is within 1.1 ulp, special values as log") {
    std::mt19937_64 rng(4242);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    constexpr std::size_t width = batch::size;
    double worst_ulps = 0;
    for (int i = 0; i < 200000; ++i) {
        std::array<double, width> v{}, got{};
        for (auto& e : v) {
            const double pick = unit(rng);
            e = pick < 0.4   ? std::exp(unit(rng) * 1400 - 700) // the whole normal range
                : pick < 0.8 ? 0.5 + 1.5 * unit(rng)            // both sides of sqrt(1/2), sqrt(2)
                             : 1 + 1e-6 * (unit(rng) - 0.5);    // near 1: relative accuracy
        }
        spiral::detail::log_low_latency(batch::load_unaligned(v.data()))
            .store_unaligned(got.data());
        for (std::size_t j = 0; j < width; ++j) {
            const long double exact = std::log(static_cast<long double>(v[j]));
            const double ulp = std::abs(std::nextafter(static_cast<double>(exact), 0.0) -
                                        static_cast<double>(exact));
            if (ulp > 0)
                worst_ulps = std::max(
                    worst_ulps,
                    static_cast<double>(std::abs(static_cast<long double>(got[j]) - exact)) / ulp);
        }
    }
    INFO("worst error in ulps " << worst_ulps);
    CHECK(worst_ulps <= 1.1);

    const double inf = std::numeric_limits<double>::infinity();
    std::array<double, width> special{}, got{};
    const double values[] = {0.0,    -1.0,     inf, std::numeric_limits<double>::quiet_NaN(),
                             1e-310, 4.9e-324, 1.0, 2.0};
    for (std::size_t j = 0; j < width; ++j)
        special[j] = values[j % 8];
    spiral::detail::log_low_latency(batch::load_unaligned(special.data()))
        .store_unaligned(got.data());
    for (std::size_t j = 0; j < width; ++j) {
        const double expected = std::log(special[j]);
        INFO("log(" << special[j] << ") = " << got[j] << ", C library " << expected);
        if (std::isnan(expected))
            CHECK(std::isnan(got[j]));
        else if (std::isinf(expected) || expected == 0)
            CHECK(got[j] == expected);
        else
            CHECK(std::abs(got[j] - expected) <= 4e-16 * std::abs(expected));
    }
}

} // namespace simd_tests_implied_vol

#undef ARCH_TEST
