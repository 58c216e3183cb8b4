// Correlated multi-asset shocks from a Gaussian or Student-t copula, seeded and reproducible,
// written into caller-provided storage (row-major: scenario by asset).
//
// Needs Eigen 3.4 (the correlation factor).
/// \file
/// \ingroup risk
/// \brief Correlated shocks from a Gaussian or Student-t copula, reproducible (needs Eigen).
#pragma once

#include <spiral/core/checks.hpp>
#include <spiral/core/error.hpp>
#include <spiral/risk/matrix_check.hpp>
#include <spiral/risk/random.hpp>

#include <Eigen/Dense>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>

namespace spiral::risk {

/// The dependence of the scenarios' shocks: a Gaussian or a Student-t copula.
enum class copula { gaussian, student_t };

/// How scenarios are drawn. Scenario s uses the generator scenario_generator(seed, s), so a
/// range of scenarios (first_scenario onwards) is the same whether generated alone or in a
/// larger run, on any platform.
struct scenario_spec {
    copula kind = copula::gaussian; ///< The copula the shocks are drawn from.
    /// Student-t degrees of freedom nu (an integer >= 3, so that the variance exists): the
    /// common mixing variable is a chi-square with nu degrees of freedom, drawn from a gamma
    /// variate (risk::chi_square_variate), so its cost does not depend on nu.
    unsigned degrees_of_freedom = 4;
    std::uint64_t seed = 1;           ///< Seed of every scenario's generator.
    std::uint64_t first_scenario = 0; ///< Index of the first scenario drawn.

    /// Throws spiral::invalid_argument naming the first parameter out of its domain.
    void validate() const {
        constexpr std::string_view what = "scenario_spec";
        // An enum read from a file or cast from an integer: anything else would act as gaussian.
        spiral::detail::require_enum(what, "kind", kind, 2);
        if (kind == copula::student_t)
            spiral::detail::require_count(what, "degrees_of_freedom", degrees_of_freedom, 3,
                                          std::numeric_limits<unsigned>::max());
    }
};

/// Fills `out` (scenarios x n, row-major, n = factor.rows()) with correlated log-returns
///   r_i = scale_i * x_i,  x = L eps                       (Gaussian)
///   x = sqrt((nu - 2) / W) L eps,  W ~ chi-square(nu)     (Student-t, unit variance)
/// where eps are independent standard normals and L L^T = rho (cholesky_factor or
/// eigen_factor). Each x_i has unit variance and corr(x_i, x_j) = rho_ij; the Student-t
/// scenarios share one W per scenario, which gives the joint tail events a Gaussian copula
/// lacks. `scale` holds each asset's standard deviation over the scenario horizon (e.g.
/// sigma sqrt(h / 365)); empty means 1.
///
/// Throws for an out size that is not a multiple of n, a scale of the wrong size or outside
/// [0, 1e100], a non-finite or non-square factor, or an invalid spec.
inline void correlated_scenarios(const Eigen::Ref<const Eigen::MatrixXd>& factor,
                                 std::span<const double> scale, const scenario_spec& spec,
                                 std::span<double> out) {
    constexpr const char* what = "correlated_scenarios";
    spec.validate();
    check_square_finite(what, "factor", factor);
    const auto n = static_cast<std::size_t>(factor.rows());
    if (out.size() % n != 0)
        spiral::detail::throw_invalid(what, "out.size()", spiral::detail::no_row, out.size(),
                                      "must be a multiple of the asset count " + std::to_string(n));
    if (!scale.empty() && scale.size() != n)
        spiral::detail::throw_invalid(what, "scale.size()", spiral::detail::no_row, scale.size(),
                                      "must be 0 or the asset count " + std::to_string(n));
    // A standard deviation of a log-return; above 1e100 the product with the draws (normals
    // reach 8.3, the Student-t mixing variable far more) can overflow to inf.
    for (std::size_t i = 0; i < scale.size(); ++i)
        spiral::detail::require(spiral::detail::in_closed(0, 1e100), what, "scale", scale[i], i);

    const std::size_t scenarios = out.size() / n;
    const bool t = spec.kind == copula::student_t;
    const double nu = static_cast<double>(spec.degrees_of_freedom);
    Eigen::VectorXd eps(factor.rows()), x(factor.rows());
    for (std::size_t s = 0; s < scenarios; ++s) {
        splitmix64 g = scenario_generator(spec.seed, spec.first_scenario + s);
        for (Eigen::Index i = 0; i < eps.size(); ++i)
            eps(i) = standard_normal(g);
        for (Eigen::Index i = 0; i < x.size(); ++i) // x = L eps (a plain loop: no resize
            x(i) = factor.row(i).dot(eps);          // path for GCC 12's -Wuse-after-free)
        const double mixing = t ? std::sqrt((nu - 2) / chi_square_variate(g, nu)) : 1.0;
        double* row = out.data() + s * n;
        for (std::size_t i = 0; i < n; ++i)
            row[i] = (scale.empty() ? 1.0 : scale[i]) * mixing * x(static_cast<Eigen::Index>(i));
    }
}

/// Maps log-return scenarios to price drop fractions in [0, 1) in place (price_drop).
inline void to_price_drops(std::span<double> returns) noexcept {
    for (double& r : returns)
        r = price_drop(r);
}

} // namespace spiral::risk
