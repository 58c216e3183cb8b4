// Normal distribution and elementary functions against the 50-digit oracle.
#include <spiral/core/math.hpp>
#include <spiral/core/normal.hpp>

#include "../support/oracle.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace unit_tests_normal {

namespace {

double relative_error(double value, const oracle::real& ref) {
    return static_cast<double>(abs((oracle::real(value) - ref) / ref));
}

constexpr double quiet_nan = std::numeric_limits<double>::quiet_NaN();
constexpr double infinity = std::numeric_limits<double>::infinity();

} // namespace

TEST_CASE("norm_cdf: relative accuracy in both tails against 50 digits") {
    // Down to x = -37.5, where Phi(x) ~ 5e-308 is still a normal double; the upper tail is
    // 1 - Phi(-x), absolutely accurate. Step 0.0137 is irregular so points miss range edges.
    double worst = 0, worst_at = 0;
    for (double x = -37.5; x <= 9.0; x += 0.0137) {
        const double err = relative_error(spiral::norm_cdf(x), oracle::norm_cdf(oracle::real(x)));
        if (err > worst) {
            worst = err;
            worst_at = x;
        }
    }
    INFO("worst relative error " << worst << " at x = " << worst_at);
    CHECK(worst < 2e-15);
    // Each range boundary of the rational approximations, from both sides.
    for (double edge : {0.46875, 4.0}) {
        for (double x : {edge * std::sqrt(2.0), -edge * std::sqrt(2.0)}) {
            for (double y : {std::nextafter(x, -infinity), x, std::nextafter(x, infinity)})
                CHECK(relative_error(spiral::norm_cdf(y), oracle::norm_cdf(oracle::real(y))) <
                      2e-15);
        }
    }
}

TEST_CASE("norm_cdf: limits, symmetry and NaN") {
    CHECK(spiral::norm_cdf(0.0) == 0.5);
    CHECK(spiral::norm_cdf(-infinity) == 0.0);
    CHECK(spiral::norm_cdf(infinity) == 1.0);
    CHECK(spiral::norm_cdf(-40.0) == 0.0);
    CHECK(std::isnan(spiral::norm_cdf(quiet_nan)));
    for (double x = 0.01; x < 8; x += 0.173) // Phi(x) + Phi(-x) = 1
        CHECK(std::abs(spiral::norm_cdf(x) + spiral::norm_cdf(-x) - 1.0) <= 2e-16);
    // Monotone across the whole range, including the range boundaries.
    double previous = 0;
    for (double x = -38; x < 9; x += 0.001) {
        const double v = spiral::norm_cdf(x);
        CHECK(v >= previous);
        previous = v;
    }
}

TEST_CASE("norm_pdf and erfc against 50 digits") {
    double worst_pdf = 0, worst_erfc = 0;
    for (double x = -37.5; x <= 37.5; x += 0.0173)
        worst_pdf = std::max(
            worst_pdf, relative_error(spiral::norm_pdf(x), oracle::norm_pdf(oracle::real(x))));
    for (double x = -6; x <= 26.5; x += 0.0093)
        worst_erfc =
            std::max(worst_erfc, relative_error(spiral::erfc(x), oracle::erfc(oracle::real(x))));
    INFO("pdf " << worst_pdf << ", erfc " << worst_erfc);
    CHECK(worst_pdf < 1e-15);
    CHECK(worst_erfc < 2e-15);
    CHECK(std::isnan(spiral::norm_pdf(quiet_nan)));
    CHECK(spiral::norm_pdf(infinity) == 0.0);
    CHECK(spiral::erfc(infinity) == 0.0);
    CHECK(spiral::erfc(-infinity) == 2.0);
}

TEST_CASE("Mills ratio and the tail ratio: one rational over the half-line, against 50 digits") {
    // m(a) = Phi(-a) / phi(a) and Phi(-a) / exp(-a^2/2) from 0 to 1e4 (the fit spans ~6e12;
    // the implied vol solver uses m up to a = 57), and the two-at-once form of the bulk kernel.
    double worst_mills = 0, worst_tail = 0, worst_pair = 0;
    auto mills_ref = [](double a) {
        const oracle::real x(a);
        return oracle::real(oracle::norm_cdf(-x) / oracle::norm_pdf(x));
    };
    for (double a = 0; a < 1e4; a = a < 60 ? a + 0.0173 : a * 1.37) {
        const oracle::real ref = mills_ref(a);
        worst_mills = std::max(worst_mills, relative_error(spiral::detail::mills_ratio(a), ref));
        worst_tail = std::max(worst_tail, relative_error(spiral::detail::normal_tail_ratio(a),
                                                         ref * oracle::norm_pdf(oracle::real(0))));
    }
    for (double x1 = -37.1; x1 <= 9.0; x1 += 0.0731) { // x2 = x1 - 0.37: Phi(x2) still normal
        const double x2 = x1 - 0.37;
        const auto both =
            spiral::detail::norm_cdf_pair_given_exp(x1, spiral::detail::exp_neg_half_square(x1), x2,
                                                    spiral::detail::exp_neg_half_square(x2));
        worst_pair =
            std::max({worst_pair, relative_error(both.first, oracle::norm_cdf(oracle::real(x1))),
                      relative_error(both.second, oracle::norm_cdf(oracle::real(x2)))});
    }
    INFO("mills " << worst_mills << ", tail ratio " << worst_tail << ", pair " << worst_pair);
    CHECK(worst_mills < 2e-15);
    CHECK(worst_tail < 2e-15);
    CHECK(worst_pair < 3e-15);
    CHECK(spiral::detail::normal_tail_ratio(0.0) == 0.5);
}

TEST_CASE("norm_quantile: full precision from 1e-300 to 1 - 1e-16") {
    double worst = 0, worst_at = 0;
    auto check = [&](double p) {
        const double err =
            relative_error(spiral::norm_quantile(p), oracle::norm_quantile(oracle::real(p)));
        if (err > worst) {
            worst = err;
            worst_at = p;
        }
    };
    for (double p = 1e-300; p < 0.05; p *= 1.37)
        check(p);
    for (double p = 0.0011; p < 1; p += 0.00613)
        if (std::abs(p - 0.5) > 1e-9)
            check(p);
    for (double tail = 1e-16; tail < 0.05; tail *= 1.29)
        check(1 - tail);
    INFO("worst relative error " << worst << " at p = " << worst_at);
    CHECK(worst < 2e-15);
}

TEST_CASE("norm_quantile: inverse of norm_cdf, limits and invalid p") {
    // Below the median Phi keeps full relative precision, so the round trip is well
    // conditioned there; above it, 1 - Phi(x) has lost digits to rounding near 1.
    for (double x = -37; x < 0.3; x += 0.0911)
        CHECK(std::abs(spiral::norm_quantile(spiral::norm_cdf(x)) - x) <=
              2e-15 * std::max(1.0, std::abs(x)));
    CHECK(spiral::norm_quantile(0.5) == 0.0);
    CHECK(spiral::norm_quantile(0.0) == -infinity);
    CHECK(spiral::norm_quantile(1.0) == infinity);
    CHECK(std::isnan(spiral::norm_quantile(-0.1)));
    CHECK(std::isnan(spiral::norm_quantile(1.1)));
    CHECK(std::isnan(spiral::norm_quantile(quiet_nan)));
}

TEST_CASE("constant-evaluation kernels agree with the C library") {
    // The constexpr series are only used at compile time; here they run at run time so every
    // input can be compared with glibc (whose exp/log/sqrt are within an ulp).
    for (double x = -745; x < 709.7; x += 0.731) {
        const double ref = std::exp(x);
        CHECK(std::abs(spiral::detail::constexpr_exp(x) - ref) <= 4e-16 * ref + 5e-324);
    }
    for (double x = 1e-310; x < 1e300; x *= 3.7) {
        const double ref = std::log(x);
        CHECK(std::abs(spiral::detail::constexpr_log(x) - ref) <=
              4e-16 * std::max(1.0, std::abs(ref)));
        CHECK(spiral::detail::constexpr_sqrt(x) == std::sqrt(x)); // sqrt is correctly rounded
    }
    CHECK(spiral::detail::constexpr_exp(710.0) == infinity);
    CHECK(spiral::detail::constexpr_exp(-746.0) == 0.0);
    CHECK(std::isnan(spiral::detail::constexpr_log(-1.0)));
    CHECK(spiral::detail::constexpr_log(0.0) == -infinity);
    CHECK(std::isnan(spiral::detail::constexpr_sqrt(-1.0)));
}

TEST_CASE("two_product_error is exact") {
    // a*b = p + e exactly, checked in 50 digits; scalar (FMA or Dekker) and float.
    for (double a = 1.0 / 3; a < 1e6; a *= 7.31)
        for (double b = 0.7; b < 1e5; b *= 11.3) {
            const double p = a * b;
            const double e = spiral::detail::two_product_error(a, b);
            CHECK(oracle::real(a) * oracle::real(b) == oracle::real(p) + oracle::real(e));
        }
    const float fa = 1.0f / 3.0f, fb = 7.0f / 11.0f;
    const float fe = spiral::detail::two_product_error(fa, fb);
    CHECK(oracle::real(fa) * oracle::real(fb) == oracle::real(fa * fb) + oracle::real(fe));
}

TEST_CASE("select, min, max, clamp, abs on scalars") {
    CHECK(spiral::select(true, 1.0, 2.0) == 1.0);
    CHECK(spiral::select(false, 1.0, 2.0) == 2.0);
    CHECK(spiral::min(1.0, 2.0) == 1.0);
    CHECK(spiral::max(1.0, 2.0) == 2.0);
    CHECK(std::isnan(spiral::min(1.0, quiet_nan))); // NaN in the second place passes through
    CHECK(std::isnan(spiral::clamp(quiet_nan, 0.0, 1.0)));
    CHECK(spiral::clamp(5.0, 0.0, 1.0) == 1.0);
    CHECK(spiral::clamp(-5.0, 0.0, 1.0) == 0.0);
    CHECK(spiral::abs(-2.5) == 2.5);
    CHECK(!std::signbit(spiral::abs(-0.0)));
}

} // namespace unit_tests_normal
