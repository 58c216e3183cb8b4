// A diversified collateral pool: the pool's haircut from the assets' volatilities and their
// correlation matrix, against the sum of stand-alone haircuts, and each asset's Euler
// contribution to it.
//
// Needs Eigen 3.4.
/// \file
/// \ingroup risk
/// \brief A diversified collateral pool's haircut, with each asset's Euler contribution.
#pragma once

#include <spiral/core/error.hpp>
#include <spiral/core/normal.hpp>
#include <spiral/risk/matrix_check.hpp>
#include <spiral/risk/risk_weight.hpp>

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace spiral::risk {

/// What a pool of collateral must hold back, diversified and stand-alone.
struct pool_requirement {
    double value = 0; ///< sum of the assets' values
    double requirement =
        0; ///< diversified: min(value, z sqrt(x^T rho x)), x_i = v_i sigma_i sqrt(h)
    double standalone = 0; ///< sum_i min(v_i, z x_i): each asset haircut on its own
    /// Euler contribution of each asset to `requirement` (sums to it): the requirement's
    /// sensitivity to scaling that asset's holding, times the holding.
    std::vector<double> contribution;

    /// requirement / value: the pool's diversified haircut (0 for an empty pool).
    double haircut() const noexcept { return value > 0 ? requirement / value : 0.0; }
    /// standalone / value: the haircut without diversification (0 for an empty pool).
    double standalone_haircut() const noexcept { return value > 0 ? standalone / value : 0.0; }
    /// standalone - requirement: what diversification saves, in value units.
    double diversification_benefit() const noexcept { return standalone - requirement; }
};

/// The pool's requirement under a normal model of the assets' returns over the stress
/// horizon: the loss quantile z sqrt(x^T rho x) with x_i = v_i sigma_i sqrt(h / days) and
/// z = Phi^-1(confidence) (s.idiosyncratic_confidence is not used), capped at the pool's
/// value; stand-alone, each asset's own quantile z x_i capped at v_i. The diversified figure
/// is never above the stand-alone sum when rho is a correlation matrix (Cauchy–Schwarz), so
/// adding an asset with low correlation to the rest lowers the pool's haircut.
///
/// Throws for sizes that differ, a value or volatility that is negative or not finite (naming
/// the asset), or rho not a correlation matrix (naming the entry or eigenvalue).
inline pool_requirement pool_haircut(std::span<const double> values, std::span<const double> vols,
                                     const Eigen::Ref<const Eigen::MatrixXd>& rho,
                                     const stress_horizon& s = {}) {
    constexpr const char* what = "pool_haircut";
    s.validate();
    check_correlation(rho, 1e-10, what, "rho");
    const auto n = static_cast<std::size_t>(rho.rows());
    if (values.size() != n)
        spiral::detail::throw_invalid(what, "values.size()", spiral::detail::no_row, values.size(),
                                      "must equal rho's order " + std::to_string(n));
    if (vols.size() != n)
        spiral::detail::throw_invalid(what, "vols.size()", spiral::detail::no_row, vols.size(),
                                      "must equal rho's order " + std::to_string(n));
    for (std::size_t i = 0; i < n; ++i) {
        if (!(values[i] >= 0) || !std::isfinite(values[i]))
            spiral::detail::throw_invalid(what, "values", i, values[i], "must be finite and >= 0");
        if (!(vols[i] >= 0) || !std::isfinite(vols[i]))
            spiral::detail::throw_invalid(what, "vols", i, vols[i], "must be finite and >= 0");
    }

    const double z = norm_quantile(s.confidence) * s.time_scale();
    Eigen::VectorXd x(rho.rows());
    pool_requirement out;
    for (std::size_t i = 0; i < n; ++i) {
        x(static_cast<Eigen::Index>(i)) = values[i] * vols[i];
        out.value += values[i];
        out.standalone += std::min(values[i], z * values[i] * vols[i]);
    }
    const Eigen::VectorXd gradient = rho.selfadjointView<Eigen::Lower>() * x;
    const double sd = std::sqrt(std::max(0.0, x.dot(gradient)));
    const double uncapped = z * sd;
    out.requirement = std::min(out.value, uncapped);
    const double scale = uncapped > 0 ? out.requirement / uncapped : 0.0; // the cap, pro rata
    out.contribution.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        const auto k = static_cast<Eigen::Index>(i);
        out.contribution[i] = sd > 0 ? scale * z * x(k) * gradient(k) / sd : 0.0;
    }
    return out;
}

} // namespace spiral::risk
