// stress::run_spec and stress::run_control — what a stress run is asked to do, and how it runs.
/// \file
/// \ingroup stress
/// \brief stress::run_spec (scenarios, seed, path grid, liquidity) and stress::run_control
/// (stop flag, progress, threads).
#pragma once

#include <spiral/core/checks.hpp>
#include <spiral/core/error.hpp>
#include <spiral/stress/liquidity_response.hpp>
#include <spiral/stress/path_model.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <string_view>

namespace spiral::stress {

/// What a stress run computes: scenarios first_scenario, ..., first_scenario + scenarios - 1
/// of the stream `seed`, each a path on the grid `path` and a curve thinned by `liquidity`.
/// Scenario s draws only from risk::scenario_generator(seed, first_scenario + s), so a run
/// split into ranges (threads, ranks, resumed runs) gives the same numbers as one run.
struct run_spec {
    std::size_t scenarios = 1000;     ///< N, the number of scenarios (>= 1)
    std::uint64_t seed = 1;           ///< the master seed of the scenario streams
    std::uint64_t first_scenario = 0; ///< index of the first scenario in the stream
    path_spec path{};                 ///< the grid and stress of every path
    liquidity_response liquidity{};   ///< depth as a function of realised volatility (off: 1)

    /// Throws spiral::invalid_argument naming the field: scenarios in [1, 2^31 - 1] (the MPI
    /// run gathers with int counts), first_scenario + scenarios must not wrap around, then
    /// path.validate() and liquidity.validate().
    void validate(std::string_view what = "stress::run_spec") const {
        constexpr std::size_t most = std::numeric_limits<std::int32_t>::max();
        spiral::detail::require_count(what, "scenarios", scenarios, 1, most);
        if (first_scenario > std::numeric_limits<std::uint64_t>::max() - scenarios)
            spiral::detail::throw_invalid(what, "first_scenario", spiral::detail::no_row,
                                          first_scenario,
                                          "first_scenario + scenarios must be < 2^64");
        path.validate(what);
        liquidity.validate(what);
    }
};

/// How a stress run is carried out; none of it changes the results.
///
/// - `stop`: read (relaxed) between scenarios; once true the run finishes the scenarios it
///   is in and returns the number of leading scenarios completed (a Ctrl-C handler can set
///   it: std::atomic<bool> is lock-free here, so storing to it is signal-safe).
/// - `progress(done, total)`: called after scenarios complete, with `done` the scenarios
///   completed so far (not necessarily a prefix in a parallel run) and `total` the run's N.
///   A parallel run calls it from one thread at a time (under a lock), after each chunk;
///   it must not throw if it is to leave a parallel run's results whole.
/// - `threads`: threads of a parallel run (0: all the process may use); the serial run
///   ignores it.
/// - `chunk`: scenarios per task of a parallel run (0: chosen from N and the threads).
struct run_control {
    const std::atomic<bool>* stop = nullptr;                             ///< set to stop early
    std::function<void(std::size_t done, std::size_t total)> progress{}; ///< progress report
    unsigned threads = 0;                                                ///< 0: all
    std::size_t chunk = 0;                                               ///< 0: automatic

    /// True once `stop` is set.
    bool stopped() const noexcept {
        return stop != nullptr && stop->load(std::memory_order_relaxed);
    }
};

} // namespace spiral::stress
