// spiral/cascade — the liquidation cascade engine (umbrella header).
/// \file
/// \ingroup cascade
/// \brief The liquidation cascade engine (umbrella header of the cascade family).
#pragma once

#include <spiral/cascade/absorb.hpp>
#include <spiral/cascade/analysis.hpp>
#include <spiral/cascade/auction.hpp>
#include <spiral/cascade/book.hpp>
#include <spiral/cascade/keeper.hpp>
#include <spiral/cascade/liquidation_design.hpp>
#include <spiral/cascade/liquidation_terms.hpp>
#include <spiral/cascade/multi_asset.hpp>
#include <spiral/cascade/oracle.hpp>
#include <spiral/cascade/path.hpp>
#include <spiral/cascade/path_multi.hpp>
#include <spiral/cascade/path_result.hpp>
#include <spiral/cascade/path_rules.hpp>
#include <spiral/cascade/path_workspace.hpp>
#include <spiral/cascade/position.hpp>
#include <spiral/cascade/position_columns.hpp>
#include <spiral/cascade/prepared_book.hpp>
#include <spiral/cascade/price_path.hpp>
#include <spiral/cascade/result.hpp>
#include <spiral/cascade/rules.hpp>
#include <spiral/cascade/shorts.hpp>
#include <spiral/cascade/simulate.hpp>
#include <spiral/cascade/synthetic.hpp>
#include <spiral/cascade/venues.hpp>
