// stress::run_mpi, stress::run_multi_mpi — a stress run across the ranks of an MPI communicator,
// each rank on all its cores, every rank ending with every scenario's results.
//
// Needs MPI and oneTBB: link spiral::mpi (spiral::parallel + MPI::MPI_CXX).
/// \file
/// \ingroup stress
/// \brief stress::run_mpi and stress::run_multi_mpi: a stress run sharded over MPI ranks,
/// results gathered on every rank.
#pragma once

#include <spiral/cascade/multi_asset.hpp>
#include <spiral/cascade/path_multi.hpp>
#include <spiral/cascade/path_rules.hpp>
#include <spiral/cascade/prepared_book.hpp>
#include <spiral/core/error.hpp>
#include <spiral/impact/curve.hpp>
#include <spiral/stress/detail/multi_scenario_runner.hpp>
#include <spiral/stress/detail/scenario_runner.hpp>
#include <spiral/stress/parallel.hpp>
#include <spiral/stress/path_model.hpp>
#include <spiral/stress/run_spec.hpp>
#include <spiral/stress/scenario_results.hpp>

#include <mpi.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace spiral::stress {

namespace detail {

/// The first scenario of rank r of p over n scenarios: floor(r n / p).
inline std::size_t shard_begin(std::size_t n, int rank, int ranks) noexcept {
    // n < 2^31 (run_spec::validate) and rank < 2^31: the product fits in 64 bits.
    return static_cast<std::size_t>(static_cast<std::uint64_t>(n) *
                                    static_cast<std::uint64_t>(rank) /
                                    static_cast<std::uint64_t>(ranks));
}

/// Throws spiral::invalid_argument naming `what` and the MPI call when rc is not MPI_SUCCESS.
inline void mpi_check(int rc, const char* call, std::string_view what = "stress::run_mpi") {
    if (rc != MPI_SUCCESS)
        throw spiral::invalid_argument("spiral: " + std::string(what) + ": " + call +
                                       " failed with MPI error " + std::to_string(rc));
}

/// The shard-and-gather scheme every MPI entry point shares (after its input checks): rank r
/// of P runs scenarios [shard_begin(N, r, P), shard_begin(N, r + 1, P)) through
/// run_shard(shard spec, the shard's sub-columns) -> scenarios completed, then every
/// non-empty column is gathered in rank order. Returns the largest prefix completed over all
/// ranks; see run_mpi for failures.
template <class RunShard>
std::size_t run_sharded(MPI_Comm comm, std::string_view what, const run_spec& spec,
                        const scenario_columns& out, RunShard&& run_shard) {
    int rank = 0, ranks = 1;
    detail::mpi_check(MPI_Comm_rank(comm, &rank), "MPI_Comm_rank", what);
    detail::mpi_check(MPI_Comm_size(comm, &ranks), "MPI_Comm_size", what);
    const std::size_t n = spec.scenarios;

    // Every rank must gather the same columns, or MPI_Allgatherv would hang or mismatch.
    const std::array<std::span<double>, 12> columns{out.bad_debt,
                                                    out.insolvent_value,
                                                    out.liquidation_volume,
                                                    out.liquidations,
                                                    out.final_exogenous_price,
                                                    out.final_price,
                                                    out.min_price,
                                                    out.borrowing_power,
                                                    out.debt_outstanding,
                                                    out.borrowing_power_available,
                                                    out.collateral_locked,
                                                    out.depth};
    int mask = 0;
    for (std::size_t i = 0; i < columns.size(); ++i)
        mask |= columns[i].empty() ? 0 : 1 << i;
    std::array<int, 2> masks{mask, ~mask}; // and-reduced: all ranks' common bits, both ways
    detail::mpi_check(MPI_Allreduce(MPI_IN_PLACE, masks.data(), 2, MPI_INT, MPI_BAND, comm),
                      "MPI_Allreduce", what);
    if (masks[0] != mask || ~masks[1] != mask)
        spiral::detail::throw_invalid(what, "out", spiral::detail::no_row, mask,
                                      "every rank must ask for the same columns");

    const std::size_t lo = detail::shard_begin(n, rank, ranks);
    const std::size_t hi = detail::shard_begin(n, rank + 1, ranks);
    long long mine = 0; // scenarios of this shard completed; -1: this rank failed
    std::exception_ptr failure;
    if (hi > lo) {
        try {
            run_spec shard = spec;
            shard.first_scenario = spec.first_scenario + lo;
            shard.scenarios = hi - lo;
            mine = static_cast<long long>(run_shard(shard, detail::sub_columns(out, lo, hi - lo)));
        } catch (...) {
            failure = std::current_exception();
            mine = -1;
        }
    }

    std::vector<long long> done(static_cast<std::size_t>(ranks));
    detail::mpi_check(MPI_Allgather(&mine, 1, MPI_LONG_LONG, done.data(), 1, MPI_LONG_LONG, comm),
                      "MPI_Allgather", what);
    for (int r = 0; r < ranks; ++r)
        if (done[static_cast<std::size_t>(r)] < 0) {
            if (failure)
                std::rethrow_exception(failure);
            spiral::detail::throw_invalid(what, "rank", spiral::detail::no_row, r,
                                          "failed in its shard (see that rank's error)");
        }

    std::vector<int> counts(static_cast<std::size_t>(ranks)), displs(counts.size());
    for (int r = 0; r < ranks; ++r) {
        displs[static_cast<std::size_t>(r)] = static_cast<int>(detail::shard_begin(n, r, ranks));
        counts[static_cast<std::size_t>(r)] =
            static_cast<int>(detail::shard_begin(n, r + 1, ranks)) - displs[std::size_t(r)];
    }
    for (const std::span<double> c : columns)
        if (!c.empty())
            detail::mpi_check(MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, c.data(),
                                             counts.data(), displs.data(), MPI_DOUBLE, comm),
                              "MPI_Allgatherv", what);

    std::size_t prefix = 0;
    for (int r = 0; r < ranks; ++r) {
        const auto got = static_cast<std::size_t>(done[static_cast<std::size_t>(r)]);
        prefix += got;
        if (got != static_cast<std::size_t>(counts[static_cast<std::size_t>(r)]))
            break;
    }
    return prefix;
}

} // namespace detail

/// stress::run_parallel across the ranks of `comm` (collective: every rank calls it with the
/// same arguments, the same book and columns of spec.scenarios entries, the same columns
/// non-empty). Rank r of P runs scenarios [floor(r N / P), floor((r + 1) N / P)) with
/// run_parallel (control.threads threads), writing them at their own entries of `out`; then
/// every non-empty column is gathered with MPI_Allgatherv in rank order, so every rank ends
/// with all N entries. Scenario s draws from the same stream whatever the rank count, so the
/// columns, and a summary computed from them, are bit-identical to stress::run's.
///
/// Returns the largest prefix of scenarios completed over all ranks (the same on every
/// rank): N, or less when a rank's control.stop was set. Bad input throws
/// spiral::invalid_argument on every rank before any scenario runs (the ranks see the same
/// input). An exception in a rank's shard is caught, the ranks agree that one happened (one
/// MPI_Allreduce), and every rank throws: the failing one its own exception, the others
/// spiral::invalid_argument saying which rank failed. MPI errors (MPI_ERRORS_ARE_FATAL by
/// default) end the job; with MPI_ERRORS_RETURN they throw here.
template <path_model M, impact_curve<double> C>
std::size_t run_mpi(MPI_Comm comm, const cascade::prepared_book& book, const M& model,
                    const C& curve, const cascade::path_rules& rules, const run_spec& spec,
                    const scenario_columns& out, const run_control& control = {}) {
    constexpr std::string_view what = "stress::run_mpi";
    detail::validate_run(what, book, model, curve, rules, spec, out);
    return detail::run_sharded(
        comm, what, spec, out, [&](const run_spec& shard, const scenario_columns& part) {
            return run_parallel(book, model, curve, rules, shard, part, control);
        });
}

/// stress::run_multi_parallel across the ranks of `comm`, sharded and gathered as run_mpi
/// does (collective: every rank calls it with the same arguments and columns): rank r of P
/// runs scenarios [floor(r N / P), floor((r + 1) N / P)) with run_multi_parallel
/// (control.threads threads), then every non-empty column is gathered in rank order, so every
/// rank ends with all N entries, bit-identical to stress::run_multi's. Input checks as
/// run_multi's (naming "stress::run_multi_mpi"), on every rank before any scenario; the
/// returned prefix, stop and failures as run_mpi.
template <multi_path_model M, impact_curve<double> C>
std::size_t run_multi_mpi(MPI_Comm comm, const cascade::multi_book& book,
                          std::span<const cascade::collateral_terms> assets, const M& model,
                          std::span<const C> curves, const cascade::multi_path_rules& rules,
                          const run_spec& spec, const scenario_columns& out,
                          const run_control& control = {}) {
    constexpr std::string_view what = "stress::run_multi_mpi";
    detail::validate_multi_run(what, book, assets, model, curves, rules, spec, out);
    return detail::run_sharded(
        comm, what, spec, out, [&](const run_spec& shard, const scenario_columns& part) {
            return run_multi_parallel(book, assets, model, curves, rules, shard, part, control);
        });
}

} // namespace spiral::stress
