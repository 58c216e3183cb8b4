// stress::run_mpi — a stress run across the ranks of an MPI communicator, each rank on all its
// cores, every rank ending with every scenario's results.
//
// Needs MPI and oneTBB: link spiral::mpi (spiral::parallel + MPI::MPI_CXX).
/// \file
/// \ingroup stress
/// \brief stress::run_mpi: a stress run sharded over MPI ranks, results gathered on every rank.
#pragma once

#include <spiral/cascade/path_rules.hpp>
#include <spiral/cascade/prepared_book.hpp>
#include <spiral/core/error.hpp>
#include <spiral/impact/curve.hpp>
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

inline void mpi_check(int rc, const char* call) {
    if (rc != MPI_SUCCESS)
        throw spiral::invalid_argument(std::string("spiral: stress::run_mpi: ") + call +
                                       " failed with MPI error " + std::to_string(rc));
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
    int rank = 0, ranks = 1;
    detail::mpi_check(MPI_Comm_rank(comm, &rank), "MPI_Comm_rank");
    detail::mpi_check(MPI_Comm_size(comm, &ranks), "MPI_Comm_size");
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
                      "MPI_Allreduce");
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
            mine = static_cast<long long>(run_parallel(
                book, model, curve, rules, shard, detail::sub_columns(out, lo, hi - lo), control));
        } catch (...) {
            failure = std::current_exception();
            mine = -1;
        }
    }

    std::vector<long long> done(static_cast<std::size_t>(ranks));
    detail::mpi_check(MPI_Allgather(&mine, 1, MPI_LONG_LONG, done.data(), 1, MPI_LONG_LONG, comm),
                      "MPI_Allgather");
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
                              "MPI_Allgatherv");

    std::size_t prefix = 0;
    for (int r = 0; r < ranks; ++r) {
        const auto got = static_cast<std::size_t>(done[static_cast<std::size_t>(r)]);
        prefix += got;
        if (got != static_cast<std::size_t>(counts[static_cast<std::size_t>(r)]))
            break;
    }
    return prefix;
}

} // namespace spiral::stress
