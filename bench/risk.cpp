// risk/ benchmarks.
//
// Bucketed aggregation of 1M sensitivities (factor index uint32 + amount double per row, 600
// risk factors in 12 buckets of 50, correlation matrices within buckets, per-factor
// concentration thresholds, a residual bucket):
//   read_columns                 one pass that only reads both columns: the memory floor
//   net_sensitivities            the validated netting pass alone (scatter-add by factor)
//   aggregate_bucketed_rows      the public call on rows: netting + aggregation
//   aggregate_bucketed_net       the aggregation step alone, from 600 net sensitivities
// Nearest correlation of a 200 x 200 perturbed matrix (3-factor correlation plus uniform
// noise of +-0.1 on every pair; 60-odd negative eigenvalues, the smallest about -0.5):
//   nearest_correlation/plain    Higham's alternating projections, tolerance 1e-12
//   nearest_correlation/anderson the same with Anderson acceleration, depth 5
//   eigen_decomposition_200      one SelfAdjointEigenSolver call: the per-iteration floor
//   quantlib_pseudo_sqrt_higham  QuantLib's pseudoSqrt(SalvagingAlgorithm::Higham) + S S^T
//                                (its own fixed iteration limit and tolerance; the counter
//                                max_abs_diff is its distance from spiral's converged answer)
#include <spiral/risk/risk.hpp>

#include "support/correlation_matrices.hpp"

#include <benchmark/benchmark.h>
#include <ql/math/matrix.hpp>
#include <ql/math/matrixutilities/pseudosqrt.hpp>

#include <Eigen/Dense>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace {

namespace risk = spiral::risk;
constexpr std::size_t row_count = 1'000'000;
constexpr std::size_t bucket_count = 12, per_bucket = 50;
constexpr std::size_t factor_count = bucket_count * per_bucket;

Eigen::MatrixXd factor_correlation(Eigen::Index n, std::mt19937_64& rng, double noise) {
    return spiral::test::perturbed_correlation(n, rng, noise);
}

struct book {
    std::vector<std::uint32_t> factor;
    std::vector<double> sensitivity;
    risk::bucketed_model model;
};

const book& make_book() {
    static const book data = [] {
        book b;
        std::mt19937_64 rng(20261122);
        std::uniform_real_distribution<double> unit(0.0, 1.0);
        std::normal_distribution<double> normal;
        for (std::size_t i = 0; i < row_count; ++i) {
            b.factor.push_back(static_cast<std::uint32_t>(unit(rng) * factor_count) % factor_count);
            b.sensitivity.push_back(1000 * normal(rng));
        }
        auto& m = b.model;
        for (std::size_t k = 0; k < factor_count; ++k) {
            m.bucket.push_back(k / per_bucket);
            m.risk_weight.push_back(10 + 50 * unit(rng));
            m.threshold.push_back(5e4 + 1e5 * unit(rng));
        }
        m.concentration = risk::concentration_scope::per_factor;
        for (std::size_t c = 0; c < bucket_count; ++c) {
            // positive semidefinite within-bucket tables (repaired once here)
            const Eigen::MatrixXd raw =
                factor_correlation(static_cast<Eigen::Index>(per_bucket), rng, 0.0);
            m.within.push_back(raw);
        }
        m.across = factor_correlation(static_cast<Eigen::Index>(bucket_count), rng, 0.0);
        m.residual_bucket = bucket_count - 1;
        m.validate();
        return b;
    }();
    return data;
}

void set_rows(benchmark::State& state) {
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(row_count));
}

void read_columns(benchmark::State& state) {
    const book& b = make_book();
    for (auto _ : state) {
        std::uint64_t keys = 0;
        double total = 0;
        for (std::size_t i = 0; i < row_count; ++i) {
            keys += b.factor[i];
            total += b.sensitivity[i];
        }
        benchmark::DoNotOptimize(keys);
        benchmark::DoNotOptimize(total);
    }
    set_rows(state);
}
BENCHMARK(read_columns)->Unit(benchmark::kMillisecond);

void net_sensitivities(benchmark::State& state) {
    const book& b = make_book();
    std::vector<double> net(factor_count);
    for (auto _ : state) {
        std::fill(net.begin(), net.end(), 0.0);
        risk::net_sensitivities(b.factor, b.sensitivity, net);
        benchmark::DoNotOptimize(net.data());
        benchmark::ClobberMemory();
    }
    set_rows(state);
}
BENCHMARK(net_sensitivities)->Unit(benchmark::kMillisecond);

void aggregate_bucketed_rows(benchmark::State& state) {
    const book& b = make_book();
    double total = 0;
    for (auto _ : state) {
        total = risk::aggregate_bucketed(b.factor, b.sensitivity, b.model).total;
        benchmark::DoNotOptimize(total);
    }
    state.counters["margin"] = total;
    set_rows(state);
}
BENCHMARK(aggregate_bucketed_rows)->Unit(benchmark::kMillisecond);

void aggregate_bucketed_net(benchmark::State& state) {
    const book& b = make_book();
    std::vector<double> net(factor_count, 0.0);
    risk::net_sensitivities(b.factor, b.sensitivity, net);
    for (auto _ : state) {
        const auto r = risk::aggregate_bucketed(net, b.model);
        benchmark::DoNotOptimize(r.total);
    }
}
BENCHMARK(aggregate_bucketed_net)->Unit(benchmark::kMicrosecond);

const Eigen::MatrixXd& perturbed_200() {
    static const Eigen::MatrixXd m = [] {
        std::mt19937_64 rng(1);
        return factor_correlation(200, rng, 0.1);
    }();
    return m;
}

void nearest_correlation(benchmark::State& state) {
    const auto depth = static_cast<std::size_t>(state.range(0));
    const Eigen::MatrixXd& a = perturbed_200();
    risk::nearest_correlation_result r;
    for (auto _ : state) {
        r = risk::nearest_correlation(a, {.anderson_depth = depth});
        benchmark::DoNotOptimize(r.matrix.data());
    }
    state.counters["iterations"] = static_cast<double>(r.iterations);
    state.counters["converged"] = r.converged ? 1 : 0;
    state.counters["distance"] = r.distance;
    state.counters["min_eigenvalue_in"] = risk::min_eigenvalue(a);
    state.SetLabel(depth == 0 ? "plain" : "anderson");
}
BENCHMARK(nearest_correlation)->Arg(0)->Arg(5)->Unit(benchmark::kMillisecond);

void eigen_decomposition_200(benchmark::State& state) {
    const Eigen::MatrixXd& a = perturbed_200();
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(200);
    for (auto _ : state) {
        eigen.compute(a);
        benchmark::DoNotOptimize(eigen.eigenvalues().data());
    }
}
BENCHMARK(eigen_decomposition_200)->Unit(benchmark::kMillisecond);

void quantlib_pseudo_sqrt_higham(benchmark::State& state) {
    const Eigen::MatrixXd& a = perturbed_200();
    QuantLib::Matrix m(200, 200);
    for (QuantLib::Size i = 0; i < 200; ++i)
        for (QuantLib::Size j = 0; j < 200; ++j)
            m[i][j] = a(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
    QuantLib::Matrix x;
    for (auto _ : state) {
        const QuantLib::Matrix s = QuantLib::pseudoSqrt(m, QuantLib::SalvagingAlgorithm::Higham);
        x = s * QuantLib::transpose(s);
        benchmark::DoNotOptimize(x.begin());
    }
    const Eigen::MatrixXd ours = risk::nearest_correlation(a).matrix;
    double diff = 0, distance = 0;
    for (QuantLib::Size i = 0; i < 200; ++i)
        for (QuantLib::Size j = 0; j < 200; ++j) {
            const auto ii = static_cast<Eigen::Index>(i), jj = static_cast<Eigen::Index>(j);
            diff = std::max(diff, std::abs(x[i][j] - ours(ii, jj)));
            distance += (x[i][j] - a(ii, jj)) * (x[i][j] - a(ii, jj));
        }
    Eigen::MatrixXd theirs(200, 200);
    double diagonal_error = 0;
    for (QuantLib::Size i = 0; i < 200; ++i) {
        diagonal_error = std::max(diagonal_error, std::abs(x[i][i] - 1));
        for (QuantLib::Size j = 0; j < 200; ++j)
            theirs(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = x[i][j];
    }
    state.counters["max_abs_diff"] = diff;
    state.counters["distance"] = std::sqrt(distance);
    state.counters["max_diag_error"] = diagonal_error;
    state.counters["min_eigenvalue"] = risk::min_eigenvalue(theirs);
}
BENCHMARK(quantlib_pseudo_sqrt_higham)->Unit(benchmark::kMillisecond);

} // namespace
