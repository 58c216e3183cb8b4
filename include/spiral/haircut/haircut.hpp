// spiral/haircut — every collateral haircut model that needs only the standard library, their
// combinators and the bulk entry point. `fat_tailed` needs Boost.Math: include
// <spiral/haircut/fat_tailed.hpp> for it. The bulk entry point runs on SIMD batches when the
// build links spiral::simd.
/// \file
/// \ingroup haircut
/// \brief Every std-only haircut model, the combinators and the bulk entry point (umbrella).
#pragma once

#include <spiral/haircut/basel_scaled.hpp>
#include <spiral/haircut/bulk.hpp>
#include <spiral/haircut/collateral.hpp>
#include <spiral/haircut/combinators.hpp>
#include <spiral/haircut/depeg.hpp>
#include <spiral/haircut/fixed.hpp>
#include <spiral/haircut/kernel.hpp>
#include <spiral/haircut/liquidity.hpp>
#include <spiral/haircut/volatility.hpp>
#include <spiral/haircut/wrong_way.hpp>
