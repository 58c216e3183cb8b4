// spiral::dispatch entry points for xsimd::neon64 (compiled with that target's flags).
#include "targets.hpp"

#include <type_traits>

static_assert(std::is_same_v<spiral::bulk_target, xsimd::neon64>,
              "target_neon64.cpp must be compiled with the flags of xsimd::neon64");

#include "targets.ipp"
