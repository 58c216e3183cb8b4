// Nearest correlation matrix (Higham 2002): alternating projections with Dykstra's correction,
// optionally in a weighted Frobenius norm and with a floor on the eigenvalues.
//
// Needs Eigen 3.4 (not part of the std-only <spiral/spiral.hpp>).
/// \file
/// \ingroup risk
/// \brief Nearest correlation matrix (Higham 2002), weighted, with a floor (needs Eigen).
#pragma once

#include <spiral/core/checks.hpp>
#include <spiral/core/error.hpp>
#include <spiral/risk/matrix_check.hpp>

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <string>
#include <utility>

namespace spiral::risk {

/// An off-diagonal entry (row, column) of a matrix; (row, column) and (column, row) name the
/// same entry of a symmetric matrix.
struct matrix_entry {
    std::size_t row = 0;    ///< Row index.
    std::size_t column = 0; ///< Column index.
};

/// Stopping rule and output constraints of nearest_correlation.
struct nearest_correlation_options {
    /// Stop when the relative changes of both iterates and their relative gap are all below
    /// this (Higham's criterion). The iteration converges linearly, so the error of the
    /// result is of the order of tolerance / (1 - rate); 1e-12 gives ~1e-10 on typical inputs.
    /// Where the input lies far from every correlation matrix (entries of 1e8), rounding bounds
    /// how small the changes can get, 8 sqrt(n) eps |Y - dS| / |Y|; that floor then stands in
    /// for a smaller tolerance (the result's `step` says what was reached).
    double tolerance = 1e-12;
    /// Iterations allowed; the result says whether the rule above was met within them.
    std::size_t max_iterations = 100000;
    /// Smallest eigenvalue of the result (0: positive semidefinite). A positive floor keeps
    /// the result positive definite, so that a Cholesky factor exists. It applies to X itself
    /// whatever the weights (and scaling every weight by the same factor changes nothing).
    double min_eigenvalue = 0;
    /// Entries (i, j) and (j, i) of the input may differ by this much times max(1, |a(i, j)|);
    /// the input is symmetrised before the iteration.
    double symmetry_tolerance = 1e-12;
    /// Anderson acceleration (Higham & Strabic 2016) over this many previous iterates; 0 runs
    /// the plain method. Depths of 2 to 5 typically cut the iteration count several times on
    /// matrices with many negative eigenvalues; each accelerated step costs a least-squares
    /// solve with 2 n^2 rows and `anderson_depth` columns.
    std::size_t anderson_depth = 0;
    /// Off-diagonal entries kept at the input's values (Higham & Strabic's fixed-element
    /// variant: the affine projection resets them with the unit diagonal), e.g. a correlation
    /// agreed by contract or measured reliably. Met to within about the tolerance; a pattern
    /// that admits no positive semidefinite completion shows as converged = false.
    std::span<const matrix_entry> fixed = {};

    /// Throws spiral::invalid_argument naming the first parameter out of its domain.
    void validate() const {
        constexpr const char* what = "nearest_correlation_options";
        if (!(tolerance > 0) || !std::isfinite(tolerance))
            spiral::detail::throw_invalid(what, "tolerance", spiral::detail::no_row, tolerance,
                                          "must be finite and > 0");
        if (max_iterations == 0)
            spiral::detail::throw_invalid(what, "max_iterations", spiral::detail::no_row,
                                          max_iterations, "must be > 0");
        if (!(min_eigenvalue >= 0) || !(min_eigenvalue < 1))
            spiral::detail::throw_invalid(what, "min_eigenvalue", spiral::detail::no_row,
                                          min_eigenvalue, "must be in [0, 1)");
        if (anderson_depth > 50)
            spiral::detail::throw_invalid(what, "anderson_depth", spiral::detail::no_row,
                                          anderson_depth, "must be <= 50");
        if (!(symmetry_tolerance >= 0) || !std::isfinite(symmetry_tolerance))
            spiral::detail::throw_invalid(what, "symmetry_tolerance", spiral::detail::no_row,
                                          symmetry_tolerance, "must be finite and >= 0");
    }
};

/// What nearest_correlation found. `matrix` is always a valid correlation matrix (symmetric,
/// unit diagonal, eigenvalues >= min_eigenvalue up to rounding, ~1e-15): when `converged` is
/// false it is the last iterate made valid, not the nearest one, and must not be taken as such.
struct nearest_correlation_result {
    Eigen::MatrixXd matrix;     ///< The correlation matrix found.
    std::size_t iterations = 0; ///< projection pairs performed
    bool converged = false;     ///< the stopping rule was met within max_iterations
    double step = 0;            ///< last value of the stopping criterion
    double distance = 0;        ///< weighted Frobenius distance from the (symmetrised) input
};

namespace detail {

/// Projection of the symmetric `b` onto {eigenvalues >= floor}: V max(L, floor) V^T.
/// False (and `out` untouched) if the eigensolver fails to converge.
inline bool project_eigenvalues(const Eigen::MatrixXd& b, double floor, Eigen::MatrixXd& out,
                                Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>& eigen) {
    eigen.compute(b);
    if (eigen.info() != Eigen::Success)
        return false;
    const Eigen::VectorXd clipped = eigen.eigenvalues().cwiseMax(floor);
    out.noalias() = eigen.eigenvectors() * clipped.asDiagonal() * eigen.eigenvectors().transpose();
    out = 0.5 * (out + out.transpose()).eval(); // exactly symmetric
    return true;
}

/// D^-1/2 x D^-1/2 with D = diag(x): unit diagonal, keeps positive semidefiniteness. A zero
/// diagonal entry (whose row is then zero in a PSD matrix) becomes 1 with a zero row.
inline void scale_to_unit_diagonal(Eigen::MatrixXd& x) {
    const Eigen::Index n = x.rows();
    Eigen::VectorXd s(n);
    for (Eigen::Index i = 0; i < n; ++i)
        s(i) = x(i, i) > 0 ? 1.0 / std::sqrt(x(i, i)) : 0.0;
    x = s.asDiagonal() * x * s.asDiagonal();
    x = 0.5 * (x + x.transpose()).eval(); // s_i x_ij s_j and s_j x_ji s_i may round apart
    for (Eigen::Index i = 0; i < n; ++i)
        x(i, i) = 1.0;
}

/// Raises the smallest eigenvalue mu of the unit-diagonal x to `floor` (when it is below) by
/// moving towards the identity: (1 - t) x + t I, t = (floor - mu) / (1 - mu), whose
/// eigenvalues are (1 - t) lambda + t >= floor and whose diagonal stays 1. The last iterate's
/// scaling to a unit diagonal can take mu a little below the floor the projection met.
inline void raise_to_floor(Eigen::MatrixXd& x, double floor,
                           Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>& eigen) {
    if (!(floor > 0))
        return;
    eigen.compute(x, Eigen::EigenvaluesOnly);
    if (eigen.info() != Eigen::Success)
        return;
    const double mu = eigen.eigenvalues()(0);
    if (!(mu < floor))
        return;
    // A margin of a few ulps of 1 so that rounding in (1 - t) x + t I stays above the floor.
    const double target = std::min(1.0, floor + 8 * std::numeric_limits<double>::epsilon());
    const double t = (target - mu) / (1 - mu);
    x *= 1 - t;
    x.diagonal().setOnes();
}

} // namespace detail

/// The correlation matrix X nearest to the symmetric matrix `a` in the weighted Frobenius norm
/// ||W^1/2 (a - X) W^1/2||_F, W = diag(weights) (empty: W = I), by Higham's alternating
/// projections with Dykstra's correction (Higham 2002, Algorithm 3.3):
///
///   R = Y - dS;  X = P_S(R);  dS = X - R;  Y = P_U(X)
///
/// where P_S projects onto the positive semidefinite matrices (eigenvalues floored at
/// options.min_eigenvalue) and P_U sets the diagonal to 1 and the fixed entries
/// (options.fixed) to the input's (for a diagonal W both projections are the W-norm ones). The
/// returned matrix is the last P_S iterate scaled to a unit diagonal, so it is positive
/// semidefinite and unit diagonal whether or not the iteration converged.
///
/// Throws spiral::invalid_argument for a non-square or empty matrix, an entry that is not
/// finite or beyond 1e100 in size or asymmetric (naming row and column), weights outside
/// (0, 1e100] or spread over more than a factor 1e8 (naming the index), a fixed entry that is
/// on the diagonal or outside the matrix, or invalid options.
inline nearest_correlation_result
nearest_correlation(const Eigen::Ref<const Eigen::MatrixXd>& a,
                    const nearest_correlation_options& options = {},
                    std::span<const double> weights = {}) {
    constexpr const char* what = "nearest_correlation";
    options.validate();
    check_symmetric(what, "matrix", a, options.symmetry_tolerance);
    const Eigen::Index n = a.rows();
    // Entries up to 1e100 in size: the eigensolver and the norms square them.
    constexpr auto entry_domain = spiral::detail::in_closed(-1e100, 1e100);
    for (Eigen::Index j = 0; j < n; ++j)
        for (Eigen::Index i = 0; i < n; ++i)
            if (!entry_domain.contains(a(i, j))) [[unlikely]]
                spiral::detail::throw_outside(entry_domain, what, entry_name("matrix", i, j),
                                              a(i, j), spiral::detail::no_row);
    const bool weighted = !weights.empty();
    double largest_weight = 1;
    if (weighted) {
        check_weights(what, weights, n);
        // The problem does not change when every weight is scaled, so they are divided by the
        // largest; a spread beyond 1e8 is rejected: W^1/2 X W^1/2 then keeps the rows of the
        // small weights only to rounding, and scaling back turns that rounding into overflow.
        largest_weight = *std::max_element(weights.begin(), weights.end());
        for (std::size_t i = 0; i < weights.size(); ++i)
            if (!(weights[i] >= 1e-8 * largest_weight))
                spiral::detail::throw_invalid(what, "weights", i, weights[i],
                                              "must be at least 1e-8 times the largest weight " +
                                                  spiral::detail::bound_text(largest_weight));
    }
    for (std::size_t f = 0; f < options.fixed.size(); ++f) {
        const matrix_entry e = options.fixed[f];
        const auto size = static_cast<std::size_t>(n);
        if (e.row >= size || e.column >= size || e.row == e.column)
            spiral::detail::throw_invalid(what, "fixed", f,
                                          entry_name("", static_cast<Eigen::Index>(e.row),
                                                     static_cast<Eigen::Index>(e.column)),
                                          "must be an off-diagonal entry of the " +
                                              std::to_string(n) + "x" + std::to_string(n) +
                                              " matrix");
    }

    Eigen::VectorXd root = Eigen::VectorXd::Ones(n); // W^1/2
    if (weighted)
        for (Eigen::Index i = 0; i < n; ++i)
            root(i) = std::sqrt(weights[static_cast<std::size_t>(i)] / largest_weight);
    const Eigen::VectorXd inverse_root = root.cwiseInverse();

    const Eigen::MatrixXd input = 0.5 * (a + a.transpose());
    Eigen::MatrixXd y = input, x = input, x_previous = input, y_previous = input;
    Eigen::MatrixXd correction = Eigen::MatrixXd::Zero(n, n), r(n, n), b(n, n);
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(n);

    // Anderson acceleration works on the state z = (Y, dS) and the map z -> g(z) that one
    // projection pair computes: z_next = g(z) - dG gamma, gamma minimising |f - dF gamma|,
    // f = g(z) - z, with dF, dG the differences of the last `depth` residuals and images.
    const auto depth = static_cast<Eigen::Index>(options.anderson_depth);
    const Eigen::Index size = 2 * n * n;
    Eigen::VectorXd state(depth > 0 ? size : 0), image(depth > 0 ? size : 0);
    Eigen::VectorXd residual(depth > 0 ? size : 0), previous_residual, previous_image;
    Eigen::MatrixXd delta_f(depth > 0 ? size : 0, depth), delta_g(depth > 0 ? size : 0, depth);
    Eigen::Index stored = 0, next_slot = 0;
    auto pack = [n](Eigen::VectorXd& v, const Eigen::MatrixXd& first,
                    const Eigen::MatrixXd& second) {
        v.head(n * n) = first.reshaped();
        v.tail(n * n) = second.reshaped();
    };

    nearest_correlation_result result;
    for (std::size_t k = 1; k <= options.max_iterations; ++k) {
        if (depth > 0)
            pack(state, y, correction);
        r = y - correction;
        // The W-norm projection onto {X : eigenvalues >= floor} = floor I + {PSD}:
        // floor I + W^-1/2 (W^1/2 (R - floor I) W^1/2)_+ W^-1/2 (the PSD cone is invariant
        // under the congruence, the shift is not: it is applied before and after).
        if (weighted) {
            b = r;
            b.diagonal().array() -= options.min_eigenvalue;
            b = root.asDiagonal() * b * root.asDiagonal();
        }
        if (!detail::project_eigenvalues(weighted ? b : r, weighted ? 0.0 : options.min_eigenvalue,
                                         x, eigen)) {
            // eigensolver failure (not seen in practice): stop, not converged, and hand back
            // the last positive semidefinite iterate, or the identity if there is none
            if (k == 1)
                x = Eigen::MatrixXd::Identity(n, n);
            else
                x = x_previous;
            break;
        }
        if (weighted) {
            x = inverse_root.asDiagonal() * x * inverse_root.asDiagonal();
            x.diagonal().array() += options.min_eigenvalue;
        }
        correction = x - r;
        y = x;
        y.diagonal().setOnes();
        for (const matrix_entry e : options.fixed) {
            const auto i = static_cast<Eigen::Index>(e.row),
                       j = static_cast<Eigen::Index>(e.column);
            y(i, j) = y(j, i) = input(i, j);
        }

        const double change_x = (x - x_previous).norm() / x.norm();
        const double change_y = (y - y_previous).norm() / y.norm();
        const double gap = (y - x).norm() / y.norm();
        result.step = std::max(change_x, std::max(change_y, gap));
        result.iterations = k;
        // The iterates carry rounding of order eps |R| (R = Y - dS, and dS grows to the
        // distance from the input), so no relative change falls much below eps |R| / |Y|:
        // a tolerance under that floor ran max_iterations without converging (a 5 x 5 input
        // with an entry of 1e8: 100,000 iterations, spiral_fuzz_risk). The floor takes its
        // place there; on inputs near a correlation matrix it is far below 1e-12.
        const double rounding_floor = 8 * std::sqrt(static_cast<double>(n)) *
                                      std::numeric_limits<double>::epsilon() * r.norm() / y.norm();
        if (result.step <= std::max(options.tolerance, rounding_floor)) {
            result.converged = true;
            break;
        }
        x_previous = x;
        y_previous = y;

        if (depth > 0) {
            pack(image, y, correction);
            residual = image - state;
            if (k > 1) {
                // the least-squares problem does not depend on the column order, so the
                // newest difference overwrites the oldest in place
                const Eigen::Index slot = next_slot;
                next_slot = (next_slot + 1) % depth;
                delta_f.col(slot) = residual - previous_residual;
                delta_g.col(slot) = image - previous_image;
                stored = std::min(stored + 1, depth);
            }
            previous_residual = residual;
            previous_image = image;
            if (stored > 0) {
                // normal equations of the small least-squares problem (stored <= depth
                // columns), solved by a rank-revealing decomposition of the Gram matrix
                const auto df = delta_f.leftCols(stored);
                const Eigen::MatrixXd gram = df.transpose() * df;
                const Eigen::VectorXd rhs = df.transpose() * residual;
                const Eigen::VectorXd gamma = gram.completeOrthogonalDecomposition().solve(rhs);
                image.noalias() -= delta_g.leftCols(stored) * gamma;
                y = image.head(n * n).reshaped(n, n);
                correction = image.tail(n * n).reshaped(n, n);
            }
        }
    }
    detail::scale_to_unit_diagonal(x);
    detail::raise_to_floor(x, options.min_eigenvalue, eigen);
    result.matrix = std::move(x);
    const Eigen::MatrixXd difference =
        root.asDiagonal() * (input - result.matrix) * root.asDiagonal();
    result.distance = difference.norm() * largest_weight; // W = largest * (W / largest)
    return result;
}

/// Weighted Frobenius distance ||W^1/2 (a - b) W^1/2||_F, W = diag(weights) (empty: W = I).
inline double weighted_frobenius_distance(const Eigen::Ref<const Eigen::MatrixXd>& a,
                                          const Eigen::Ref<const Eigen::MatrixXd>& b,
                                          std::span<const double> weights = {}) {
    double sum = 0;
    for (Eigen::Index j = 0; j < a.cols(); ++j)
        for (Eigen::Index i = 0; i < a.rows(); ++i) {
            const double w = weights.empty() ? 1.0
                                             : weights[static_cast<std::size_t>(i)] *
                                                   weights[static_cast<std::size_t>(j)];
            const double d = a(i, j) - b(i, j);
            sum += w * d * d;
        }
    return std::sqrt(sum);
}

} // namespace spiral::risk
