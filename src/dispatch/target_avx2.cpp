// spiral::dispatch entry points for xsimd::fma3<xsimd::avx2> (compiled with that target's flags).
#include "targets.hpp"

#include <type_traits>

static_assert(std::is_same_v<spiral::bulk_target, xsimd::fma3<xsimd::avx2>>,
              "target_avx2.cpp must be compiled with the flags of xsimd::fma3<xsimd::avx2>");

#include "targets.ipp"
