// stress::run_mpi against stress::run in the same program: every rank gathers every column,
// bit-identical to a serial run of the same spec, and the summary computed from them too; and
// stress::run_multi_mpi against the serial stress::run_multi the same way (correlated paths of
// three assets). Run by ctest with 1, 2 and 4 ranks (stress_mpi_np*).
//
// Timing mode: stress_mpi --time SCENARIOS POSITIONS STEPS THREADS prints, on rank 0, the
// wall time of run_mpi over all ranks (and nothing is compared). Open MPI binds each rank to
// a core by default: give threads room with `mpirun --bind-to none`.
#include <spiral/cascade/multi_asset.hpp>
#include <spiral/cascade/path_multi.hpp>
#include <spiral/cascade/prepared_book.hpp>
#include <spiral/cascade/synthetic.hpp>
#include <spiral/impact/exponential.hpp>
#include <spiral/impact/linear.hpp>
#include <spiral/risk/random.hpp>
#include <spiral/risk/scenarios.hpp>
#include <spiral/stress/correlated_gbm.hpp>
#include <spiral/stress/engine.hpp>
#include <spiral/stress/engine_multi.hpp>
#include <spiral/stress/metrics.hpp>
#include <spiral/stress/mpi.hpp>

#include "support/stress_gbm.hpp"

#include <Eigen/Dense>
#include <mpi.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <span>
#include <string>
#include <vector>

namespace cascade = spiral::cascade;
namespace stress = spiral::stress;

namespace {

stress::run_spec make_spec(std::size_t scenarios, std::size_t steps) {
    stress::run_spec spec;
    spec.scenarios = scenarios;
    spec.seed = 31337;
    spec.path.spot = 2000;
    spec.path.steps = steps;
    spec.path.vol_multiplier = 1.5;
    spec.liquidity = {.reference_vol = 0.8, .elasticity = 1, .floor = 0.1};
    return spec;
}

cascade::prepared_book make_book(std::size_t positions) {
    cascade::synthetic_book_params p;
    p.positions = positions;
    return cascade::prepared_book(cascade::synthetic_book(p));
}

int failures = 0;

void expect(bool ok, const std::string& what, int rank) {
    if (!ok) {
        ++failures;
        std::fprintf(stderr, "rank %d: FAILED: %s\n", rank, what.c_str());
    }
}

bool same(const std::vector<double>& a, const std::vector<double>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

// Every column of two results, compared as bytes.
bool same_results(const stress::scenario_results& a, const stress::scenario_results& b) {
    return same(a.bad_debt, b.bad_debt) && same(a.insolvent_value, b.insolvent_value) &&
           same(a.liquidation_volume, b.liquidation_volume) &&
           same(a.liquidations, b.liquidations) &&
           same(a.final_exogenous_price, b.final_exogenous_price) &&
           same(a.final_price, b.final_price) && same(a.min_price, b.min_price) &&
           same(a.borrowing_power, b.borrowing_power) &&
           same(a.debt_outstanding, b.debt_outstanding) &&
           same(a.borrowing_power_available, b.borrowing_power_available) &&
           same(a.collateral_locked, b.collateral_locked) && same(a.depth, b.depth);
}

// run_multi_mpi against run_multi: three correlated assets (t copula), daily steps.
void compare_multi(int rank, int ranks) {
    Eigen::MatrixXd rho(3, 3);
    rho << 1, 0.7, 0.5, 0.7, 1, 0.4, 0.5, 0.4, 1;
    const double spots[3] = {2000, 30000, 100};
    const auto model = stress::make_correlated_gbm({spots[0], spots[1], spots[2]}, {0.8, 0.6, 1.2},
                                                   rho, spiral::risk::copula::student_t, 4);
    const std::vector<cascade::collateral_terms> terms{{0.8, 0.05}, {0.75, 0.08}, {0.6, 0.1}};
    const std::vector<spiral::impact::linear> curves{
        spiral::impact::linear{2e-3}, spiral::impact::linear{5e-2}, spiral::impact::linear{2e-5}};
    cascade::multi_book book;
    book.assets = 3;
    spiral::splitmix64 g{3};
    for (std::size_t i = 0; i < 300; ++i) {
        double cap = 0;
        for (std::size_t a = 0; a < 3; ++a) {
            const double c = 1000 / spots[a] * spiral::uniform_open(g);
            book.collateral.push_back(c);
            cap += c * spots[a] * terms[a].threshold;
        }
        book.debt.push_back(cap / (1.02 + 0.6 * spiral::uniform_open(g)));
    }
    auto spec = make_spec(101, 24); // 101: no rank count above 1 divides it
    spec.path.step_days = 1;
    const std::span<const cascade::collateral_terms> t(terms);
    const std::span<const spiral::impact::linear> c(curves);
    stress::run_control control;
    control.threads = 1;
    stress::scenario_results dist(spec.scenarios);
    const std::size_t got =
        stress::run_multi_mpi(MPI_COMM_WORLD, book, t, model, c, {}, spec, dist.columns(), control);
    expect(got == spec.scenarios, "run_multi_mpi completed every scenario", rank);
    stress::scenario_results serial(spec.scenarios);
    stress::run_multi(book, t, model, c, {}, spec, serial.columns());
    expect(same_results(dist, serial), "run_multi_mpi: every column equals run_multi's", rank);
    double liquidations = 0;
    for (const double v : serial.liquidations)
        liquidations += v;
    expect(liquidations > 0, "run_multi_mpi: some scenario liquidates", rank);

    // The last rank stops before it starts: the prefix of the ranks before it.
    std::atomic<bool> stop{rank == ranks - 1};
    stress::run_control stopping = control;
    stopping.stop = &stop;
    stress::scenario_results part(spec.scenarios);
    const std::size_t prefix = stress::run_multi_mpi(MPI_COMM_WORLD, book, t, model, c, {}, spec,
                                                     part.columns(), stopping);
    expect(prefix == spec.scenarios * std::size_t(ranks - 1) / std::size_t(ranks),
           "run_multi_mpi: stopped run returns the prefix of the ranks before", rank);
    expect(std::memcmp(part.insolvent_value.data(), serial.insolvent_value.data(),
                       prefix * sizeof(double)) == 0,
           "run_multi_mpi: stopped run's prefix", rank);

    bool threw = false;
    try {
        stress::run_multi_mpi(MPI_COMM_WORLD, book, t.first(2), model, c, {}, spec, dist.columns(),
                              control);
    } catch (const spiral::invalid_argument& e) {
        threw = std::string(e.what()).find("stress::run_multi_mpi") != std::string::npos;
    }
    expect(threw, "run_multi_mpi: bad input throws naming it", rank);
}

int compare(int rank, int ranks) {
    const auto book = make_book(2000);
    const spiral::test::gbm_paths model{};
    const spiral::impact::linear curve{2e-4};
    // 203: no rank count divides it, so the shards differ in size.
    const auto spec = make_spec(203, 24);
    stress::scenario_results dist(spec.scenarios);
    stress::run_control control;
    control.threads = 1;
    const std::size_t got =
        stress::run_mpi(MPI_COMM_WORLD, book, model, curve, {}, spec, dist.columns(), control);
    expect(got == spec.scenarios, "run_mpi completed every scenario", rank);

    // The reference: the serial run, on every rank (rank 0 is the one the brief asks for;
    // the others check that the gather left every rank whole).
    stress::scenario_results serial(spec.scenarios);
    stress::run(book, model, curve, {}, spec, serial.columns());
    expect(same(dist.bad_debt, serial.bad_debt), "bad_debt", rank);
    expect(same(dist.insolvent_value, serial.insolvent_value), "insolvent_value", rank);
    expect(same(dist.liquidation_volume, serial.liquidation_volume), "liquidation_volume", rank);
    expect(same(dist.liquidations, serial.liquidations), "liquidations", rank);
    expect(same(dist.final_exogenous_price, serial.final_exogenous_price), "final_exogenous_price",
           rank);
    expect(same(dist.final_price, serial.final_price), "final_price", rank);
    expect(same(dist.min_price, serial.min_price), "min_price", rank);
    expect(same(dist.borrowing_power, serial.borrowing_power), "borrowing_power", rank);
    expect(same(dist.debt_outstanding, serial.debt_outstanding), "debt_outstanding", rank);
    expect(same(dist.borrowing_power_available, serial.borrowing_power_available),
           "borrowing_power_available", rank);
    expect(same(dist.collateral_locked, serial.collateral_locked), "collateral_locked", rank);
    expect(same(dist.depth, serial.depth), "depth", rank);

    // The summary: every field is 8 bytes wide, so the struct has no padding to differ in.
    static_assert(sizeof(stress::summary) % sizeof(double) == 0);
    const auto a = stress::summarise(dist, got, book, spec.path.spot);
    const auto b = stress::summarise(serial, spec.scenarios, book, spec.path.spot);
    expect(std::memcmp(&a, &b, sizeof a) == 0, "summary", rank);

    // The scenarios liquidate something (the comparison is not between empty columns).
    double liquidations = 0;
    for (const double v : serial.liquidations)
        liquidations += v;
    expect(liquidations > 0, "some scenario liquidates", rank);

    // The last rank is told to stop before it starts: the run returns the scenarios of the
    // ranks before it, floor((P - 1) N / P), and those rows are the serial run's.
    {
        std::atomic<bool> stop{rank == ranks - 1};
        stress::run_control stopping = control;
        stopping.stop = &stop;
        stress::scenario_results part(spec.scenarios);
        const std::size_t prefix =
            stress::run_mpi(MPI_COMM_WORLD, book, model, curve, {}, spec, part.columns(), stopping);
        const std::size_t expected = spec.scenarios * std::size_t(ranks - 1) / std::size_t(ranks);
        expect(prefix == expected, "stopped run returns the prefix of the ranks before", rank);
        expect(std::memcmp(part.insolvent_value.data(), serial.insolvent_value.data(),
                           prefix * sizeof(double)) == 0 &&
                   std::memcmp(part.liquidation_volume.data(), serial.liquidation_volume.data(),
                               prefix * sizeof(double)) == 0,
               "stopped run's prefix", rank);
    }

    // Bad input throws on every rank, before any communication that could hang.
    bool threw = false;
    try {
        stress::scenario_results wrong(spec.scenarios - 1);
        stress::run_mpi(MPI_COMM_WORLD, book, model, curve, {}, spec, wrong.columns(), control);
    } catch (const spiral::invalid_argument&) {
        threw = true;
    }
    expect(threw, "bad column size throws", rank);

    compare_multi(rank, ranks);

    int all = 0;
    MPI_Allreduce(&failures, &all, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    if (rank == 0)
        std::printf("stress_mpi: %d ranks, %zu scenarios: %s\n", ranks, spec.scenarios,
                    all == 0 ? "bit-identical to the serial run (single and multi-asset)"
                             : "FAILED");
    return all == 0 ? 0 : 1;
}

int time_run(int rank, int ranks, char** argv) {
    const auto scenarios = std::strtoull(argv[2], nullptr, 10);
    const auto positions = std::strtoull(argv[3], nullptr, 10);
    const auto steps = std::strtoull(argv[4], nullptr, 10);
    const auto threads = static_cast<unsigned>(std::strtoul(argv[5], nullptr, 10));
    const auto book = make_book(positions);
    // The setup of bench/stress.cpp: GBM vol 1.0, exponential impact of depth 2x the book's
    // collateral, liquidity thinning above a realised vol of 1.0 (floor 0.2).
    auto spec = make_spec(scenarios, steps);
    spec.path.vol_multiplier = 1.0;
    spec.liquidity = {.reference_vol = 1.0, .elasticity = 1, .floor = 0.2};
    const spiral::impact::exponential curve{1.0 / (2.0 * book.total_collateral())};
    stress::scenario_results r(scenarios);
    stress::run_control control;
    control.threads = threads;
    MPI_Barrier(MPI_COMM_WORLD);
    const double t0 = MPI_Wtime();
    const std::size_t got = stress::run_mpi(MPI_COMM_WORLD, book, spiral::test::gbm_paths{1.0},
                                            curve, {}, spec, r.columns(), control);
    MPI_Barrier(MPI_COMM_WORLD);
    const double t = MPI_Wtime() - t0;
    if (rank == 0) {
        const auto s = stress::summarise(r, got, book, spec.path.spot);
        std::printf("stress_mpi --time: %d ranks x %u threads, %llu scenarios x %llu positions x "
                    "%llu steps: %.3f s (%.3f ms per scenario), VaR95 %.6g, mean liquidations "
                    "%.1f\n",
                    ranks, threads, scenarios, positions, steps, t, 1e3 * t / double(got),
                    s.var95.value, s.mean_liquidations.value);
    }
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    int rank = 0, ranks = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &ranks);
    int rc = 0;
    try {
        if (argc == 6 && std::string(argv[1]) == "--time")
            rc = time_run(rank, ranks, argv);
        else
            rc = compare(rank, ranks);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "rank %d: %s\n", rank, e.what());
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    MPI_Finalize();
    return rc;
}
