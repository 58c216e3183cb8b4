// risk/: correlation estimation, validation, nearest-correlation repair, factors and scenarios.
//
// References: the published nearest-correlation examples (Higham 2002 and NAG's g02aa example,
// see tests/data/README.md), a second solver kept here (Newton's method on the dual problem of
// Qi & Sun 2006, in long double), the EWMA worked examples of Hull's textbook, formulas
// written out directly, and properties over generated matrices (fixed seeds).
#include <spiral/risk/risk.hpp>

#include "support/correlation_matrices.hpp"

#include <catch2/catch.hpp>

#include <Eigen/Dense>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <random>
#include <span>
#include <vector>

namespace unit_tests_risk_correlation {

namespace risk = spiral::risk;
using Catch::Matchers::Contains;

namespace {

using matrix_ld = Eigen::Matrix<long double, Eigen::Dynamic, Eigen::Dynamic>;
using vector_ld = Eigen::Matrix<long double, Eigen::Dynamic, 1>;

/// The positive semidefinite part V max(L, 0) V^T of a symmetric matrix, in long double.
matrix_ld psd_part(const matrix_ld& b) {
    const Eigen::SelfAdjointEigenSolver<matrix_ld> eigen(b);
    const vector_ld l = eigen.eigenvalues().cwiseMax(0.0L);
    return eigen.eigenvectors() * l.asDiagonal() * eigen.eigenvectors().transpose();
}

/// The nearest correlation matrix in the W-norm, W = diag(w), by the dual route (Qi & Sun
/// 2006): with G = W^1/2 A W^1/2, the solution is W^-1/2 (G + diag y)_+ W^-1/2 where y solves
/// diag((G + diag y)_+) = w. Solved here by Newton's method with a central-difference
/// Jacobian and a backtracking line search, in long double: an algorithm independent of the
/// alternating projections under test.
Eigen::MatrixXd dual_newton_oracle(const Eigen::MatrixXd& a, std::vector<double> w = {}) {
    const Eigen::Index n = a.rows();
    if (w.empty())
        w.assign(static_cast<std::size_t>(n), 1.0);
    vector_ld root(n), target(n);
    for (Eigen::Index i = 0; i < n; ++i) {
        target(i) = w[static_cast<std::size_t>(i)];
        root(i) = std::sqrt(target(i));
    }
    const matrix_ld g = root.asDiagonal() * a.cast<long double>() * root.asDiagonal();
    auto residual = [&](const vector_ld& y) -> vector_ld {
        matrix_ld b = g;
        b.diagonal() += y;
        return psd_part(b).diagonal() - target;
    };
    vector_ld y = vector_ld::Zero(n);
    vector_ld f = residual(y);
    for (int it = 0; it < 200 && f.norm() > 1e-17L; ++it) {
        matrix_ld jacobian(n, n);
        const long double h = 1e-7L;
        for (Eigen::Index j = 0; j < n; ++j) {
            vector_ld up = y, down = y;
            up(j) += h;
            down(j) -= h;
            jacobian.col(j) = (residual(up) - residual(down)) / (2 * h);
        }
        const vector_ld step = jacobian.fullPivLu().solve(-f);
        long double t = 1;
        vector_ld next = y + step, f_next = residual(next);
        while (f_next.norm() > (1 - 1e-4L * t) * f.norm() && t > 1e-6L) {
            t /= 2;
            next = y + t * step;
            f_next = residual(next);
        }
        y = next;
        f = f_next;
    }
    matrix_ld b = g;
    b.diagonal() += y;
    const matrix_ld x =
        root.cwiseInverse().asDiagonal() * psd_part(b) * root.cwiseInverse().asDiagonal();
    return x.cast<double>();
}

double max_abs_diff(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
    return (a - b).cwiseAbs().maxCoeff();
}

/// Symmetric, exactly unit diagonal, eigenvalues >= -1e-12: the documented output contract.
void require_valid_correlation(const Eigen::MatrixXd& x, double min_eig = -1e-12) {
    REQUIRE(x.rows() == x.cols());
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
        REQUIRE(x(i, i) == 1.0);
        for (Eigen::Index j = 0; j < i; ++j) {
            REQUIRE(x(i, j) == x(j, i));
            REQUIRE(std::abs(x(i, j)) <= 1.0 + 1e-12);
        }
    }
    REQUIRE(risk::min_eigenvalue(x) >= min_eig);
}

Eigen::MatrixXd perturbed_correlation(Eigen::Index n, std::uint64_t seed, double noise) {
    std::mt19937_64 rng(seed);
    return spiral::test::perturbed_correlation(n, rng, noise);
}

/// A valid correlation matrix the test constructs from `a`: (1 - t) a + t I with the
/// smallest t (bisection, then a margin) that makes it positive semidefinite.
Eigen::MatrixXd shrunk_toward_identity(const Eigen::MatrixXd& a) {
    const Eigen::MatrixXd id = Eigen::MatrixXd::Identity(a.rows(), a.cols());
    double lo = 0, hi = 1;
    for (int i = 0; i < 60; ++i) {
        const double mid = 0.5 * (lo + hi);
        if (risk::min_eigenvalue((1 - mid) * a + mid * id) >= 0)
            hi = mid;
        else
            lo = mid;
    }
    return (1 - hi) * a + hi * id;
}

Eigen::MatrixXd from_rows(std::initializer_list<std::initializer_list<double>> rows) {
    Eigen::MatrixXd m(static_cast<Eigen::Index>(rows.size()),
                      static_cast<Eigen::Index>(rows.begin()->size()));
    Eigen::Index i = 0;
    for (const auto& row : rows) {
        Eigen::Index j = 0;
        for (double v : row)
            m(i, j++) = v;
        ++i;
    }
    return m;
}

} // namespace

// ------------------------------------------------------------------ published examples

TEST_CASE("nearest_correlation: Higham (2002) 3x3 example", "[risk]") {
    // Higham (2002), Section 4: A = [1 1 0; 1 1 1; 0 1 1]. The paper prints the solution to
    // four digits (0.7607, 0.1573); the 8-digit values are those of Higham's nearcorr.m and
    // NAG (see tests/data/README.md).
    const Eigen::MatrixXd a = from_rows({{1, 1, 0}, {1, 1, 1}, {0, 1, 1}});
    const Eigen::MatrixXd expected = from_rows(
        {{1, 0.76068985, 0.15729811}, {0.76068985, 1, 0.76068985}, {0.15729811, 0.76068985, 1}});
    const Eigen::MatrixXd oracle = dual_newton_oracle(a);
    CHECK(max_abs_diff(oracle, expected) < 1e-8); // the oracle agrees with the published table

    for (std::size_t depth : {0u, 3u}) {
        const auto r = risk::nearest_correlation(a, {.anderson_depth = depth});
        REQUIRE(r.converged);
        CHECK(r.iterations > 1);
        CHECK(max_abs_diff(r.matrix, expected) < 1e-8);
        CHECK(max_abs_diff(r.matrix, oracle) < 1e-10);
        CHECK(std::abs(r.matrix(0, 1) - 0.7607) < 5e-5); // as printed in the paper
        CHECK(std::abs(r.matrix(0, 2) - 0.1573) < 5e-5);
        CHECK(r.distance == Approx((a - oracle).norm()).epsilon(1e-9));
        require_valid_correlation(r.matrix);
    }
}

TEST_CASE("nearest_correlation: weighted 3x3, W = diag(1, 2, 3)", "[risk]") {
    // The W-norm variant of the same example, W = diag(1, 2, 3); reference values from
    // Higham's nearcorr.m (tests/data/README.md) and from the dual oracle.
    const Eigen::MatrixXd a = from_rows({{1, 1, 0}, {1, 1, 1}, {0, 1, 1}});
    const std::vector<double> w{1, 2, 3};
    const Eigen::MatrixXd expected = from_rows(
        {{1, 0.66774961, 0.16723692}, {0.66774961, 1, 0.84557496}, {0.16723692, 0.84557496, 1}});
    const Eigen::MatrixXd oracle = dual_newton_oracle(a, w);
    CHECK(max_abs_diff(oracle, expected) < 1e-8);
    for (std::size_t depth : {0u, 3u}) {
        const auto r = risk::nearest_correlation(a, {.anderson_depth = depth}, w);
        REQUIRE(r.converged);
        CHECK(max_abs_diff(r.matrix, expected) < 1e-8);
        CHECK(max_abs_diff(r.matrix, oracle) < 1e-10);
        CHECK(r.distance == Approx(risk::weighted_frobenius_distance(a, oracle, w)).epsilon(1e-9));
        require_valid_correlation(r.matrix);
    }
}

TEST_CASE("nearest_correlation: NAG g02aa example", "[risk]") {
    // NAG Library g02aa(f/c) example program: G = tridiag(-1, 2, -1), n = 4.
    const Eigen::MatrixXd g =
        from_rows({{2, -1, 0, 0}, {-1, 2, -1, 0}, {0, -1, 2, -1}, {0, 0, -1, 2}});
    const Eigen::MatrixXd expected = from_rows({{1, -0.8084125, 0.1915875, 0.10677505},
                                                {-0.8084125, 1, -0.65623269, 0.1915875},
                                                {0.1915875, -0.65623269, 1, -0.8084125},
                                                {0.10677505, 0.1915875, -0.8084125, 1}});
    const Eigen::MatrixXd oracle = dual_newton_oracle(g);
    CHECK(max_abs_diff(oracle, expected) < 1e-8);
    for (std::size_t depth : {0u, 2u}) {
        const auto r = risk::nearest_correlation(g, {.anderson_depth = depth});
        REQUIRE(r.converged);
        CHECK(max_abs_diff(r.matrix, expected) < 1e-8);
        CHECK(max_abs_diff(r.matrix, oracle) < 1e-10);
        require_valid_correlation(r.matrix);
    }
}

// ------------------------------------------------------------------ properties

TEST_CASE("nearest_correlation: valid, optimal and never farther than a shrunk matrix", "[risk]") {
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> weight(0.2, 5.0);
    int indefinite = 0;
    for (std::uint64_t seed = 1; seed <= 24; ++seed) {
        const Eigen::Index n = 3 + static_cast<Eigen::Index>(seed % 8);
        const Eigen::MatrixXd a = perturbed_correlation(n, seed, 0.45);
        indefinite += risk::min_eigenvalue(a) < 0;
        std::vector<double> w;
        if (seed % 2 == 0)
            for (Eigen::Index i = 0; i < n; ++i)
                w.push_back(weight(rng));
        const auto r = risk::nearest_correlation(a, {.anderson_depth = seed % 3 == 0 ? 4u : 0u}, w);
        INFO("seed " << seed << ", n " << n);
        REQUIRE(r.converged);
        require_valid_correlation(r.matrix);
        // no farther than a valid matrix built here...
        const Eigen::MatrixXd shrunk = shrunk_toward_identity(a);
        REQUIRE(risk::min_eigenvalue(shrunk) >= -1e-12);
        CHECK(r.distance <= risk::weighted_frobenius_distance(a, shrunk, w) + 1e-10);
        CHECK(r.distance <=
              risk::weighted_frobenius_distance(a, Eigen::MatrixXd::Identity(n, n), w) + 1e-10);
        // ...and the optimum, by the independent dual solver
        CHECK(max_abs_diff(r.matrix, dual_newton_oracle(a, w)) < 1e-8);
    }
    CHECK(indefinite >= 16); // the generator does produce invalid inputs
}

TEST_CASE("nearest_correlation: a valid input comes back unchanged", "[risk]") {
    const Eigen::MatrixXd a = shrunk_toward_identity(perturbed_correlation(8, 3, 0.3));
    Eigen::MatrixXd valid = a;
    valid.diagonal().setOnes();
    valid = 0.999 * valid + 0.001 * Eigen::MatrixXd::Identity(8, 8); // strictly inside
    const auto r = risk::nearest_correlation(valid);
    REQUIRE(r.converged);
    CHECK(max_abs_diff(r.matrix, valid) < 1e-12);
    CHECK(r.iterations <= 2);
}

TEST_CASE("nearest_correlation: eigenvalue floor gives a Cholesky-factorable matrix", "[risk]") {
    const Eigen::MatrixXd a = from_rows({{1, 1, 0}, {1, 1, 1}, {0, 1, 1}});
    const double floor = 1e-3;
    const auto r = risk::nearest_correlation(a, {.min_eigenvalue = floor});
    REQUIRE(r.converged);
    require_valid_correlation(r.matrix, floor * (1 - 1e-8));
    const Eigen::MatrixXd l = risk::cholesky_factor(r.matrix);
    CHECK(max_abs_diff(l * l.transpose(), r.matrix) < 1e-14);
    // the floor costs distance: the unconstrained optimum is nearer
    CHECK(risk::nearest_correlation(a).distance < r.distance);
}

TEST_CASE("reliability 11: weighted nearest correlation with an eigenvalue floor keeps the "
          "floor and does not depend on the weights' scale",
          "[risk][reliability]") {
    // NAG g02ab's example problem: G = tridiag(-1, 2, -1), W = diag(100, 20, 20, 20), floor
    // alpha = 0.02. With X = alpha I + (1 - alpha) C the problem becomes the nearest
    // correlation C to (G - alpha I) / (1 - alpha) in the same norm, which the independent
    // dual solver answers.
    const Eigen::MatrixXd g =
        from_rows({{2, -1, 0, 0}, {-1, 2, -1, 0}, {0, -1, 2, -1}, {0, 0, -1, 2}});
    const double alpha = 0.02;
    const Eigen::MatrixXd id = Eigen::MatrixXd::Identity(4, 4);
    for (const std::vector<double>& w :
         {std::vector<double>{100, 20, 20, 20}, std::vector<double>{1, 0.2, 0.2, 0.2},
          std::vector<double>{1e4, 2e3, 2e3, 2e3}, std::vector<double>{1, 2, 3, 4}}) {
        INFO("weights " << w[0] << ", " << w[1]);
        const Eigen::MatrixXd expected =
            alpha * id + (1 - alpha) * dual_newton_oracle((g - alpha * id) / (1 - alpha), w);
        const auto r = risk::nearest_correlation(g, {.min_eigenvalue = alpha}, w);
        REQUIRE(r.converged);
        require_valid_correlation(r.matrix, alpha - 1e-15);
        CHECK(max_abs_diff(r.matrix, expected) < 1e-8);
        // without weights the same substitution holds
    }
    const auto plain = risk::nearest_correlation(g, {.min_eigenvalue = alpha});
    REQUIRE(plain.converged);
    require_valid_correlation(plain.matrix, alpha - 1e-15);
    CHECK(max_abs_diff(plain.matrix,
                       alpha * id + (1 - alpha) *
                                        dual_newton_oracle((g - alpha * id) / (1 - alpha))) < 1e-8);
}

TEST_CASE("nearest_correlation: Anderson acceleration agrees and needs fewer iterations",
          "[risk]") {
    const Eigen::MatrixXd a = perturbed_correlation(40, 11, 0.25);
    REQUIRE(risk::min_eigenvalue(a) < -0.1);
    const auto plain = risk::nearest_correlation(a);
    const auto fast = risk::nearest_correlation(a, {.anderson_depth = 5});
    REQUIRE(plain.converged);
    REQUIRE(fast.converged);
    CHECK(fast.iterations < plain.iterations);
    CHECK(max_abs_diff(plain.matrix, fast.matrix) < 1e-9);
}

TEST_CASE("nearest_correlation: running out of iterations is reported", "[risk]") {
    const Eigen::MatrixXd a = from_rows({{1, 1, 0}, {1, 1, 1}, {0, 1, 1}});
    const auto r = risk::nearest_correlation(a, {.max_iterations = 3});
    CHECK_FALSE(r.converged);
    CHECK(r.iterations == 3);
    CHECK(r.step > 1e-12);
    // the matrix handed back is still a correlation matrix, just not the nearest one
    require_valid_correlation(r.matrix);
    CHECK(r.distance > risk::nearest_correlation(a).distance);
}

TEST_CASE("nearest_correlation: fixed entries, closed forms", "[risk]") {
    // Higham's A with X(0, 2) kept at 0: X = [1 a 0; a 1 b; 0 b 1] is PSD iff a^2 + b^2 <= 1,
    // so the nearest is the point of the unit circle nearest to (1, 1) in the metric
    // c0 (1 - a)^2 + c1 (1 - b)^2 with c0 = w0 w1, c1 = w1 w2: a = c0 / (c0 + l),
    // b = c1 / (c1 + l), l > 0 the multiplier that puts (a, b) on the circle (bisection).
    const Eigen::MatrixXd a = from_rows({{1, 1, 0}, {1, 1, 1}, {0, 1, 1}});
    const std::vector<risk::matrix_entry> fixed{{0, 2}};
    for (const std::vector<double>& w : {std::vector<double>{}, std::vector<double>{1, 2, 3}}) {
        const double c0 = w.empty() ? 1 : w[0] * w[1], c1 = w.empty() ? 1 : w[1] * w[2];
        double lo = 0, hi = 100;
        for (int i = 0; i < 200; ++i) {
            const double l = 0.5 * (lo + hi), x = c0 / (c0 + l), y = c1 / (c1 + l);
            (x * x + y * y > 1 ? lo : hi) = l;
        }
        const double l = 0.5 * (lo + hi), x01 = c0 / (c0 + l), x12 = c1 / (c1 + l);
        if (w.empty())
            CHECK(x01 == Approx(std::sqrt(0.5)).epsilon(1e-14));
        for (std::size_t depth : {0u, 3u}) {
            const auto r =
                risk::nearest_correlation(a, {.anderson_depth = depth, .fixed = fixed}, w);
            INFO("weighted " << !w.empty() << ", depth " << depth);
            REQUIRE(r.converged);
            CHECK(std::abs(r.matrix(0, 2)) < 1e-8);
            CHECK(r.matrix(0, 1) == Approx(x01).margin(1e-8));
            CHECK(r.matrix(1, 2) == Approx(x12).margin(1e-8));
            require_valid_correlation(r.matrix);
        }
    }
    // a pattern with no PSD completion: fixing (0, 1) = (1, 2) = 1 and (0, 2) = 0
    const std::vector<risk::matrix_entry> impossible{{0, 1}, {1, 2}, {0, 2}};
    const auto r = risk::nearest_correlation(a, {.max_iterations = 2000, .fixed = impossible});
    CHECK_FALSE(r.converged);
    require_valid_correlation(r.matrix);
}

TEST_CASE("nearest_correlation: bad input names the entry", "[risk]") {
    const Eigen::MatrixXd rect(2, 3);
    CHECK_THROWS_AS(risk::nearest_correlation(rect), spiral::invalid_argument);
    CHECK_THROWS_WITH(risk::nearest_correlation(rect), Contains("2x3"));

    Eigen::MatrixXd a = from_rows({{1, 0.5, 0.2}, {0.5, 1, 0.1}, {0.2, 0.1, 1}});
    Eigen::MatrixXd nan = a;
    nan(1, 2) = std::numeric_limits<double>::quiet_NaN();
    CHECK_THROWS_WITH(risk::nearest_correlation(nan), Contains("matrix(1, 2)"));

    Eigen::MatrixXd asym = a;
    asym(2, 0) = 0.3;
    CHECK_THROWS_AS(risk::nearest_correlation(asym), spiral::invalid_argument);
    CHECK_THROWS_WITH(risk::nearest_correlation(asym),
                      Contains("matrix(2, 0)") && Contains("not symmetric"));

    const std::vector<double> w{1, 0, 2};
    CHECK_THROWS_WITH(risk::nearest_correlation(a, {}, w), Contains("weights[1]"));
    const std::vector<double> short_w{1, 2};
    CHECK_THROWS_WITH(risk::nearest_correlation(a, {}, short_w), Contains("weights.size()"));
    CHECK_THROWS_WITH(risk::nearest_correlation(a, {.tolerance = 0}), Contains("tolerance"));
    CHECK_THROWS_WITH(risk::nearest_correlation(a, {.min_eigenvalue = -0.1}),
                      Contains("min_eigenvalue"));
    const std::vector<risk::matrix_entry> diagonal{{0, 1}, {2, 2}};
    CHECK_THROWS_WITH(risk::nearest_correlation(a, {.fixed = diagonal}), Contains("fixed[1]"));
    const std::vector<risk::matrix_entry> outside{{0, 3}};
    CHECK_THROWS_WITH(risk::nearest_correlation(a, {.fixed = outside}), Contains("fixed[0]"));
}

// ------------------------------------------------------------------ checks and factors

TEST_CASE("check_correlation names the entry or the eigenvalue", "[risk]") {
    const Eigen::MatrixXd good = from_rows({{1, 0.5}, {0.5, 1}});
    CHECK_NOTHROW(risk::check_correlation(good));
    Eigen::MatrixXd diag = good;
    diag(1, 1) = 1.1;
    CHECK_THROWS_WITH(risk::check_correlation(diag), Contains("rho(1, 1)") && Contains("diagonal"));
    const Eigen::MatrixXd big = from_rows({{1, 1.2}, {1.2, 1}});
    CHECK_THROWS_WITH(risk::check_correlation(big), Contains("rho(1, 0)") && Contains("[-1, 1]"));
    const Eigen::MatrixXd indefinite = from_rows({{1, 1, 0}, {1, 1, 1}, {0, 1, 1}});
    // eigenvalues of A are 1 - sqrt(2), 1, 1 + sqrt(2)
    CHECK_THROWS_WITH(risk::check_correlation(indefinite),
                      Contains("eigenvalue") && Contains("-0.41421356"));
}

TEST_CASE("Cholesky and eigen factors reproduce the matrix", "[risk]") {
    const Eigen::MatrixXd rho = shrunk_toward_identity(perturbed_correlation(12, 5, 0.2));
    Eigen::MatrixXd pd = 0.99 * rho + 0.01 * Eigen::MatrixXd::Identity(12, 12);
    pd.diagonal().setOnes();
    const Eigen::MatrixXd l = risk::cholesky_factor(pd);
    CHECK(max_abs_diff(l * l.transpose(), pd) < 1e-14);
    CHECK(l.isLowerTriangular());
    const Eigen::MatrixXd e = risk::eigen_factor(pd);
    CHECK(max_abs_diff(e * e.transpose(), pd) < 1e-13);

    // a singular correlation matrix (perfectly correlated pair): no Cholesky, eigen works
    const Eigen::MatrixXd singular = from_rows({{1, 1, 0.3}, {1, 1, 0.3}, {0.3, 0.3, 1}});
    CHECK_THROWS_WITH(risk::cholesky_factor(singular), Contains("positive definite"));
    const Eigen::MatrixXd s = risk::eigen_factor(singular);
    CHECK(max_abs_diff(s * s.transpose(), singular) < 1e-14);
}

// ------------------------------------------------------------------ estimation

TEST_CASE("EWMA: Hull's worked examples", "[risk]") {
    // J. C. Hull, Options, Futures, and Other Derivatives, EWMA volatility example:
    // lambda = 0.94, yesterday's volatility 1% a day, yesterday's return 2%:
    // sigma_n^2 = 0.94 * 0.0001 + 0.06 * 0.0004 = 0.000118 (sigma_n = 1.086%).
    const Eigen::MatrixXd v0 = Eigen::MatrixXd::Constant(1, 1, 0.0001);
    const std::vector<double> r1{0.02};
    const Eigen::MatrixXd v1 = risk::ewma_covariance(r1, 1, {.lambda = 0.94}, v0);
    CHECK(v1(0, 0) == Approx(0.000118).epsilon(1e-14));
    CHECK(std::sqrt(v1(0, 0)) == Approx(0.01086).epsilon(5e-4));

    // Hull, "Correlations and Copulas": lambda = 0.95, correlation 0.6, volatilities 1% and
    // 2%, returns 0.5% and 2.5%: covariance 0.0001202, variances 0.00009625 and 0.00041125,
    // correlation 0.6044.
    Eigen::MatrixXd c0(2, 2);
    c0 << 0.0001, 0.6 * 0.01 * 0.02, 0.6 * 0.01 * 0.02, 0.0004;
    const std::vector<double> r{0.005, 0.025};
    const Eigen::MatrixXd c1 = risk::ewma_covariance(r, 2, {.lambda = 0.95}, c0);
    CHECK(c1(0, 1) == Approx(0.0001202).margin(5e-8)); // as printed (4 digits)
    CHECK(c1(0, 1) == Approx(0.95 * 0.00012 + 0.05 * 0.005 * 0.025).epsilon(1e-13));
    CHECK(c1(0, 0) == Approx(0.00009625).epsilon(1e-13));
    CHECK(c1(1, 1) == Approx(0.00041125).epsilon(1e-13));
    CHECK(risk::correlation_from_covariance(c1)(0, 1) == Approx(0.6044).margin(5e-5));
}

TEST_CASE("EWMA window form: direct weighted sum, PSD", "[risk]") {
    std::mt19937_64 rng(3);
    std::normal_distribution<double> normal(0, 0.02);
    const std::size_t n = 5, periods = 60;
    std::vector<double> r(n * periods);
    for (double& x : r)
        x = normal(rng);
    const double lambda = 0.9;
    const Eigen::MatrixXd sigma = risk::ewma_covariance(r, n, {.lambda = lambda});
    // written out: sum_t lambda^(T-1-t) (1 - lambda) r_t r_t^T / (1 - lambda^T)
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j) {
            double sum = 0;
            for (std::size_t t = 0; t < periods; ++t)
                sum += std::pow(lambda, static_cast<double>(periods - 1 - t)) * (1 - lambda) *
                       r[t * n + i] * r[t * n + j];
            sum /= 1 - std::pow(lambda, static_cast<double>(periods));
            CHECK(sigma(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) ==
                  Approx(sum).epsilon(1e-12));
        }
    CHECK(risk::min_eigenvalue(sigma) >= -1e-18);
    const Eigen::MatrixXd rho = risk::ewma_correlation(r, n, {.lambda = lambda});
    CHECK_NOTHROW(risk::check_correlation(rho, 1e-12));
}

TEST_CASE("sample correlation: Pearson's formula, perfect correlation", "[risk]") {
    const std::vector<double> r{1, 2, 10, 2, 4, 7, 3, 6, 9, 4, 8, 3, 5, 10, 1};
    // columns: x, 2x, and a third series
    const Eigen::MatrixXd rho = risk::sample_correlation(r, 3);
    CHECK(rho(0, 1) == Approx(1.0).epsilon(1e-15));
    // Pearson by sums: x = 1..5, z = 10, 7, 9, 3, 1
    const double sx = 15, sz = 30, sxx = 55, szz = 240, sxz = 10 + 14 + 27 + 12 + 5;
    const double expected =
        (5 * sxz - sx * sz) / std::sqrt((5 * sxx - sx * sx) * (5 * szz - sz * sz));
    CHECK(rho(0, 2) == Approx(expected).epsilon(1e-14));
    CHECK(rho(1, 2) == Approx(expected).epsilon(1e-14));
    const Eigen::MatrixXd cov = risk::sample_covariance(r, 3);
    CHECK(cov(0, 0) == Approx(2.5).epsilon(1e-15)); // var(1..5), divided by T - 1
}

TEST_CASE("shrinkage: intensity in [0, 1], positive definite for T < n, scale invariant",
          "[risk]") {
    std::mt19937_64 rng(9);
    std::normal_distribution<double> normal;
    const std::size_t n = 12;
    // two sectors: correlation high within each, negative across (not constant)
    auto draw = [&](std::size_t periods, double common) {
        std::vector<double> r(n * periods);
        for (std::size_t t = 0; t < periods; ++t) {
            const double m = normal(rng);
            for (std::size_t i = 0; i < n; ++i) {
                const double sector = i < n / 2 ? common : -common;
                r[t * n + i] = 0.01 * (sector * m + normal(rng)) * (1 + 0.1 * double(i));
            }
        }
        return r;
    };
    const auto short_history = draw(8, 0.8); // fewer periods than assets: S is singular
    for (int which = 0; which < 2; ++which) {
        const auto est = which == 0 ? risk::shrink_to_constant_correlation(short_history, n)
                                    : risk::shrink_to_identity(short_history, n);
        INFO("target " << which);
        CHECK(est.intensity > 0);
        CHECK(est.intensity <= 1);
        CHECK(risk::min_eigenvalue(est.covariance) > 0);
        // scaling every return leaves the intensity alone and scales the estimate
        std::vector<double> scaled = short_history;
        for (double& x : scaled)
            x *= 3;
        const auto est3 = which == 0 ? risk::shrink_to_constant_correlation(scaled, n)
                                     : risk::shrink_to_identity(scaled, n);
        CHECK(est3.intensity == Approx(est.intensity).epsilon(1e-10));
        CHECK(max_abs_diff(est3.covariance, 9 * est.covariance) < 1e-12);
    }
    // a long history needs less shrinkage than a short one
    const auto long_history = draw(4000, 0.8);
    CHECK(risk::shrink_to_constant_correlation(long_history, n).intensity <
          risk::shrink_to_constant_correlation(short_history, n).intensity);
    CHECK(risk::shrink_to_constant_correlation(long_history, n).intensity < 0.05);
}

TEST_CASE("shrinkage toward constant correlation: the Ledoit-Wolf formulas written out", "[risk]") {
    // Ledoit & Wolf (2004), "Honey, I shrunk the sample covariance matrix", Appendix B, as
    // plain loops over a fixed history of n = 4 assets and T = 40 periods.
    std::mt19937_64 rng(21);
    std::normal_distribution<double> normal;
    const std::size_t n = 4, periods = 40;
    const double loading[4] = {1.5, 1.0, 0.2, -0.5}; // far from constant correlation
    std::vector<double> r(n * periods);
    for (std::size_t t = 0; t < periods; ++t) {
        const double m = normal(rng);
        for (std::size_t i = 0; i < n; ++i)
            r[t * n + i] = 0.01 * (loading[i] * m + normal(rng));
    }
    const double tt = static_cast<double>(periods);
    std::vector<double> mean(n, 0.0);
    for (std::size_t t = 0; t < periods; ++t)
        for (std::size_t i = 0; i < n; ++i)
            mean[i] += r[t * n + i] / tt;
    auto y = [&](std::size_t t, std::size_t i) { return r[t * n + i] - mean[i]; };
    double s[4][4] = {};
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j)
            for (std::size_t t = 0; t < periods; ++t)
                s[i][j] += y(t, i) * y(t, j) / tt;
    double rbar = 0;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = i + 1; j < n; ++j)
            rbar += s[i][j] / std::sqrt(s[i][i] * s[j][j]) / 6.0; // 6 pairs
    double pi = 0, rho = 0, gamma = 0;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j) {
            double pij = 0, theta_ii = 0, theta_jj = 0;
            for (std::size_t t = 0; t < periods; ++t) {
                const double d = y(t, i) * y(t, j) - s[i][j];
                pij += d * d / tt;
                theta_ii += (y(t, i) * y(t, i) - s[i][i]) * d / tt;
                theta_jj += (y(t, j) * y(t, j) - s[j][j]) * d / tt;
            }
            pi += pij;
            if (i == j) {
                rho += pij;
            } else {
                rho += rbar / 2 *
                       (std::sqrt(s[j][j] / s[i][i]) * theta_ii +
                        std::sqrt(s[i][i] / s[j][j]) * theta_jj);
                const double f = rbar * std::sqrt(s[i][i] * s[j][j]);
                gamma += (f - s[i][j]) * (f - s[i][j]);
            }
        }
    const double delta = std::max(0.0, std::min(1.0, (pi - rho) / gamma / tt));
    REQUIRE(delta > 0.01); // the example exercises the formula, not the clamp
    REQUIRE(delta < 0.99);
    const auto est = risk::shrink_to_constant_correlation(r, n);
    CHECK(est.intensity == Approx(delta).epsilon(1e-12));
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j) {
            const double f = i == j ? s[i][i] : rbar * std::sqrt(s[i][i] * s[j][j]);
            CHECK(est.covariance(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) ==
                  Approx(delta * f + (1 - delta) * s[i][j]).epsilon(1e-12));
        }
}

TEST_CASE("estimators: bad input names row and column", "[risk]") {
    std::vector<double> r{0.01, 0.02, 0.03, 0.04, 0.05, 0.06};
    CHECK_THROWS_WITH(risk::ewma_covariance(r, 2, {.lambda = 1.0}), Contains("lambda"));
    CHECK_THROWS_WITH(risk::ewma_covariance(r, 2, {.lambda = 0.0}), Contains("lambda"));
    CHECK_THROWS_WITH(risk::ewma_covariance(r, 4), Contains("multiple"));
    r[3] = std::numeric_limits<double>::infinity();
    CHECK_THROWS_WITH(risk::sample_correlation(r, 2), Contains("returns(1, 1)"));
    const std::vector<double> constant{1, 2, 1, 3, 1, 4};
    CHECK_THROWS_WITH(risk::sample_correlation(constant, 2),
                      Contains("variance of returns column[0] = 0"));
}

// ------------------------------------------------------------------ scenarios

TEST_CASE("splitmix64: reference outputs", "[risk]") {
    // First outputs of Vigna's splitmix64.c from state 0 (as used to seed xoshiro).
    risk::splitmix64 g{0};
    CHECK(g.next() == 0xe220a8397b1dcdafULL);
    CHECK(g.next() == 0x6e789e6aa1b965f4ULL);
    CHECK(g.next() == 0x06c45d188009454fULL);
    static_assert(risk::unit_open(0) > 0 && risk::unit_open(~0ULL) < 1);
}

TEST_CASE("correlated scenarios: moments, reproducibility, Student-t tails", "[risk]") {
    const Eigen::MatrixXd rho = from_rows({{1, 0.8, -0.3}, {0.8, 1, 0.1}, {-0.3, 0.1, 1}});
    const Eigen::MatrixXd l = risk::cholesky_factor(rho);
    const std::vector<double> scale{0.05, 0.02, 0.01};
    const std::size_t scenarios = 100000, n = 3;
    for (auto kind : {risk::copula::gaussian, risk::copula::student_t}) {
        INFO("copula " << static_cast<int>(kind));
        std::vector<double> out(scenarios * n);
        risk::correlated_scenarios(l, scale, {.kind = kind, .degrees_of_freedom = 6, .seed = 42},
                                   out);
        const Eigen::MatrixXd c = risk::sample_covariance(out, n);
        const Eigen::MatrixXd corr = risk::correlation_from_covariance(c);
        // sampling error of a correlation ~ (1 - rho^2) / sqrt(N) ~ 0.003; t is wider
        CHECK(max_abs_diff(corr, rho) < 0.02);
        for (std::size_t i = 0; i < n; ++i)
            CHECK(std::sqrt(c(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(i))) ==
                  Approx(scale[i]).epsilon(0.03));

        // reproducible, and a sub-range generated alone is the same numbers
        std::vector<double> again(out.size()), tail(10 * n);
        risk::correlated_scenarios(l, scale, {.kind = kind, .degrees_of_freedom = 6, .seed = 42},
                                   again);
        CHECK(again == out);
        risk::correlated_scenarios(
            l, scale, {.kind = kind, .degrees_of_freedom = 6, .seed = 42, .first_scenario = 500},
            tail);
        CHECK(std::equal(tail.begin(), tail.end(), out.begin() + 500 * n));
        std::vector<double> other(out.size());
        risk::correlated_scenarios(l, scale, {.kind = kind, .degrees_of_freedom = 6, .seed = 43},
                                   other);
        CHECK(other != out);
    }
    // joint tail events: both of the 0.8-correlated pair below their 0.5% quantile is more
    // frequent under the t copula (tail dependence) than under the Gaussian one
    auto joint_tail = [&](risk::copula kind) {
        std::vector<double> out(scenarios * n);
        risk::correlated_scenarios(l, {}, {.kind = kind, .degrees_of_freedom = 3, .seed = 7}, out);
        std::vector<double> a(scenarios), b(scenarios);
        for (std::size_t s = 0; s < scenarios; ++s) {
            a[s] = out[s * n];
            b[s] = out[s * n + 1];
        }
        std::vector<double> sa = a, sb = b;
        std::nth_element(sa.begin(), sa.begin() + 500, sa.end());
        std::nth_element(sb.begin(), sb.begin() + 500, sb.end());
        std::size_t both = 0;
        for (std::size_t s = 0; s < scenarios; ++s)
            both += a[s] <= sa[500] && b[s] <= sb[500];
        return both;
    };
    CHECK(joint_tail(risk::copula::student_t) > joint_tail(risk::copula::gaussian) + 20);
}

// Fuzz finding (2026-12-02 campaign, corpus/risk/nearest-weight-dbl-max): a weight of DBL_MAX
// was accepted and the reported distance came out inf.
TEST_CASE("nearest_correlation rejects weights its distance would overflow", "[risk]") {
    const Eigen::MatrixXd a = Eigen::MatrixXd::Constant(1, 1, -1.36785);
    const std::vector<double> huge{std::numeric_limits<double>::max()};
    CHECK_THROWS_WITH(risk::nearest_correlation(a, {}, huge),
                      Catch::Contains("weights[0]") && Catch::Contains("(0, 1e+100]"));
    // the largest accepted weight: the distance is w |a - 1| (here 1e100 x 2.36785), finite
    const std::vector<double> largest{1e100};
    const auto r = risk::nearest_correlation(a, {}, largest);
    CHECK(r.matrix(0, 0) == 1.0);
    CHECK(r.distance == Approx(1e100 * 2.36785).epsilon(1e-12));
    CHECK(r.distance ==
          Approx(risk::weighted_frobenius_distance(a, r.matrix, largest)).epsilon(1e-12));
}

// Fuzz finding (2026-12-02 campaign, corpus/risk/scenarios-scale-dbl-max): a scale of
// DBL_MAX was accepted and the Student-t scenarios overflowed to +-inf.
TEST_CASE("correlated_scenarios rejects a scale the draws would overflow", "[risk]") {
    const Eigen::MatrixXd one = Eigen::MatrixXd::Identity(1, 1);
    std::vector<double> out(8);
    const risk::scenario_spec spec{.kind = risk::copula::student_t,
                                   .degrees_of_freedom = 3138399162u,
                                   .seed = 18351869060263171059ull};
    const std::vector<double> huge{std::numeric_limits<double>::max()};
    CHECK_THROWS_WITH(risk::correlated_scenarios(one, huge, spec, out),
                      Catch::Contains("scale") && Catch::Contains("[0, 1e+100]"));
    // the largest accepted scale stays finite: |x| <= 8.3 x the mixing variable
    const std::vector<double> largest{1e100};
    risk::correlated_scenarios(one, largest, spec, out);
    for (const double x : out) {
        CHECK(std::isfinite(x));
        CHECK(std::abs(x) > 0);
    }
}

TEST_CASE("price_drop maps log-returns to [0, 1)", "[risk]") {
    CHECK(risk::price_drop(0.0) == 0.0);
    CHECK(risk::price_drop(0.1) == 0.0);
    CHECK(risk::price_drop(std::log(0.7)) == Approx(0.3).epsilon(1e-15));
    CHECK(risk::price_drop(-1000.0) < 1.0);
    CHECK(risk::price_drop(-1000.0) > 0.999999);
    CHECK(std::isnan(risk::price_drop(std::numeric_limits<double>::quiet_NaN())));
    std::vector<double> r{-0.1, 0.2, -50};
    risk::to_price_drops(r);
    CHECK(r[0] == Approx(1 - std::exp(-0.1)));
    CHECK(r[1] == 0.0);
    CHECK(r[2] < 1.0);
}

TEST_CASE("scenarios: bad input", "[risk]") {
    const Eigen::MatrixXd l = Eigen::MatrixXd::Identity(2, 2);
    std::vector<double> out(5);
    CHECK_THROWS_WITH(risk::correlated_scenarios(l, {}, {}, out), Contains("out.size()"));
    out.resize(4);
    CHECK_THROWS_WITH(risk::correlated_scenarios(
                          l, {}, {.kind = risk::copula::student_t, .degrees_of_freedom = 2}, out),
                      Contains("degrees_of_freedom"));
    const std::vector<double> scale{0.1, -1};
    CHECK_THROWS_WITH(risk::correlated_scenarios(l, scale, {}, out), Contains("scale[1]"));
}

} // namespace unit_tests_risk_correlation
