// spiral::dispatch entry points for xsimd::avx512bw (compiled with that target's flags).
#include "targets.hpp"

#include <type_traits>

static_assert(std::is_same_v<spiral::bulk_target, xsimd::avx512bw>,
              "target_avx512.cpp must be compiled with the flags of xsimd::avx512bw");

#include "targets.ipp"
