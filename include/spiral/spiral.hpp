// spiral — umbrella header for the parts that need only the standard library.
// SIMD batches: also include <spiral/simd.hpp> (target spiral::simd).
#pragma once

#include <spiral/version.hpp>

#include <spiral/core/config.hpp>
#include <spiral/core/error.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/normal.hpp>
#include <spiral/core/real.hpp>

#include <spiral/options/black.hpp>
#include <spiral/options/black_scholes.hpp>
#include <spiral/options/implied_vol.hpp>
