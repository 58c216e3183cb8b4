// spiral::risk — correlation estimation, validation and repair, aggregation of weighted
// sensitivities, diversified collateral pools and correlated scenarios.
//
// Needs Eigen 3.4 (CMake: find_package(Eigen3 3.4 NO_MODULE), link Eigen3::Eigen; Debian:
// libeigen3-dev). The std-only parts, <spiral/risk/risk_weight.hpp> and
// <spiral/risk/random.hpp>, are also in <spiral/spiral.hpp>.
/// \file
/// \ingroup risk
/// \brief Correlation, aggregation, pools and correlated scenarios (umbrella; needs Eigen).
#pragma once

#include <spiral/risk/aggregation.hpp>
#include <spiral/risk/estimation.hpp>
#include <spiral/risk/factor.hpp>
#include <spiral/risk/matrix_check.hpp>
#include <spiral/risk/nearest_correlation.hpp>
#include <spiral/risk/pool.hpp>
#include <spiral/risk/random.hpp>
#include <spiral/risk/risk_weight.hpp>
#include <spiral/risk/scenarios.hpp>
