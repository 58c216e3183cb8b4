// cascade::synthetic_book — a reproducible book with the shape of a lending market's: a few
// large positions and many small ones, health factors bunched just above 1.
/// \file
/// \ingroup cascade
/// \brief cascade::synthetic_book: a reproducible book with the shape of a lending market's.
#pragma once

#include <spiral/cascade/book.hpp>
#include <spiral/core/checks.hpp>
#include <spiral/core/error.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/random.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

namespace spiral::cascade {

/// Parameters of synthetic_book. Defaults: ETH-like collateral at 2000, positions of median
/// 5 units (log-normal, sigma 1.6: the top 1% holds about a quarter of the collateral), health
/// 1 + a log-normal excess of median 0.25, so that about 6% of positions sit within 5% of
/// liquidation, and thresholds from Aave v3-like tiers.
struct synthetic_book_params {
    std::size_t positions = 10000;      ///< number of positions drawn
    double price = 2000;                ///< price at which the health factors hold, > 0
    double median_collateral = 5;       ///< asset units, > 0
    double collateral_dispersion = 1.6; ///< sigma of log collateral, >= 0
    double median_excess_health = 0.25; ///< median of health - 1, > 0
    double health_dispersion = 1.0;     ///< sigma of log(health - 1), >= 0
    double threshold = 0.825;           ///< base liquidation threshold, in (0, 1]
    double threshold_spread = 0.05;     ///< thresholds spread uniformly over threshold -/+ this
    std::uint64_t seed = 20200312;      ///< seed of the generator: same seed, same book

    /// Throws spiral::invalid_argument naming the first field out of its domain, or
    /// median_collateral when the largest draw (8.3 standard deviations: the generator's
    /// normals never exceed it), or it times the price, would overflow.
    void validate() const {
        using namespace spiral::detail;
        constexpr std::string_view what = "cascade::synthetic_book_params";
        require(positive, what, "price", price);
        require(positive, what, "median_collateral", median_collateral);
        require(non_negative, what, "collateral_dispersion", collateral_dispersion);
        require(positive, what, "median_excess_health", median_excess_health);
        require(non_negative, what, "health_dispersion", health_dispersion);
        if (!(threshold_spread >= 0 && threshold - threshold_spread > 0 &&
              threshold + threshold_spread <= 1))
            throw_invalid(what, "threshold_spread", no_row, threshold_spread,
                          "threshold -/+ threshold_spread must lie in (0, 1]");
        using std::log;
        // Both the largest collateral and its value (a price below 1 must not hide a
        // collateral that overflows by itself).
        const double largest_collateral_log = log(median_collateral) + 8.3 * collateral_dispersion;
        const double largest_value_log = largest_collateral_log + log(price);
        if (!(largest_collateral_log < 709 && largest_value_log < 709)) // ln(max double) 709.78
            throw_invalid(what, "median_collateral", no_row, median_collateral,
                          "with collateral_dispersion and price, the largest collateral value "
                          "median_collateral e^(8.3 collateral_dispersion) price overflows");
    }
};

/// A book drawn from `p`: collateral log-normal, health 1 + log-normal excess at `p.price`,
/// threshold uniform in [threshold - spread, threshold + spread], debt = collateral * price *
/// threshold / health. The same seed gives the same book everywhere.
inline book synthetic_book(const synthetic_book_params& p) {
    p.validate();
    splitmix64 rng{p.seed};
    book b;
    b.collateral.resize(p.positions);
    b.debt.resize(p.positions);
    b.threshold.resize(p.positions);
    using std::exp;
    for (std::size_t i = 0; i < p.positions; ++i) {
        const double c = p.median_collateral * exp(p.collateral_dispersion * standard_normal(rng));
        const double h =
            1 + p.median_excess_health * exp(p.health_dispersion * standard_normal(rng));
        const double t = p.threshold + p.threshold_spread * (2 * uniform_open(rng) - 1);
        b.collateral[i] = c;
        b.threshold[i] = t;
        b.debt[i] = c * p.price * t / h;
    }
    return b;
}

} // namespace spiral::cascade
