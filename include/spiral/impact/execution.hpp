// Almgren–Chriss optimal liquidation: the sinh schedule, its expected cost and variance, and
// the TWAP schedule for comparison.
/// \file
/// \ingroup impact
/// \brief Almgren–Chriss optimal liquidation, with TWAP for comparison.
#pragma once

#include <spiral/impact/detail.hpp>

#include <cmath>
#include <cstddef>
#include <span>
#include <vector>

namespace spiral::impact {

/// Expected implementation shortfall (quote currency: X S0 minus what the sale captures) and
/// its variance, for one liquidation schedule.
struct execution_cost {
    double expected = 0; ///< Expected shortfall E, in quote currency.
    double variance = 0; ///< Its variance V, in quote currency squared.
    /// The mean-variance objective E + lambda V that the optimal schedule minimises.
    constexpr double utility(double lambda) const noexcept { return expected + lambda * variance; }
};

/// Almgren and Chriss (2000), "Optimal execution of portfolio transactions", J. Risk 3(2):
/// sell X units over T in N intervals of tau = T / N. The price is an arithmetic random walk
/// with volatility sigma, moved permanently by gamma per unit sold; each interval's sale n_k
/// executes at a temporary discount epsilon + eta n_k / tau. For holdings x_0 = X, ..., x_N = 0
/// (n_k = x_(k-1) - x_k >= 0):
///
///   E = gamma X^2 / 2 + epsilon X + (eta~ / tau) sum n_k^2,    eta~ = eta - gamma tau / 2,
///   V = sigma^2 tau sum_(k=1..N) x_k^2.
///
/// Minimising E + lambda V gives the sinh schedule
///
///   x_k = X sinh(kappa (T - t_k)) / sinh(kappa T),   t_k = k tau,
///   (2 / tau^2)(cosh(kappa tau) - 1) = lambda sigma^2 / eta~,
///
/// and lambda = 0 gives TWAP (x_k = X (1 - k / N)), the minimum-expected-cost schedule.
/// Here E and V are evaluated as the sums above (O(N), all terms positive, so accurate for
/// every kappa, including kappa T -> 0 where the paper's closed forms cancel); holdings and
/// trades use overflow-free forms of the sinh/cosh ratios, so kappa T may be large.
/// Units: sigma in price per sqrt(time unit of T), gamma in price per unit, eta in price per
/// (unit / time unit), epsilon in price, lambda in 1 / quote currency.
struct almgren_chriss {
    double quantity = 0;      ///< X > 0, units to sell
    double horizon = 1;       ///< T > 0
    std::size_t steps = 1;    ///< N >= 1
    double sigma = 0;         ///< price volatility, >= 0
    double permanent = 0;     ///< gamma >= 0
    double temporary = 0;     ///< eta > 0, with eta > gamma tau / 2
    double fixed = 0;         ///< epsilon >= 0 (half-spread and fees)
    double risk_aversion = 0; ///< lambda >= 0

    /// tau = T / N, the length of one interval.
    double tau() const noexcept { return horizon / static_cast<double>(steps); }
    /// eta~ = eta - gamma tau / 2.
    double eta_tilde() const noexcept { return temporary - 0.5 * permanent * tau(); }

    /// kappa from cosh(kappa tau) = 1 + lambda sigma^2 tau^2 / (2 eta~) (0 for lambda = 0).
    double kappa() const noexcept { return kappa_tau() / tau(); }

    /// x_k for k = 0..N: units still held after k intervals.
    double holdings(std::size_t k) const noexcept {
        if (k >= steps)
            return 0;
        const double kt = kappa_tau();
        const auto n = static_cast<double>(steps);
        const auto left = static_cast<double>(steps - k);
        if (kt == 0)
            return quantity * (left / n);
        if (!(kt < detail::infinity<double>())) // kappa tau overflowed: all sold at once
            return k == 0 ? quantity : 0.0;
        // sinh(a) / sinh(b) = e^(a-b) (1 - e^(-2a)) / (1 - e^(-2b)), a = kappa (T - t_k),
        // b = kappa T, a - b = -k kappa tau (formed directly: no rounding of a - b)
        const double a = left * kt, b = n * kt;
        return quantity * std::exp(-static_cast<double>(k) * kt) *
               (std::expm1(-2 * a) / std::expm1(-2 * b));
    }

    /// n_k for k = 1..N: units sold in interval k,
    /// X 2 sinh(kappa tau / 2) cosh(kappa (T - t_(k-1/2))) / sinh(kappa T).
    double trade(std::size_t k) const noexcept {
        if (k == 0 || k > steps)
            return 0;
        const double kt = kappa_tau();
        const auto n = static_cast<double>(steps);
        if (kt == 0)
            return quantity / n;
        if (!(kt < detail::infinity<double>())) // kappa tau overflowed: all sold at once
            return k == 1 ? quantity : 0.0;
        // 2 sinh(h) cosh(c) / sinh(b) = e^(h+c-b) (1 - e^(-2h)) (1 + e^(-2c)) / (1 - e^(-2b))
        // with h = kappa tau / 2, c = kappa (T - t_(k-1/2)), b = kappa T: h + c - b =
        // -(k - 1) kappa tau <= 0, formed directly.
        const double h = 0.5 * kt;
        const double c = (static_cast<double>(steps - k) + 0.5) * kt;
        const double b = n * kt;
        return quantity * std::exp(-static_cast<double>(k - 1) * kt) *
               (std::expm1(-2 * h) / std::expm1(-2 * b)) * (1 + std::exp(-2 * c));
    }

    /// x_0, ..., x_N of the optimal schedule (allocates N + 1 doubles).
    std::vector<double> schedule() const {
        std::vector<double> x(steps + 1);
        for (std::size_t k = 0; k <= steps; ++k)
            x[k] = holdings(k);
        return x;
    }

    /// E and V of the optimal (sinh) schedule.
    execution_cost optimal() const noexcept {
        double trades = 0, held = 0;
        for (std::size_t k = 1; k <= steps; ++k) {
            const double n = trade(k), x = holdings(k);
            trades += n * n;
            held += x * x;
        }
        return finish(trades, held, quantity);
    }

    /// E and V of TWAP (equal sales n_k = X / N), in closed form:
    /// E = gamma X^2 / 2 + epsilon X + eta~ X^2 / T, V = sigma^2 X^2 T (1 - 1/N)(1 - 1/(2N)) / 3.
    execution_cost twap() const noexcept {
        const auto n = static_cast<double>(steps);
        const double x2 = quantity * quantity;
        return {0.5 * permanent * x2 + fixed * quantity + eta_tilde() * x2 / horizon,
                sigma * sigma * x2 * horizon * (1 - 1 / n) * (1 - 0.5 / n) / 3};
    }

    /// E and V of any schedule x_0 = X, ..., x_N = 0 (N + 1 values; throws
    /// spiral::invalid_argument otherwise). Sales of either sign pay epsilon |n_k|.
    execution_cost cost_of(std::span<const double> holdings_path) const {
        if (holdings_path.size() != steps + 1)
            detail::fail("impact::almgren_chriss", "holdings.size()", holdings_path.size(),
                         "must be steps + 1");
        if (holdings_path.front() != quantity || holdings_path.back() != 0)
            detail::fail("impact::almgren_chriss", "holdings.front()", holdings_path.front(),
                         "must start at quantity and end at 0");
        double trades = 0, held = 0, traded = 0;
        for (std::size_t k = 1; k <= steps; ++k) {
            const double n = holdings_path[k - 1] - holdings_path[k];
            trades += n * n;
            traded += std::abs(n);
            held += holdings_path[k] * holdings_path[k];
        }
        return finish(trades, held, traded);
    }

    /// Throws spiral::invalid_argument naming the field unless quantity, horizon > 0,
    /// steps >= 1, sigma, permanent, fixed, risk_aversion >= 0, temporary > 0 (all finite)
    /// and eta~ = temporary - permanent tau / 2 > 0.
    void validate() const {
        constexpr const char* what = "impact::almgren_chriss";
        detail::require_positive(what, "quantity", quantity);
        detail::require_positive(what, "horizon", horizon);
        if (steps < 1)
            detail::fail(what, "steps", steps, "must be at least 1");
        detail::require_non_negative(what, "sigma", sigma);
        detail::require_non_negative(what, "permanent", permanent);
        detail::require_positive(what, "temporary", temporary);
        detail::require_non_negative(what, "fixed", fixed);
        detail::require_non_negative(what, "risk_aversion", risk_aversion);
        if (!(eta_tilde() > 0))
            detail::fail(what, "temporary", temporary, "must exceed permanent * tau / 2");
    }

private:
    /// kappa tau = acosh(1 + z), z = lambda sigma^2 tau^2 / (2 eta~), as log1p for small z.
    double kappa_tau() const noexcept {
        const double t = tau();
        const double st = sigma * t; // (sigma tau)^2 lambda / (2 eta~): no spurious overflow
        const double z = st * st * (risk_aversion / (2 * eta_tilde()));
        return std::log1p(z + std::sqrt(z * (2 + z)));
    }

    execution_cost finish(double trades, double held, double traded) const noexcept {
        const double t = tau();
        return {0.5 * permanent * quantity * quantity + fixed * traded + eta_tilde() / t * trades,
                sigma * sigma * t * held};
    }
};

} // namespace spiral::impact
