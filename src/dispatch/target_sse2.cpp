// spiral::dispatch entry points for xsimd::sse2 (compiled with that target's flags).
#include "targets.hpp"

#include <type_traits>

static_assert(std::is_same_v<spiral::bulk_target, xsimd::sse2>,
              "target_sse2.cpp must be compiled with the flags of xsimd::sse2");

#include "targets.ipp"
