// stress::run_parallel, stress::run_multi_parallel — a stress run on every core (oneTBB),
// bit-identical to stress::run / stress::run_multi.
//
// Needs oneTBB: link spiral::parallel (spiral + TBB::tbb).
/// \file
/// \ingroup stress
/// \brief stress::run_parallel and stress::run_multi_parallel: a stress run on many threads
/// (oneTBB), identical to stress::run / stress::run_multi.
#pragma once

#include <spiral/cascade/multi_asset.hpp>
#include <spiral/cascade/path_multi.hpp>
#include <spiral/cascade/path_rules.hpp>
#include <spiral/cascade/prepared_book.hpp>
#include <spiral/impact/curve.hpp>
#include <spiral/stress/detail/multi_scenario_runner.hpp>
#include <spiral/stress/detail/scenario_runner.hpp>
#include <spiral/stress/path_model.hpp>
#include <spiral/stress/run_spec.hpp>
#include <spiral/stress/scenario_results.hpp>

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <mutex>
#include <span>
#include <string_view>
#include <vector>

namespace spiral::stress {

namespace detail {

/// Scenarios per task: small enough for about 16 tasks per thread (load balance: scenarios
/// that cascade cost more), at least 1, at most 256 (so a stop is seen soon).
inline std::size_t chunk_size(std::size_t n, unsigned threads, std::size_t asked) noexcept {
    if (asked > 0)
        return asked;
    const std::size_t per = n / (16 * std::size_t(threads == 0 ? 1 : threads));
    return std::clamp<std::size_t>(per, 1, 256);
}

/// The parallel loop every parallel entry point shares: scenarios [0, n) in chunks of
/// chunk_size(n, threads, control.chunk) handed out by tbb::parallel_for in a task_arena of
/// control.threads threads (0: automatic); each thread makes one runner with make_runner()
/// (tbb::enumerable_thread_specific) and calls runner.run(s, out) for its scenarios. Returns
/// the largest prefix of scenarios completed (see run_parallel for stop and progress).
template <class Runner, class MakeRunner>
std::size_t run_chunks(std::size_t n, const scenario_columns& out, const run_control& control,
                       MakeRunner&& make_runner) {
    // A prvalue: binding task_arena::automatic to a reference (emplace, std::max) odr-uses
    // it, and oneTBB's library does not define it (an undefined reference at -O0/-O1).
    const int concurrency =
        control.threads > 0 ? static_cast<int>(control.threads) : int{tbb::task_arena::automatic};
    tbb::task_arena arena(concurrency);
    const unsigned threads = static_cast<unsigned>(arena.max_concurrency());
    const std::size_t chunk = chunk_size(n, threads, control.chunk);
    const std::size_t chunks = (n + chunk - 1) / chunk;

    // Scenarios each chunk completed: the prefix is read from it once every task has ended.
    std::vector<std::size_t> completed(chunks, 0);
    std::atomic<std::size_t> done{0};
    std::mutex progress_lock;
    std::size_t reported = 0;
    tbb::enumerable_thread_specific<Runner> runners(make_runner);

    arena.execute([&] {
        tbb::parallel_for(
            tbb::blocked_range<std::size_t>(0, chunks, 1),
            [&](const tbb::blocked_range<std::size_t>& r) {
                auto& runner = runners.local();
                for (std::size_t c = r.begin(); c != r.end(); ++c) {
                    const std::size_t lo = c * chunk, hi = std::min(n, lo + chunk);
                    std::size_t s = lo;
                    for (; s < hi && !control.stopped(); ++s)
                        runner.run(s, out);
                    completed[c] = s - lo;
                    const std::size_t now = done.fetch_add(s - lo) + (s - lo);
                    if (control.progress && s > lo) {
                        const std::lock_guard<std::mutex> lock(progress_lock);
                        // Chunks may finish out of order: report a count that never falls.
                        reported = std::max(reported, now);
                        control.progress(reported, n);
                    }
                }
            },
            tbb::simple_partitioner{});
    });

    std::size_t prefix = 0;
    for (std::size_t c = 0; c < chunks; ++c) {
        const std::size_t size = std::min(n, (c + 1) * chunk) - c * chunk;
        prefix += completed[c];
        if (completed[c] != size)
            break;
    }
    return prefix;
}

} // namespace detail

/// stress::run on `control.threads` threads (0: as many as the process may use), in a
/// tbb::task_arena of that size. The scenarios are cut into chunks of control.chunk (0:
/// automatic) handed out by tbb::parallel_for; each thread keeps one set of buffers (path,
/// cascade workspace, final positions: tbb::enumerable_thread_specific) and writes scenario s
/// at entry s of the columns. Scenario s depends only on s, so the columns are bit-identical
/// to stress::run's for any thread count or chunk size.
///
/// Stop: each task checks control.stop before each scenario; the run returns the largest
/// prefix of scenarios completed (entries past it may hold results of chunks that ran, or be
/// untouched). Progress: control.progress(done, N) after each chunk, from one thread at a
/// time (a lock is held around the call), `done` increasing from call to call.
/// Exceptions (invalid input: as stress::run; a throwing model path or progress callback)
/// propagate to the caller after the running tasks end.
template <path_model M, impact_curve<double> C>
std::size_t run_parallel(const cascade::prepared_book& book, const M& model, const C& curve,
                         const cascade::path_rules& rules, const run_spec& spec,
                         const scenario_columns& out, const run_control& control = {}) {
    constexpr std::string_view what = "stress::run_parallel";
    detail::validate_run(what, book, model, curve, rules, spec, out);
    const detail::run_context ctx(book, out);
    return detail::run_chunks<detail::scenario_runner<M, C>>(spec.scenarios, out, control, [&] {
        return detail::scenario_runner<M, C>(ctx, model, curve, rules, spec);
    });
}

/// stress::run_multi on `control.threads` threads: the scenarios are cut into chunks and
/// handed out as run_parallel does (same chunking, one set of buffers per thread), each
/// scenario doing exactly what run_multi does for it, so the columns are bit-identical to
/// stress::run_multi's for any thread count or chunk size. Input checks as run_multi's
/// (naming "stress::run_multi_parallel"), all before the first scenario; stop, progress and
/// exceptions as run_parallel.
template <multi_path_model M, impact_curve<double> C>
std::size_t run_multi_parallel(const cascade::multi_book& book,
                               std::span<const cascade::collateral_terms> assets, const M& model,
                               std::span<const C> curves, const cascade::multi_path_rules& rules,
                               const run_spec& spec, const scenario_columns& out,
                               const run_control& control = {}) {
    constexpr std::string_view what = "stress::run_multi_parallel";
    detail::validate_multi_run(what, book, assets, model, curves, rules, spec, out);
    const detail::multi_run_context<M, C> ctx{
        &book, assets, &model, curves, &rules, &spec, detail::needs_positions(out)};
    return detail::run_chunks<detail::multi_scenario_runner<M, C>>(
        spec.scenarios, out, control, [&] { return detail::multi_scenario_runner<M, C>(ctx); });
}

} // namespace spiral::stress
