// Run-time choice of the CPU target, for programs shipped as one binary to mixed fleets.
//
//   target_link_libraries(app PRIVATE spiral::dispatch)
//   spiral::dispatch::black_scholes(columns, greeks);    // AVX-512, AVX2+FMA or SSE2 (NEON on
//   spiral::dispatch::target_name();                      // AArch64): the best this CPU runs
//
// The same bulk entry points as the header-only ones, compiled once per target by the
// spiral::dispatch library (built from sources, with each target's flags, in spiral's build or,
// after find_package(spiral), in the consumer's) and chosen on the first call by xsimd's own
// dispatch (xsimd::dispatch over the CPU's features). The translation units that use this
// header need no SIMD flags and no xsimd.
/// \file
/// \ingroup core
/// \brief Run-time choice of the CPU target (link spiral::dispatch).
#pragma once

#include <spiral/core/config.hpp>
#include <spiral/margin/bulk.hpp>
#include <spiral/options/bulk.hpp>
#include <spiral/options/implied_vol_bulk.hpp>

#include <span>
#include <string_view>

namespace spiral::dispatch {

/// The target this CPU runs: "avx512bw", "fma3+avx2", "sse2", "arm64+neon".
std::string_view target_name() noexcept;

/// spiral::black_scholes over columns of double, on the best target.
void black_scholes(const bs_columns& in, const greeks_columns& out);
/// spiral::black_scholes over columns of float, on the best target.
void black_scholes(const basic_bs_columns<float>& in, const basic_greeks_columns<float>& out);

/// spiral::implied_vol over columns, on the best target.
void implied_vol(const implied_vol_columns& in, std::span<double> vol);

/// spiral::margin::position_requirement over columns, on the best target.
void position_requirement(const margin::option_rule& rule, const margin::option_rule_columns& in,
                          const margin::requirement_columns& out);

} // namespace spiral::dispatch
