// The entry points of one CPU target, declared for every target the library is built for:
// each overload takes the target's xsimd architecture as its first argument and is defined in
// target_<name>.cpp (targets.ipp compiled with that target's flags). dispatch.cpp chooses.
#pragma once

#include <spiral/dispatch.hpp>

#include <xsimd/xsimd.hpp>

namespace spiral::dispatch::detail {

#define SPIRAL_DISPATCH_DECLARE(Arch)                                                              \
    void black_scholes(Arch, const bs_columns&, const greeks_columns&);                            \
    void black_scholes(Arch, const basic_bs_columns<float>&, const basic_greeks_columns<float>&);  \
    void implied_vol(Arch, const implied_vol_columns&, std::span<double>);                         \
    void position_requirement(Arch, const margin::option_rule&,                                    \
                              const margin::option_rule_columns&,                                  \
                              const margin::requirement_columns&);
SPIRAL_DISPATCH_DECLARE(xsimd::sse2)
SPIRAL_DISPATCH_DECLARE(xsimd::fma3<xsimd::avx2>)
SPIRAL_DISPATCH_DECLARE(xsimd::avx512bw)
SPIRAL_DISPATCH_DECLARE(xsimd::neon64)
#undef SPIRAL_DISPATCH_DECLARE

} // namespace spiral::dispatch::detail
