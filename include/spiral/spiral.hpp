// spiral — umbrella header for the parts that need only the standard library (and xsimd, in a
// build that links spiral::simd: the bulk entry points then run on batches; see
// <spiral/core/config.hpp>).
//
// Not included here: <spiral/haircut/fat_tailed.hpp> (needs Boost.Math), the risk/ headers
// that need Eigen (<spiral/risk/risk.hpp>), and <spiral/dispatch.hpp> (needs spiral::dispatch).
/// \file
/// \ingroup core
/// \brief Umbrella header for every part of spiral that needs only the standard library.
#pragma once

#include <spiral/version.hpp>

#include <spiral/core/config.hpp>
#include <spiral/core/error.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/normal.hpp>
#include <spiral/core/real.hpp>

#include <spiral/options/black.hpp>
#include <spiral/options/black_scholes.hpp>
#include <spiral/options/bulk.hpp>
#include <spiral/options/implied_vol.hpp>
#include <spiral/options/implied_vol_bulk.hpp>

#include <spiral/impact/impact.hpp>

#include <spiral/haircut/basel_scaled.hpp>
#include <spiral/haircut/bulk.hpp>
#include <spiral/haircut/collateral.hpp>
#include <spiral/haircut/combinators.hpp>
#include <spiral/haircut/depeg.hpp>
#include <spiral/haircut/fixed.hpp>
#include <spiral/haircut/liquidity.hpp>
#include <spiral/haircut/volatility.hpp>
#include <spiral/haircut/wrong_way.hpp>

#include <spiral/cascade/cascade.hpp>

#include <spiral/margin/account.hpp>
#include <spiral/margin/bulk.hpp>
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
