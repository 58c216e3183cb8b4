// stress::replay — a window of a real price history, replayed from the scenario's spot.
/// \file
/// \ingroup stress
/// \brief stress::replay: historical price windows replayed relative to the spot.
#pragma once

#include <spiral/core/checks.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/random.hpp>
#include <spiral/stress/path_model.hpp>

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace spiral::stress {

/// Historical replay (filtered historical simulation without the filter): a path is the window
/// prices[s], ..., prices[s + spec.steps] of a history, rescaled so it starts at spec.spot:
///
///   path[k] = spot * (prices[s + k] / prices[s])^m,   m = spec.vol_multiplier,
///
/// i.e. the window's log-returns times m around zero (m = 1: the history's moves exactly).
/// The start s is `start`, or, with `random_start`, drawn per scenario uniformly from the
/// prices.size() - spec.steps possible starts (one uniform). A step is one interval of the
/// history (spec.step_days should say which). No jumps: spec.jump_multiplier is not used.
/// The model views `prices` (not copied): they must outlive it. Host only (std::span).
///
/// The window length depends on the spec, so validate(spec) checks it fits; validate() checks
/// only the model. generate never reads outside the history: past its end (a spec validate
/// was not asked about), the path stays at its last price.
struct replay {
    std::span<const double> prices; ///< the history (>= 2 prices, finite and > 0)
    std::size_t start = 0;          ///< first index of the window when not random_start
    bool random_start = false;      ///< draw the window's start per scenario

    /// Throws spiral::invalid_argument naming the field: fewer than 2 prices, a price that is
    /// not finite and > 0 (naming its row), start past the last return (start >= size - 1).
    void validate() const {
        constexpr std::string_view what = "stress::replay";
        if (prices.size() < 2)
            spiral::detail::throw_invalid(what, "prices.size()", spiral::detail::no_row,
                                          prices.size(), "must be >= 2");
        for (std::size_t i = 0; i < prices.size(); ++i)
            spiral::detail::require(spiral::detail::positive, what, "prices", prices[i], i);
        if (!random_start)
            spiral::detail::require_count(what, "start", start, 0, prices.size() - 2);
    }

    /// validate(), and the window of spec.steps + 1 prices fits in the history (from `start`,
    /// or from index 0 with random_start): else throws naming spec.steps.
    void validate(const path_spec& spec) const {
        constexpr std::string_view what = "stress::replay";
        validate();
        spec.validate();
        const std::size_t first = random_start ? 0 : start;
        if (spec.steps > prices.size() - 1 - first)
            spiral::detail::throw_invalid(
                what, "spec.steps", spiral::detail::no_row, spec.steps,
                "window of spec.steps + 1 prices from index " + std::to_string(first) +
                    " is longer than the history of " + std::to_string(prices.size()) + " prices");
    }

    /// Writes spec.steps + 1 prices (prices[0] = spec.spot).
    void generate(splitmix64& g, const path_spec& spec, double* out) const noexcept {
        const std::size_t n = prices.size();
        std::size_t s = start;
        if (random_start) {
            const std::size_t starts = spec.steps < n ? n - spec.steps : 1;
            const auto drawn =
                static_cast<std::size_t>(uniform_open(g) * static_cast<double>(starts));
            s = drawn < starts ? drawn : starts - 1;
        }
        if (s >= n)
            s = n - 1;
        const double m = spec.vol_multiplier;
        const double base = prices[s];
        out[0] = spec.spot;
        for (std::size_t k = 1; k <= spec.steps; ++k) {
            const std::size_t i = s + k < n ? s + k : n - 1;
            const double ratio = prices[i] / base;
            out[k] = m == 1 ? spec.spot * ratio : spec.spot * spiral::exp(m * spiral::log(ratio));
        }
    }
};

} // namespace spiral::stress
