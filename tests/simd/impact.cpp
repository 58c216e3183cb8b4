// Impact curves on xsimd batches: every lane equals the scalar kernel (same formulas; exp,
// log and sqrt come from xsimd instead of the C library), including the saturated region,
// q = 0, +inf and NaN lanes. Built for SSE2, AVX2 and AVX-512.
#include <spiral/impact/impact.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

namespace simd_tests_impact {

namespace impact = spiral::impact;

namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();
constexpr double quiet_nan = std::numeric_limits<double>::quiet_NaN();

/// Quantities spanning [0, hi * 3] (beyond saturation for the finite curves) with 0, +inf and
/// NaN among them; the count is no multiple of any batch width.
std::vector<double> quantities(double hi) {
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::vector<double> q{0.0, infinity, quiet_nan, hi, hi / 3};
    for (int i = 0; i < 250; ++i)
        q.push_back(3 * hi * std::pow(unit(rng), 3.0));
    return q;
}

bool same(double lane, double scalar, double relative, double absolute) {
    if (std::isnan(scalar))
        return std::isnan(lane);
    if (lane == scalar)
        return true;
    return std::abs(lane - scalar) <=
           relative * std::max(std::abs(lane), std::abs(scalar)) + absolute;
}

/// Lanes agree with the scalar kernel to `relative` plus `absolute` (price factors are <= 1:
/// the absolute floor covers results that cancel towards 0).
template <class T, class C>
void check_lanes(const C& curve, double hi, double relative, double absolute) {
    using S = typename T::value_type;
    constexpr std::size_t width = T::size;
    INFO(SPIRAL_TEST_ARCH_NAME << ", " << width << " lanes of " << sizeof(S) * 8 << " bits");
    const auto qs = quantities(hi);
    std::vector<S> in(qs.size() + width), price(in.size()), proceeds(in.size()),
        marginal(in.size()), average(in.size());
    for (std::size_t i = 0; i < qs.size(); ++i)
        in[i] = static_cast<S>(qs[i]);
    for (std::size_t i = 0; i < qs.size(); i += width) {
        const T q = T::load_unaligned(&in[i]);
        curve.price_factor(q).store_unaligned(&price[i]);
        curve.proceeds(q).store_unaligned(&proceeds[i]);
        spiral::marginal_price(curve, q).store_unaligned(&marginal[i]);
        spiral::average_price(curve, q).store_unaligned(&average[i]);
    }
    for (std::size_t i = 0; i < qs.size(); ++i) {
        const S q = in[i];
        INFO("q = " << q);
        CHECK(same(price[i], curve.price_factor(q), relative, absolute));
        CHECK(same(proceeds[i], curve.proceeds(q), relative, absolute));
        CHECK(same(marginal[i], spiral::marginal_price(curve, q), relative, absolute));
        // at the scale of proceeds: the quotient of a difference (resilient) is no more
        // accurate than the difference
        CHECK(same(average[i] * q, spiral::average_price(curve, q) * q, relative, absolute));
    }
}

template <class C>
void check_both(const C& curve, double hi, double absolute = 4e-16) {
    check_lanes<xsimd::batch<double>>(curve, hi, 1e-14, absolute);
    check_lanes<xsimd::batch<float>>(curve, hi, 1e-5, absolute * 1e9);
}

} // namespace

TEST_CASE("impact curves: batch lanes equal the scalar kernels") {
    check_both(impact::linear{0.02}, 50);
    check_both(impact::exponential{0.05}, 100);
    check_both(impact::square_root{.sigma = 0.04, .volume = 1e6, .y = 0.8}, 1e9);
    check_both(impact::power_law::three_fifths(0.3, 1e5), 1e9);
    check_both(impact::power_law{.eta = 0.4, .volume = 100, .exponent = 1.7}, 200);
    check_both(impact::constant_product{400, 8e5, 0.003}, 1e4);
    check_both(impact::stableswap{200, 1e6, 8e5, 0.0004}, 5e6);
    check_both(impact::scaled_depth{impact::constant_product{400, 8e5, 0.003}, 0.3}, 1e4);
    // resilient: proceeds(D + q) - proceeds(D) is accurate relative to proceeds(D) (~33
    // here), not to itself when q << D (one ulp of exp there becomes many ulps of the
    // difference): compare at that scale.
    check_both(impact::resilient{impact::exponential{0.01}, 0.5, 40.0}, 500, 33 * 1e-15);
}

TEST_CASE("run-time data curves: the batch sweep equals the scalar binary search") {
    const impact::order_book book({{99.0, 5}, {100.0, 2}, {97.5, 10}, {90.0, 4}}, 100.5);
    check_both(book, book.depth());
    const impact::concentrated_liquidity pool(
        1.0, {{0.25, 4.0, 10.0}, {0.64, 1.21, 30.0}, {0.16, 0.25, 5.0}, {0.01, 0.09, 2.0}}, 0.003);
    check_both(pool, pool.capacity());
    const impact::order_book empty;
    check_lanes<xsimd::batch<double>>(empty, 1.0, 0, 0);
}

TEST_CASE("expm1 on double batches (" SPIRAL_TEST_ARCH_NAME "): within 2 ulps of long double "
          "expm1l, from subnormal arguments to overflow") {
    using batch = xsimd::batch<double>;
    std::vector<double> x{0.0,    -0.0,    5e-324,   -5e-324, 1e-300,   -1e-300,   1e-9,
                          -1e-9,  0.34657, -0.34657, 0.5,     -0.5,     1.0,       -1.0,
                          -39.9,  -40.0,   -41.0,    -800.0,  700.0,    709.0,     709.78,
                          709.79, 710.0,   1e300,    -1e300,  infinity, -infinity, quiet_nan};
    std::mt19937_64 rng(11);
    std::uniform_real_distribution<double> exponent(-20.0, 2.86); // |x| up to 10^2.86 ~ 724
    for (int i = 0; i < 4000; ++i)
        x.push_back((i % 2 ? -1 : 1) * std::pow(10.0, exponent(rng)));
    x.resize((x.size() + batch::size - 1) / batch::size * batch::size, 0.5);
    std::vector<double> lanes(x.size());
    for (std::size_t i = 0; i < x.size(); i += batch::size)
        impact::detail::expm1(batch::load_unaligned(&x[i])).store_unaligned(&lanes[i]);
    double worst_ulps = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        INFO("x = " << x[i] << ", lane " << lanes[i]);
        const long double reference = std::expm1l(static_cast<long double>(x[i]));
        const double rounded = static_cast<double>(reference);
        if (std::isnan(x[i])) {
            CHECK(std::isnan(lanes[i]));
        } else if (std::isinf(rounded) || rounded == 0) {
            CHECK(lanes[i] == rounded);
        } else {
            const double ulp = std::nextafter(std::abs(rounded), infinity) - std::abs(rounded);
            const double ulps = static_cast<double>(std::abs(lanes[i] - reference) / ulp);
            worst_ulps = std::max(worst_ulps, ulps);
            CHECK(ulps <= 2.0);
        }
    }
    UNSCOPED_INFO("expm1 worst error " << worst_ulps << " ulps");
}

} // namespace simd_tests_impact
