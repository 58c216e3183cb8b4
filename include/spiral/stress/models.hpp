// Every stress scenario generator (umbrella header).
//
// Needs Eigen 3.4 (through correlated_gbm.hpp); the single-asset models' own headers are
// standard-library only.
/// \file
/// \ingroup stress
/// \brief Umbrella: every stress scenario generator (needs Eigen for correlated_gbm).
#pragma once

#include <spiral/stress/bootstrap.hpp>
#include <spiral/stress/correlated_gbm.hpp>
#include <spiral/stress/garch_paths.hpp>
#include <spiral/stress/gbm.hpp>
#include <spiral/stress/history.hpp>
#include <spiral/stress/merton.hpp>
#include <spiral/stress/path_model.hpp>
#include <spiral/stress/replay.hpp>
#include <spiral/stress/student_t.hpp>
#include <spiral/stress/validate_model.hpp>
