// capital::run_design — the three collateral designs a venue chooses between, played on one
// book over one stretch of price history, so that what each costs in calm markets and what it
// buys in a crash can be set side by side.
//
//   static_ratio   the account keeps collateral value >= ratio x debt (Maker's 150%):
//                  capacity = V / ratio, the same in every market.
//   volatility     each asset is haircut by its own VaR over the liquidation horizon
//                  (haircut::volatility: h_j = min(1, z sigma_j sqrt(h / year))), with sigma_j
//                  the EWMA volatility of the market's daily returns:
//                  capacity = sum_j v_j (1 - h_j).
//   cross_margin   the collateral is margined as one pool on its net risk (risk::pool_haircut):
//                  capacity = V - min(V, z sqrt(v^T C v)), C_jk = rho_jk sigma_j sigma_k h / year,
//                  rho the EWMA correlation. Never below the volatility design's capacity
//                  (Cauchy-Schwarz), equal to it for a single asset.
//
// Every account opens at day `first` with capacity = debt (1 + buffer): a design that lets
// collateral count for more locks less of it. On each later day the exogenous price applies,
// times the lasting impact of earlier forced sales; the margin is set from the EWMA estimate
// at the previous close, so volatility the sales cause feeds the next day's margin (the loop
// that tightens in a crash). An account whose debt exceeds its capacity gets a margin call to
// restore capacity = debt (1 + buffer): it posts from its reserve (collateral in the same
// split) if the reserve covers the call (and no holding would pass 1e300 units: a price at its
// floor cannot be answered by posting), and is otherwise closed out: all its collateral is
// sold along each asset's impact curve (cumulative over the day), the proceeds repay the debt
// and what they do not cover is bad debt. Accounts are checked in rounds until a round closes
// none, so a close-out that moves the price reaches the others the same day. At the close,
// with `withdraw_excess`, an account whose capacity has grown past debt (1 + buffer) takes the
// excess back into its reserve (borrowers do not leave idle collateral locked), so the
// collateral locked tracks what the design asks for. Overnight, the share
// `resilience` of the day's impact recovers.
//
// Sources: static over-collateralisation as in MakerDAO's liquidation ratio; volatility
// haircuts as in Basel II paragraph 156 and exchanges' VaR-based collateral rules; the pooled
// requirement as in portfolio (cross-) margining, the normal-VaR reading of CCP practice;
// RiskMetrics EWMA with lambda = 0.94 for daily data.
/// \file
/// \ingroup capital
/// \brief capital::run_design: static over-collateralisation, volatility-based margin and
/// cross-margining on one book and one price history: capital locked, margin calls, forced
/// sales, amplification and bad debt.
#pragma once

#include <spiral/cascade/market.hpp>
#include <spiral/core/checks.hpp>
#include <spiral/core/error.hpp>
#include <spiral/core/normal.hpp>
#include <spiral/impact/curve.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace spiral::capital {

/// The three designs (see the file comment).
enum class collateral_design {
    static_ratio, ///< collateral value >= ratio x debt, whatever the market does
    volatility,   ///< each asset haircut by its own EWMA VaR over the horizon
    cross_margin  ///< the pool haircut by its net VaR, correlations included
};

/// "static", "volatility" or "cross-margin".
inline constexpr std::string_view design_name(collateral_design d) noexcept {
    switch (d) {
    case collateral_design::static_ratio:
        return "static";
    case collateral_design::volatility:
        return "volatility";
    case collateral_design::cross_margin:
        return "cross-margin";
    }
    return "unknown";
}

/// The designs' parameters and the market's recovery.
struct design_rules {
    double static_ratio = 1.5;   ///< static: collateral value per unit of debt, in (1, 1e6]
    double confidence = 0.99;    ///< volatility designs: quantile of the loss, in (0.5, 1)
    double horizon_days = 5;     ///< volatility designs: liquidation horizon in days, > 0
    double days_per_year = 365;  ///< annualises the daily variance (crypto trades every day), > 0
    double ewma_lambda = 0.94;   ///< EWMA decay of the daily (co)variances, in (0, 1)
    double vol_floor = 0.02;     ///< lowest annualised volatility an asset is margined at, >= 0
    double resilience = 0.5;     ///< share of a day's sale impact gone by the next day, [0, 1]
    bool withdraw_excess = true; ///< accounts take back capacity above debt (1 + buffer) daily

    /// Throws spiral::invalid_argument naming "capital::run_design", the field and the value.
    void validate() const {
        using namespace spiral::detail;
        constexpr std::string_view what = "capital::run_design";
        require(in_left_open(1, 1e6), what, "rules.static_ratio", static_ratio);
        require(in_open(0.5, 1), what, "rules.confidence", confidence);
        require(positive, what, "rules.horizon_days", horizon_days);
        require(positive, what, "rules.days_per_year", days_per_year);
        require(in_open(0, 1), what, "rules.ewma_lambda", ewma_lambda);
        require(non_negative, what, "rules.vol_floor", vol_floor);
        require(in_closed(0, 1), what, "rules.resilience", resilience);
    }
};

/// Accounts as columns; weights row-major, accounts x assets.
struct design_book {
    std::size_t assets = 1;      ///< collateral assets per account, in [1, 64]
    std::vector<double> debt;    ///< quote currency, in [1e-100, 1e100]
    std::vector<double> buffer;  ///< capacity kept above the debt at opening and after a call, >= 0
    std::vector<double> reserve; ///< quote currency the account can post on calls, >= 0
    std::vector<double> weights; ///< each account's collateral split by value, >= 0, rows sum to 1

    /// Number of accounts.
    std::size_t accounts() const noexcept { return debt.size(); }

    /// Throws spiral::invalid_argument naming the column and the account.
    void validate() const {
        using namespace spiral::detail;
        constexpr std::string_view what = "capital::run_design";
        require_count(what, "book.assets", assets, 1, 64);
        require_not_empty(what, "book.debt", debt.size());
        require_size(what, "book.buffer", buffer.size(), debt.size(), "book.debt");
        require_size(what, "book.reserve", reserve.size(), debt.size(), "book.debt");
        if (weights.size() != debt.size() * assets)
            throw_invalid(what, "book.weights.size()", no_row, weights.size(),
                          "must equal book.debt.size() x book.assets = " +
                              std::to_string(debt.size() * assets));
        for (std::size_t i = 0; i < debt.size(); ++i) {
            require(in_closed(1e-100, 1e100), what, "book.debt", debt[i], i);
            require(in_closed(0, 1e6), what, "book.buffer", buffer[i], i);
            require(in_closed(0, 1e100), what, "book.reserve", reserve[i], i);
            double sum = 0;
            for (std::size_t j = 0; j < assets; ++j) {
                require(in_closed(0, 1), what, "book.weights", weights[i * assets + j],
                        i * assets + j);
                sum += weights[i * assets + j];
            }
            if (!(std::abs(sum - 1) <= 1e-9))
                throw_invalid(what, "book.weights (row sum)", i, sum, "must be 1");
        }
    }
};

/// What one design did over the window (days first..last).
struct design_outcome {
    double debt = 0;              ///< the book's debt at opening
    double collateral_opened = 0; ///< collateral value posted at opening / debt
    double locked_mean = 0;       ///< mean of `locked` over the window
    double locked_peak = 0;       ///< largest entry of `locked`
    std::size_t margin_calls = 0; ///< calls met by posting from the reserve
    double margin_posted = 0;     ///< quote currency posted on those calls
    double withdrawn = 0;         ///< collateral value taken back into reserves at closes
    std::size_t liquidations = 0; ///< accounts closed out (a call the reserve did not cover)
    double forced_sales = 0;      ///< value of the collateral sold, at the price before each sale
    double proceeds = 0;          ///< what the sales fetched along the impact curves
    double repaid = 0;            ///< debt the proceeds repaid
    double bad_debt = 0;          ///< debt the proceeds did not cover
    double open_debt = 0;         ///< debt of the accounts still open at the end
    /// First asset's fall from the opening price to its lowest close, with the sales' impact,
    /// over the same fall of the history alone: 1 = the sales added nothing. NaN when the
    /// history never closes below the opening price.
    double amplification = std::numeric_limits<double>::quiet_NaN();
    std::vector<double> locked; ///< per day: collateral value / debt of the open accounts (0: none)
    std::vector<double> price;  ///< per day: the first asset's close, with impact

    /// bad_debt / debt.
    double bad_debt_share() const noexcept { return debt > 0 ? bad_debt / debt : 0; }
};

namespace detail {

/// The margin model's state: the EWMA of the daily return second moments (assets x assets)
/// and, from it, the horizon covariance C used by the volatility designs.
struct design_risk {
    std::size_t n = 0;
    std::vector<double> second_moment; ///< EWMA of r r^T, daily
    std::vector<double> horizon;       ///< C_jk = rho_jk sigma_j sigma_k h / year
    double z = 0;                      ///< Phi^-1(confidence)

    /// Folds one day's returns into the EWMA.
    void update(std::span<const double> r, double lambda) noexcept {
        for (std::size_t j = 0; j < n; ++j)
            for (std::size_t k = 0; k < n; ++k)
                second_moment[j * n + k] =
                    lambda * second_moment[j * n + k] + (1 - lambda) * r[j] * r[k];
    }

    /// Recomputes C from the EWMA: sigma_j = max(floor, sqrt(year x m_jj)); rho_jk from m,
    /// 0 off the diagonal for an asset whose returns have no variance yet.
    void refresh(const design_rules& rules) {
        using std::sqrt;
        std::vector<double> sigma(n);
        for (std::size_t j = 0; j < n; ++j)
            sigma[j] =
                std::max(rules.vol_floor, sqrt(rules.days_per_year * second_moment[j * n + j]));
        const double scale = rules.horizon_days / rules.days_per_year;
        for (std::size_t j = 0; j < n; ++j)
            for (std::size_t k = 0; k < n; ++k) {
                const double mj = second_moment[j * n + j], mk = second_moment[k * n + k];
                double rho = j == k ? 1.0 : 0.0;
                if (j != k && mj > 0 && mk > 0)
                    rho = std::clamp(second_moment[j * n + k] / sqrt(mj * mk), -1.0, 1.0);
                horizon[j * n + k] = rho * sigma[j] * sigma[k] * scale;
            }
    }
};

/// Static over-collateralisation: V / ratio.
inline double static_capacity(std::span<const double> values, double ratio) noexcept {
    double v = 0;
    for (const double x : values)
        v += x;
    return v / ratio;
}

/// Per-asset haircuts: sum_j v_j (1 - min(1, z sqrt(C_jj))).
inline double volatility_capacity(std::span<const double> values,
                                  const design_risk& risk) noexcept {
    using std::sqrt;
    double capacity = 0;
    for (std::size_t j = 0; j < risk.n; ++j)
        capacity += values[j] * (1 - std::min(1.0, risk.z * sqrt(risk.horizon[j * risk.n + j])));
    return capacity;
}

/// The pooled requirement: V - min(V, z sqrt(v^T C v)).
inline double cross_margin_capacity(std::span<const double> values,
                                    const design_risk& risk) noexcept {
    using std::sqrt;
    double v = 0, variance = 0;
    for (std::size_t j = 0; j < risk.n; ++j) {
        v += values[j];
        for (std::size_t k = 0; k < risk.n; ++k)
            variance += values[j] * risk.horizon[j * risk.n + k] * values[k];
    }
    return v - std::min(v, risk.z * sqrt(std::max(0.0, variance)));
}

inline double design_capacity(collateral_design design, std::span<const double> values,
                              const design_risk& risk, const design_rules& rules) noexcept {
    switch (design) {
    case collateral_design::static_ratio:
        return static_capacity(values, rules.static_ratio);
    case collateral_design::volatility:
        return volatility_capacity(values, risk);
    case collateral_design::cross_margin:
        return cross_margin_capacity(values, risk);
    }
    return 0;
}

/// Collateral worth more than this is refused: sums over accounts and days stay finite.
inline constexpr double largest_value = 1e200;

/// The most units of one asset an account may hold after a margin call.
inline constexpr double largest_holding = 1e300;

/// Market prices are kept at or above this: a sale that would take a price to 0 (an impact
/// curve exhausted) leaves it here, so that the margin model's log returns stay finite.
inline constexpr double smallest_price = 1e-300;

/// Throws for an account whose collateral would be worth more than largest_value.
[[noreturn]] inline void throw_value_too_large(std::size_t account, std::size_t day, double value) {
    spiral::detail::throw_invalid("capital::run_design", "book.debt", account, value,
                                  "is the collateral value the account needs on day " +
                                      std::to_string(day) +
                                      "; must be <= 1e200: scale the debt or the prices");
}

inline void check_prices(std::span<const double> prices, std::size_t assets, std::size_t first,
                         std::size_t last) {
    using namespace spiral::detail;
    constexpr std::string_view what = "capital::run_design";
    if (prices.size() % assets != 0)
        throw_invalid(what, "prices.size()", no_row, prices.size(),
                      "must be a multiple of book.assets = " + std::to_string(assets));
    const std::size_t days = prices.size() / assets;
    if (!(first >= 1))
        throw_invalid(what, "first", no_row, first,
                      "must be >= 1 (the margin model needs a return before the window)");
    if (!(last > first && last < days))
        throw_invalid(what, "last", no_row, last,
                      "must be in (first, days) with first = " + std::to_string(first) +
                          ", days = " + std::to_string(days));
    for (std::size_t i = 0; i < (last + 1) * assets; ++i)
        require(in_closed(1e-100, 1e100), what, "prices", prices[i], i);
}

} // namespace detail

/// Plays `design` on `book` over days first..last of `prices` (days x book.assets,
/// row-major; rows before `first` seed the EWMA), with each asset's collateral sold along
/// `curves[j]` (quantities in asset units, relative to the day's pre-sale price). See the file
/// comment for the mechanics.
///
/// Throws spiral::invalid_argument for rules or a book out of their domain, prices outside
/// [1e-100, 1e100] (naming the flat index), a window outside the history, a curve count that is
/// not book.assets, a curve its own validate() rejects, an account the design gives no capacity at
/// opening, or one whose collateral would be worth more than 1e200 on some day (naming the
/// account).
template <class Curve>
requires spiral::impact_curve<Curve, double>
    design_outcome run_design(collateral_design design, const design_rules& rules,
                              const design_book& book, std::span<const double> prices,
                              std::size_t first, std::size_t last, std::span<const Curve> curves) {
    using namespace spiral::detail;
    using std::log;
    constexpr std::string_view what = "capital::run_design";
    rules.validate();
    book.validate();
    const std::size_t n = book.assets, accounts = book.accounts();
    require_size(what, "curves", curves.size(), n, "book.assets");
    for (const Curve& curve : curves)
        cascade::detail::validate_curve(curve);
    detail::check_prices(prices, n, first, last);
    const auto price = [&](std::size_t day, std::size_t j) { return prices[day * n + j]; };

    // The margin model at the opening: the normalised EWMA of the returns before it.
    detail::design_risk risk{n, std::vector<double>(n * n, 0.0), std::vector<double>(n * n, 0.0),
                             norm_quantile(rules.confidence)};
    std::vector<double> r(n);
    double weight = 0;
    for (std::size_t t = 1; t <= first; ++t) {
        for (std::size_t j = 0; j < n; ++j)
            r[j] = log(price(t, j) / price(t - 1, j));
        risk.update(r, rules.ewma_lambda);
        weight = rules.ewma_lambda * weight + (1 - rules.ewma_lambda);
    }
    for (double& m : risk.second_moment)
        m /= weight;
    risk.refresh(rules);

    // Opening: capacity is homogeneous of degree one in the holdings, so an account reaches
    // capacity = debt (1 + buffer) at value debt (1 + buffer) / capacity-per-unit-value.
    design_outcome out;
    std::vector<double> quantity(accounts * n), values(n), level(n, 1.0), sold(n), close(n);
    std::vector<double> reserve = book.reserve;
    std::vector<char> open(accounts, 1);
    double opened_value = 0;
    for (std::size_t i = 0; i < accounts; ++i) {
        const std::span<const double> w(book.weights.data() + i * n, n);
        const double per_value = detail::design_capacity(design, w, risk, rules);
        if (!(per_value > 0))
            throw_invalid(what, "book.weights", i, per_value,
                          std::string("the ") + std::string(design_name(design)) +
                              " design gives this account no capacity at opening");
        const double value = book.debt[i] * (1 + book.buffer[i]) / per_value;
        if (!(value <= detail::largest_value))
            detail::throw_value_too_large(i, first, value);
        for (std::size_t j = 0; j < n; ++j)
            quantity[i * n + j] = value * w[j] / price(first, j);
        opened_value += value;
        out.debt += book.debt[i];
    }
    out.collateral_opened = opened_value / out.debt;
    for (std::size_t j = 0; j < n; ++j)
        close[j] = price(first, j);

    const auto account_values = [&](std::size_t i, std::span<const double> market) {
        double v = 0;
        for (std::size_t j = 0; j < n; ++j) {
            values[j] = quantity[i * n + j] * market[j];
            v += values[j];
        }
        return v;
    };
    const auto record_day = [&](std::span<const double> market) {
        double value = 0, debt = 0;
        for (std::size_t i = 0; i < accounts; ++i)
            if (open[i]) {
                value += account_values(i, market);
                debt += book.debt[i];
            }
        out.locked.push_back(debt > 0 ? value / debt : 0.0);
        out.price.push_back(market[0]);
    };
    record_day(close);

    std::vector<double> pre(n), market(n);
    for (std::size_t t = first + 1; t <= last; ++t) {
        for (std::size_t j = 0; j < n; ++j) {
            pre[j] = std::max(price(t, j) * level[j], detail::smallest_price);
            market[j] = pre[j];
            sold[j] = 0;
        }
        for (bool closed_any = true; closed_any;) {
            closed_any = false;
            for (std::size_t i = 0; i < accounts; ++i) {
                if (!open[i])
                    continue;
                const double value = account_values(i, market);
                if (!(value <= detail::largest_value))
                    detail::throw_value_too_large(i, t, value);
                const double capacity = detail::design_capacity(design, values, risk, rules);
                if (book.debt[i] <= capacity)
                    continue;
                if (capacity > 0) {
                    const double scale = book.debt[i] * (1 + book.buffer[i]) / capacity;
                    const double call = (scale - 1) * value;
                    // A holding already near double's limit cannot be grown (a price at its
                    // floor asks for ~1e300 times the units): such a call is not met.
                    double largest = 0;
                    for (std::size_t j = 0; j < n; ++j)
                        largest = std::max(largest, quantity[i * n + j]);
                    if (call <= reserve[i] && largest * scale <= detail::largest_holding) {
                        for (std::size_t j = 0; j < n; ++j)
                            quantity[i * n + j] *= scale;
                        reserve[i] -= call;
                        ++out.margin_calls;
                        out.margin_posted += call;
                        continue;
                    }
                }
                // Close-out: every unit sold along its curve, after the day's earlier sales.
                double fetched = 0;
                for (std::size_t j = 0; j < n; ++j) {
                    const double q = quantity[i * n + j];
                    out.forced_sales += q * market[j];
                    fetched +=
                        pre[j] * (curves[j].proceeds(sold[j] + q) - curves[j].proceeds(sold[j]));
                    sold[j] += q;
                    market[j] =
                        std::max(pre[j] * curves[j].price_factor(sold[j]), detail::smallest_price);
                    quantity[i * n + j] = 0;
                }
                out.proceeds += fetched;
                out.repaid += std::min(book.debt[i], fetched);
                out.bad_debt += std::max(0.0, book.debt[i] - fetched);
                ++out.liquidations;
                open[i] = 0;
                closed_any = true;
            }
        }
        // Close: the EWMA sees the market's own return, impact included.
        for (std::size_t j = 0; j < n; ++j) {
            r[j] = log(market[j] / close[j]);
            close[j] = market[j];
            level[j] =
                1 - (1 - level[j] * curves[j].price_factor(sold[j])) * (1 - rules.resilience);
        }
        risk.update(r, rules.ewma_lambda);
        risk.refresh(rules);
        if (rules.withdraw_excess)
            for (std::size_t i = 0; i < accounts; ++i) {
                if (!open[i])
                    continue;
                const double value = account_values(i, close);
                const double capacity = detail::design_capacity(design, values, risk, rules);
                const double target = book.debt[i] * (1 + book.buffer[i]);
                if (capacity > target) {
                    const double scale = target / capacity;
                    for (std::size_t j = 0; j < n; ++j)
                        quantity[i * n + j] *= scale;
                    out.withdrawn += (1 - scale) * value;
                    reserve[i] += (1 - scale) * value;
                }
            }
        record_day(close);
    }

    double sum = 0, lowest_market = out.price[0], lowest_history = price(first, 0);
    for (std::size_t d = 0; d < out.locked.size(); ++d) {
        sum += out.locked[d];
        out.locked_peak = std::max(out.locked_peak, out.locked[d]);
        lowest_market = std::min(lowest_market, out.price[d]);
        lowest_history = std::min(lowest_history, price(first + d, 0));
    }
    out.locked_mean = sum / static_cast<double>(out.locked.size());
    for (std::size_t i = 0; i < accounts; ++i)
        if (open[i])
            out.open_debt += book.debt[i];
    if (lowest_history < price(first, 0))
        out.amplification = (out.price[0] - lowest_market) / (price(first, 0) - lowest_history);
    return out;
}

/// The same with a vector of curves.
template <class Curve>
requires spiral::impact_curve<Curve, double>
    design_outcome run_design(collateral_design design, const design_rules& rules,
                              const design_book& book, std::span<const double> prices,
                              std::size_t first, std::size_t last,
                              const std::vector<Curve>& curves) {
    return run_design(design, rules, book, prices, first, last, std::span<const Curve>(curves));
}

} // namespace spiral::capital
