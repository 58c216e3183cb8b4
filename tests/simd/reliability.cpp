// Regression tests of issue 12 on xsimd batches: findings that only the batch forms of the
// kernels showed, checked against the same 50-digit evaluation as their scalar forms in
// tests/unit/reliability.cpp.
#include <spiral/simd.hpp>

#include <spiral/haircut/liquidity.hpp>
#include <spiral/haircut/wrong_way.hpp>
#include <spiral/impact/power_law.hpp>

#include <catch2/catch.hpp>

#include "support/oracle.hpp"

#include <cstddef>

namespace simd_tests_reliability {

namespace hc = spiral::haircut;
namespace impact = spiral::impact;
using spiral::collateral;

namespace {

using batch = xsimd::batch<double>;

} // namespace

TEST_CASE("reliability 9 (" SPIRAL_TEST_ARCH_NAME "): a subnormal share of the volume gives the "
          "same power-law haircut on batches as the 50-digit value",
          "[reliability][haircut]") {
    // q / V = 1e-300 / 9.86e7 is subnormal, where xsimd's log is wrong: the batch haircut
    // was 0.002849 against 0.003798.
    const hc::liquidity model{impact::power_law{0.953, 9.86e7, 0.00778}};
    // q itself normal (a subnormal q keeps only its own few bits through proceeds(q) / q)
    for (const double q : {1e-300, 2e-301, 3e-305, 1e-3, 5.0}) {
        const double expected = oracle::power_law_haircut(0.953, 9.86e7, 0.00778, q);
        const collateral<batch> rows{batch(q), batch(1.0), batch(0.5), batch(0.0)};
        alignas(64) double lanes[batch::size];
        model(rows).store_aligned(lanes);
        INFO("q = " << q);
        for (std::size_t k = 0; k < batch::size; ++k)
            CHECK(lanes[k] == Approx(expected).epsilon(1e-12)); // 1 - proceeds / q cancels
    }
}

TEST_CASE("reliability 9 (" SPIRAL_TEST_ARCH_NAME "): wrong-way haircut on batches at a "
          "volatility whose square overflows",
          "[reliability][haircut]") {
    const hc::wrong_way below_median{0.5, 0.4};
    const hc::wrong_way standard{0.5};
    const collateral<batch> rows{batch(1.0), batch(1.0), batch(1e155), batch(0.3)};
    alignas(64) double lanes[batch::size];
    below_median(rows).store_aligned(lanes);
    for (std::size_t k = 0; k < batch::size; ++k)
        CHECK(lanes[k] == 0);
    standard(rows).store_aligned(lanes);
    for (std::size_t k = 0; k < batch::size; ++k)
        CHECK(lanes[k] == 1);
}

} // namespace simd_tests_reliability
