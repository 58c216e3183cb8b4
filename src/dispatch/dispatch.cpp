// spiral::dispatch: the best target this CPU runs, chosen by xsimd's dispatch among those the
// library was built for (SPIRAL_DISPATCH_HAS_<TARGET>, set by cmake/spiral_dispatch.cmake).
// Compiled for the baseline target: nothing here runs vector code of its own.
#include "targets.hpp"

namespace spiral::dispatch {
namespace {

// Best first, as xsimd::dispatch expects: it takes the first one the CPU supports.
using built_targets = xsimd::arch_list<
#if SPIRAL_DISPATCH_HAS_AVX512
    xsimd::avx512bw,
#endif
#if SPIRAL_DISPATCH_HAS_AVX2
    xsimd::fma3<xsimd::avx2>,
#endif
#if SPIRAL_DISPATCH_HAS_SSE2
    xsimd::sse2
#elif SPIRAL_DISPATCH_HAS_NEON64
    xsimd::neon64
#endif
    >;

/// The entry points of one target, as plain function pointers.
struct entry_points {
    std::string_view name;
    void (*black_scholes)(const bs_columns&, const greeks_columns&);
    void (*black_scholes_float)(const basic_bs_columns<float>&, const basic_greeks_columns<float>&);
    void (*implied_vol)(const implied_vol_columns&, std::span<double>);
    void (*position_requirement)(const margin::option_rule&, const margin::option_rule_columns&,
                                 const margin::requirement_columns&);
};

template <class Target>
entry_points entry_points_of() noexcept {
    return {Target::name(),
            [](const bs_columns& in, const greeks_columns& out) {
                detail::black_scholes(Target{}, in, out);
            },
            [](const basic_bs_columns<float>& in, const basic_greeks_columns<float>& out) {
                detail::black_scholes(Target{}, in, out);
            },
            [](const implied_vol_columns& in, std::span<double> vol) {
                detail::implied_vol(Target{}, in, vol);
            },
            [](const margin::option_rule& rule, const margin::option_rule_columns& in,
               const margin::requirement_columns& out) {
                detail::position_requirement(Target{}, rule, in, out);
            }};
}

/// The best target's entry points, chosen once (xsimd's dispatcher is noexcept, so it only
/// chooses; the calls, which may throw spiral::invalid_argument, happen outside it).
const entry_points& best() noexcept {
    static const entry_points chosen = xsimd::dispatch<built_targets>(
        [](auto target) noexcept { return entry_points_of<decltype(target)>(); })();
    return chosen;
}

} // namespace

std::string_view target_name() noexcept {
    return best().name;
}

void black_scholes(const bs_columns& in, const greeks_columns& out) {
    best().black_scholes(in, out);
}

void black_scholes(const basic_bs_columns<float>& in, const basic_greeks_columns<float>& out) {
    best().black_scholes_float(in, out);
}

void implied_vol(const implied_vol_columns& in, std::span<double> vol) {
    best().implied_vol(in, vol);
}

void position_requirement(const margin::option_rule& rule, const margin::option_rule_columns& in,
                          const margin::requirement_columns& out) {
    best().position_requirement(rule, in, out);
}

} // namespace spiral::dispatch
