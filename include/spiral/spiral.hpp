// spiral — umbrella header for the parts that need only the standard library.
//
// Not included here: <spiral/simd.hpp> (xsimd batches, target spiral::simd) and the bulk
// entry points <spiral/options/bulk.hpp> and <spiral/haircut/bulk.hpp>, which choose SIMD or
// scalar code when they are included — include simd.hpp before them — and
// <spiral/haircut/fat_tailed.hpp>, which needs Boost.Math.
// Likewise not <spiral/margin/bulk.hpp>, nor the margin umbrella <spiral/margin/margin.hpp>
// that includes it.
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

#include <spiral/impact/impact.hpp>

#include <spiral/haircut/basel_scaled.hpp>
#include <spiral/haircut/collateral.hpp>
#include <spiral/haircut/combinators.hpp>
#include <spiral/haircut/depeg.hpp>
#include <spiral/haircut/fixed.hpp>
#include <spiral/haircut/liquidity.hpp>
#include <spiral/haircut/volatility.hpp>
#include <spiral/haircut/wrong_way.hpp>

#include <spiral/cascade/cascade.hpp>

#include <spiral/margin/account.hpp>
#include <spiral/margin/cross_margin.hpp>
#include <spiral/margin/dynamic.hpp>
#include <spiral/margin/greeks_margin.hpp>
#include <spiral/margin/option_rule.hpp>
#include <spiral/margin/scenario_grid.hpp>
#include <spiral/margin/size_dependent.hpp>
#include <spiral/margin/volatility_estimators.hpp>

// risk/: the std-only parts; the rest needs Eigen 3.4 (include <spiral/risk/risk.hpp>).
#include <spiral/risk/random.hpp>
#include <spiral/risk/risk_weight.hpp>
