// stress::correlated_gbm — several GBM assets whose per-step shocks come from a Gaussian or
// Student-t copula.
//
// Needs Eigen 3.4 (make_correlated_gbm factors the correlation matrix).
/// \file
/// \ingroup stress
/// \brief stress::correlated_gbm: correlated multi-asset GBM paths (Gaussian or t copula).
#pragma once

#include <spiral/core/checks.hpp>
#include <spiral/core/error.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/random.hpp>
#include <spiral/risk/factor.hpp>
#include <spiral/risk/random.hpp>
#include <spiral/risk/scenarios.hpp>
#include <spiral/stress/path_model.hpp>

#include <Eigen/Dense>

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace spiral::stress {

/// The most assets a correlated_gbm serves: generate keeps one step's shocks on the stack.
inline constexpr std::size_t max_correlated_assets = 64;

/// n assets, each a GBM (see stress::gbm) with its own spot, drift and vol, whose per-step
/// shocks are correlated: with eps n independent standard normals and L the factor (L L^T =
/// rho, as risk::cholesky_factor or risk::eigen_factor give),
///
///   x = L eps                                  (copula gaussian)
///   x = sqrt((nu - 2) / W) L eps, W ~ chi2(nu) (copula student_t: one W per step, shared)
///   r_i = (mu_i - sigma_i^2/2) dt + sigma_i sqrt(dt) x_i,  sigma_i = vols[i] * vol_multiplier
///
/// so every x_i has unit variance and corr(x_i, x_j) = rho_ij; the shared W of the t copula
/// makes the assets fall together in the tails (as risk::correlated_scenarios does for one
/// period). Per step: n normals, then one gamma variate for the t copula. Output is asset-major
/// (path a at prices + a (spec.steps + 1)), each path starting at spots[a]; spec.spot is not
/// used, nor spec.jump_multiplier (no jumps). At most max_correlated_assets (64) assets.
/// Host only (std::vector members); build it with make_correlated_gbm.
struct correlated_gbm {
    std::vector<double> spots;  ///< starting price per asset (finite, > 0); n = size
    std::vector<double> vols;   ///< annualised vol per asset (finite, >= 0), n of them
    std::vector<double> drifts; ///< annualised drift per asset (finite); empty: all 0
    std::vector<double> factor; ///< L, n x n row-major: L L^T = the correlation matrix
    risk::copula kind = risk::copula::gaussian; ///< Gaussian or Student-t copula
    double degrees_of_freedom = 4;              ///< nu of the t copula, finite and > 2

    /// The number of assets.
    std::size_t assets() const noexcept { return spots.size(); }

    /// Throws spiral::invalid_argument naming the field: assets() outside [1, 64], vols,
    /// drifts (unless empty) or factor of the wrong size, a spot not finite and > 0, a vol not
    /// finite and >= 0, a drift or factor entry not finite (naming its row), a factor row whose
    /// squares do not sum to 1 within 1e-8 (L L^T must have a unit diagonal), kind not a listed
    /// copula, degrees_of_freedom not > 2 for the t copula.
    void validate() const {
        constexpr std::string_view what = "stress::correlated_gbm";
        using spiral::detail::require;
        const std::size_t n = assets();
        spiral::detail::require_count(what, "spots.size()", n, 1, max_correlated_assets);
        spiral::detail::require_size(what, "vols", vols.size(), n, "spots");
        spiral::detail::require_size_or_empty(what, "drifts", drifts.size(), n);
        spiral::detail::require_size(what, "factor", factor.size(), n * n, "spots x spots");
        for (std::size_t i = 0; i < n; ++i) {
            require(spiral::detail::positive, what, "spots", spots[i], i);
            require(spiral::detail::non_negative, what, "vols", vols[i], i);
            if (!drifts.empty())
                require(spiral::detail::finite, what, "drifts", drifts[i], i);
        }
        for (std::size_t i = 0; i < n * n; ++i)
            require(spiral::detail::finite, what, "factor", factor[i], i);
        for (std::size_t i = 0; i < n; ++i) {
            double sum = 0;
            for (std::size_t j = 0; j < n; ++j)
                sum += factor[i * n + j] * factor[i * n + j];
            if (!(spiral::abs(sum - 1) <= 1e-8))
                spiral::detail::throw_invalid(what, "factor row sum of squares", i, sum,
                                              "must be 1 (L L^T has a unit diagonal)");
        }
        spiral::detail::require_enum(what, "kind", kind, 2);
        if (kind == risk::copula::student_t)
            require(spiral::detail::above(2), what, "degrees_of_freedom", degrees_of_freedom);
    }

    /// Writes assets() paths of spec.steps + 1 prices, asset-major.
    void generate(splitmix64& g, const path_spec& spec, double* prices) const noexcept {
        const std::size_t n = assets() < max_correlated_assets ? assets() : max_correlated_assets;
        const std::size_t stride = spec.steps + 1;
        const double dt = spec.step_years();
        const double root_dt = spiral::sqrt(dt);
        const bool t = kind == risk::copula::student_t;
        const double nu = degrees_of_freedom;
        const double* l = factor.data();
        double eps[max_correlated_assets];
        double x[max_correlated_assets];
        for (std::size_t a = 0; a < n; ++a) {
            x[a] = 0;
            prices[a * stride] = spots[a];
        }
        for (std::size_t k = 1; k <= spec.steps; ++k) {
            for (std::size_t j = 0; j < n; ++j)
                eps[j] = standard_normal(g);
            const double mixing =
                t ? spiral::sqrt((nu - 2) / risk::chi_square_variate(g, nu)) : 1.0;
            for (std::size_t a = 0; a < n; ++a) {
                double shock = 0;
                for (std::size_t j = 0; j < n; ++j)
                    shock += l[a * n + j] * eps[j];
                const double sigma = vols[a] * spec.vol_multiplier;
                const double mu = drifts.empty() ? 0.0 : drifts[a];
                x[a] += (mu - 0.5 * sigma * sigma) * dt + sigma * root_dt * mixing * shock;
                prices[a * stride + k] = spots[a] * spiral::exp(x[a]);
            }
        }
    }
};

/// A validated correlated_gbm: the Cholesky factor of `correlation` (risk::cholesky_factor,
/// which checks it is a positive definite correlation matrix and throws naming the entry or
/// eigenvalue otherwise) stored row-major. A singular (positive semidefinite) matrix is
/// rejected here; fill `factor` from risk::eigen_factor by hand for one. `drifts` empty: all 0.
inline correlated_gbm make_correlated_gbm(std::vector<double> spots, std::vector<double> vols,
                                          const Eigen::Ref<const Eigen::MatrixXd>& correlation,
                                          risk::copula kind = risk::copula::gaussian,
                                          double degrees_of_freedom = 4,
                                          std::vector<double> drifts = {}) {
    constexpr std::string_view what = "stress::make_correlated_gbm";
    spiral::detail::require_count(what, "spots.size()", spots.size(), 1, max_correlated_assets);
    if (static_cast<std::size_t>(correlation.rows()) != spots.size() ||
        correlation.cols() != correlation.rows())
        spiral::detail::throw_invalid(what, "correlation shape", spiral::detail::no_row,
                                      std::to_string(correlation.rows()) + "x" +
                                          std::to_string(correlation.cols()),
                                      "must be spots.size() square");
    const Eigen::MatrixXd l = risk::cholesky_factor(correlation);
    const std::size_t n = spots.size();
    correlated_gbm model{.spots = std::move(spots),
                         .vols = std::move(vols),
                         .drifts = std::move(drifts),
                         .factor = std::vector<double>(n * n),
                         .kind = kind,
                         .degrees_of_freedom = degrees_of_freedom};
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j)
            model.factor[i * n + j] = l(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
    model.validate();
    return model;
}

} // namespace spiral::stress
