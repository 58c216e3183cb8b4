// capital::book_response and capital::respond — how a book re-levers when its thresholds move.
/// \file
/// \ingroup capital
/// \brief capital::book_response and capital::respond: the book a parameter set would hold,
/// from a fixed book to borrowers who re-lever to the new threshold, under a debt ceiling.
#pragma once

#include <spiral/capital/parameter_set.hpp>
#include <spiral/cascade/book.hpp>
#include <spiral/core/checks.hpp>
#include <spiral/core/error.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace spiral::capital {

/// How borrowers answer a change of liquidation threshold from t to t'.
///
/// With `share` = 1 (relever()) every position keeps its health factor: its debt scales with
/// the threshold, d' = d t' / t, so a borrower who kept a 20% buffer above liquidation keeps
/// it at the new threshold (more debt when the threshold is loosened, less when tightened).
/// With `share` = 0 (fixed()) the book stays as it is. In between, d' = d ((1 - share) +
/// share t' / t). Without the response, loosening a threshold adds borrowing power that
/// nobody uses, and the stress run sees the same debt, only liquidated later: the VaR rises
/// only by what later liquidations lose, not by the extra debt borrowers take on when they
/// can, so looser parameters look almost free (and tighter ones cost efficiency without
/// buying the safety they would buy on a re-levered book). Real books sit in between (not
/// every borrower re-levers at once), so evaluate both ends.
struct book_response {
    double share = 1; ///< share of borrowers' debt that follows the threshold, in [0, 1]

    /// The book stays as it is (share 0).
    static constexpr book_response fixed() noexcept { return {0}; }
    /// Every position keeps its health factor (share 1).
    static constexpr book_response relever() noexcept { return {1}; }

    /// Throws spiral::invalid_argument naming `what` and `response.share` unless share is in
    /// [0, 1].
    void validate(std::string_view what = "capital::book_response") const {
        spiral::detail::require(spiral::detail::in_closed(0, 1), what, "response.share", share);
    }
};

/// The book `base` would hold under `set`:
///  1. threshold t'_i = set.threshold when it is > 0, else set.threshold_scale x t_i;
///  2. debt d'_i = d_i r_i with r_i = (1 - share) + share t'_i / t_i (`response`; r_i is
///     exactly 1 for share 0 and exactly t'_i / t_i for share 1);
///  3. debt ceiling: when sum d'_i > set.debt_ceiling, every position's collateral and debt
///     are multiplied by f = debt_ceiling / sum d'_i (the protocol takes a smaller book: the
///     deposits it cannot lend against do not come; health factors are unchanged).
/// Throws spiral::invalid_argument naming `what` for a bad base book (naming column and row),
/// a bad set or response, or a threshold t'_i outside (0, 1] (naming set.threshold_scale and
/// the book row in the message). `set_row`: the set's index in a list of sets, named in the
/// messages as sets.NAME[set_row] (no_row: a single set).
inline cascade::book respond(const cascade::book& base, const parameter_set& set,
                             const book_response& response,
                             std::string_view what = "capital::respond",
                             std::size_t set_row = spiral::detail::no_row) {
    cascade::detail::validate_book(what, base);
    set.validate(what, set_row);
    response.validate(what);
    const std::size_t n = base.size();
    cascade::book b;
    b.collateral = base.collateral;
    b.debt.resize(n);
    b.threshold.resize(n);
    const double share = response.share;
    double total = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double t = base.threshold[i];
        const double tn = set.threshold > 0 ? set.threshold : set.threshold_scale * t;
        if (!(tn > 0 && tn <= 1)) [[unlikely]]
            spiral::detail::throw_invalid(
                what,
                set_row == spiral::detail::no_row ? "set.threshold_scale" : "sets.threshold_scale",
                set_row, set.threshold_scale,
                "takes the threshold of book row " + std::to_string(i) + " (" + std::to_string(t) +
                    ") outside (0, 1]");
        const double ratio = (1 - share) + share * (tn / t);
        b.threshold[i] = tn;
        b.debt[i] = base.debt[i] * ratio;
        total += b.debt[i];
    }
    if (total > set.debt_ceiling) {
        const double f = set.debt_ceiling / total;
        for (std::size_t i = 0; i < n; ++i) {
            b.collateral[i] *= f;
            b.debt[i] *= f;
        }
    }
    return b;
}

} // namespace spiral::capital
