// Generated correlation matrices for the risk tests and benchmarks (Eigen).
#pragma once

#include <Eigen/Dense>

#include <algorithm>
#include <random>

namespace spiral::test {

/// A unit-diagonal symmetric matrix with entries in [-1, 1] that is usually not PSD: a
/// 3-factor correlation matrix plus independent uniform noise in [-noise, noise] on every pair
/// (a "perturbed" matrix, as after manual edits or pairwise estimation from unequal histories).
inline Eigen::MatrixXd perturbed_correlation(Eigen::Index n, std::mt19937_64& rng, double noise) {
    std::normal_distribution<double> normal;
    std::uniform_real_distribution<double> uniform(-noise, noise);
    Eigen::MatrixXd f(n, 3);
    for (Eigen::Index i = 0; i < n; ++i)
        for (Eigen::Index j = 0; j < 3; ++j)
            f(i, j) = 0.5 * normal(rng);
    Eigen::MatrixXd c = f * f.transpose();
    c.diagonal().array() += 0.3;
    const Eigen::VectorXd s = c.diagonal().cwiseSqrt().cwiseInverse();
    c = s.asDiagonal() * c * s.asDiagonal();
    for (Eigen::Index i = 0; i < n; ++i) {
        c(i, i) = 1;
        for (Eigen::Index j = 0; j < i; ++j)
            c(i, j) = c(j, i) = std::max(-1.0, std::min(1.0, c(i, j) + uniform(rng)));
    }
    return c;
}

} // namespace spiral::test
