// spiral impact family: price-impact curves, combinators and optimal execution.
// Every header needs only the standard library.
/// \file
/// \ingroup impact
/// \brief Price-impact curves, combinators and optimal execution (umbrella header).
#pragma once

#include <spiral/impact/curve.hpp>

#include <spiral/impact/concentrated_liquidity.hpp>
#include <spiral/impact/constant_product.hpp>
#include <spiral/impact/execution.hpp>
#include <spiral/impact/exponential.hpp>
#include <spiral/impact/linear.hpp>
#include <spiral/impact/order_book.hpp>
#include <spiral/impact/power_law.hpp>
#include <spiral/impact/resilient.hpp>
#include <spiral/impact/routed.hpp>
#include <spiral/impact/scaled_depth.hpp>
#include <spiral/impact/square_root.hpp>
#include <spiral/impact/stableswap.hpp>
