// spiral/margin — every margin model: collateral accounts, the per-position option rule,
// delta-gamma-vega margin, scenario grids (SPAN, crypto portfolio margin), cross-margining,
// size-dependent margin, volatility estimators and dynamic margin with anti-procyclicality
// tools, and the bulk entry points (on SIMD batches when the build links spiral::simd).
/// \file
/// \ingroup margin
/// \brief Every margin model and the bulk entry points (umbrella header of the margin family).
#pragma once

#include <spiral/margin/account.hpp>
#include <spiral/margin/bulk.hpp>
#include <spiral/margin/cross_margin.hpp>
#include <spiral/margin/dynamic.hpp>
#include <spiral/margin/greeks_margin.hpp>
#include <spiral/margin/option_rule.hpp>
#include <spiral/margin/scenario_grid.hpp>
#include <spiral/margin/size_dependent.hpp>
#include <spiral/margin/volatility_estimators.hpp>
