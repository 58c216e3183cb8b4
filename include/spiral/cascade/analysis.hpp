// Reading a book before the crash: where the liquidation cliffs are, how much a shock of each
// size would liquidate, and which positions a liquidation would only make worse.
/// \file
/// \ingroup cascade
/// \brief Reading a book before a crash: liquidation cliffs, liquidations at risk, toxic positions.
#pragma once

#include <spiral/cascade/book.hpp>
#include <spiral/cascade/position.hpp>
#include <spiral/cascade/prepared_book.hpp>
#include <spiral/cascade/result.hpp>
#include <spiral/cascade/rules.hpp>
#include <spiral/cascade/simulate.hpp>
#include <spiral/core/checks.hpp>
#include <spiral/core/error.hpp>
#include <spiral/impact/curve.hpp>

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

namespace spiral::cascade {

/// Positions whose liquidation price lies `drop_from` to `drop_to` below the current price
/// (as fractions of it): what a fall into that band puts up for liquidation.
struct profile_bin {
    double drop_from;          ///< Smallest drop of the band, a fraction of the price.
    double drop_to;            ///< Largest drop of the band (excluded), a fraction of the price.
    std::size_t positions = 0; ///< Positions in the band.
    double collateral = 0;     ///< Their collateral, in asset units.
    double debt = 0;           ///< Their debt, in quote currency.
};

/// The most bands liquidation_profile makes (a million bands of 40 bytes: 40 MB).
inline constexpr std::size_t max_profile_bins = 1000000;

/// The book's liquidation-price distribution: `bins` equal bands (1 to max_profile_bins) of the
/// drop that makes each position liquidatable, from 0 to `max_drop` (in (0, 1]). Positions
/// already liquidatable count in the first band; those beyond `max_drop` (or without debt) in
/// none. Cliffs show up as bands holding much collateral.
inline std::vector<profile_bin> liquidation_profile(const book& b, double price, std::size_t bins,
                                                    double max_drop = 1.0) {
    constexpr std::string_view what = "cascade::liquidation_profile";
    detail::validate_book(what, b);
    detail::validate_market(what, price, 0.0);
    spiral::detail::require_count(what, "bins", bins, 1, max_profile_bins);
    spiral::detail::require(spiral::detail::in_left_open(0, 1), what, "max_drop", max_drop);
    std::vector<profile_bin> out(bins);
    const auto count = static_cast<double>(bins);
    for (std::size_t j = 0; j < bins; ++j)
        out[j] = {max_drop * (static_cast<double>(j) / count),
                  max_drop * (static_cast<double>(j + 1) / count)};
    for (std::size_t i = 0; i < b.size(); ++i) {
        if (!(b.debt[i] > 0))
            continue;
        // Liquidatable now is decided by the health factor, as the engines decide it: the
        // liquidation price rounds differently and may sit a hair below `price` for a
        // position whose health is already under 1.
        const bool liquidatable = !(health(b.collateral[i], price, b.threshold[i], b.debt[i]) >= 1);
        const double at = liquidation_price(b.collateral[i], b.debt[i], b.threshold[i]);
        const double drop = liquidatable || at >= price ? 0.0 : 1 - at / price;
        if (drop >= max_drop)
            continue;
        // The band from the drop's share of max_drop, in [0, 1): a band width of max_drop /
        // bins may round to 0 (max_drop = 5e-324), the share cannot.
        const auto j = static_cast<std::size_t>(drop / max_drop * count);
        profile_bin& band = j < out.size() ? out[j] : out.back();
        ++band.positions;
        band.collateral += b.collateral[i];
        band.debt += b.debt[i];
    }
    return out;
}

/// One point of the liquidations-at-risk curve.
struct at_risk_point {
    double shock;   ///< The relative price drop, in [0, 1).
    result outcome; ///< The cascade it starts.
};

/// Liquidations at risk: the cascade each shock in `shocks` starts in the prepared book, for a
/// curve of collateral liquidated (or bad debt, or final price) against shock size. The book
/// is prepared once and one workspace serves every shock.
template <impact_curve<double> C, class Abi = detail::engine_abi>
std::vector<at_risk_point> liquidations_at_risk(const prepared_book& b, double price,
                                                std::span<const double> shocks, const C& curve,
                                                const rules& r = {}) {
    std::vector<at_risk_point> out;
    out.reserve(shocks.size());
    workspace ws;
    for (const double s : shocks)
        out.push_back({s, simulate<C, Abi>(b, price, s, curve, r, position_columns{}, ws)});
    return out;
}

/// True when liquidating the position at `price` would lower its health: its collateral is
/// worth less than its debt plus the bonus (health < (1 + bonus) * threshold). Every further
/// liquidation then makes it worse until the collateral runs out: the toxic spiral.
template <real T>
SPIRAL_HD constexpr auto is_toxic(T collateral, T debt, T price, T bonus) noexcept {
    return collateral * price < debt * (T(1) + bonus) && debt > T(0);
}

/// Rows of the book that are toxic at `price` under `bonus`.
inline std::vector<std::size_t> toxic_positions(const book& b, double price, double bonus) {
    constexpr std::string_view what = "cascade::toxic_positions";
    detail::validate_book(what, b);
    detail::validate_market(what, price, 0.0);
    spiral::detail::require(spiral::detail::non_negative, what, "bonus", bonus);
    std::vector<std::size_t> rows;
    for (std::size_t i = 0; i < b.size(); ++i)
        if (is_toxic(b.collateral[i], b.debt[i], price, bonus))
            rows.push_back(i);
    return rows;
}

} // namespace spiral::cascade
