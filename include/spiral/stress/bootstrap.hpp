// stress::bootstrap — moving block bootstrap of a history's log-returns (Künsch 1989).
/// \file
/// \ingroup stress
/// \brief stress::bootstrap: price paths resampled from a history's log-returns in blocks.
#pragma once

#include <spiral/core/checks.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/random.hpp>
#include <spiral/stress/path_model.hpp>

#include <cstddef>
#include <span>
#include <string_view>

namespace spiral::stress {

/// Moving block bootstrap (H. R. Künsch, "The jackknife and the bootstrap for general
/// stationary observations", Annals of Statistics 17, 1989): a path's log-returns are
/// consecutive blocks of `block_length` returns of the history, each block starting at an
/// index drawn uniformly from the n - block_length + 1 possible starts (no wrap-around; the
/// last block is cut at the path's end). Blocks keep the history's short-range dependence
/// (volatility clustering within a block); the history's first and last block_length - 1
/// returns are drawn a little less often than the rest. One uniform per block.
///
/// Stress: each return r is replaced by c + m (r - c), with c = `mean` (the history's mean
/// return) and m = spec.vol_multiplier, so the drift of the history is kept and every
/// deviation from it is scaled (m = 1 gives the history's returns exactly). There are no
/// jumps to scale: spec.jump_multiplier is not used. A step is one interval of the history
/// (spec.step_days should say which). The model views `returns` (it does not copy them): the
/// data must outlive it. Host only (it reads through std::span).
struct bootstrap {
    std::span<const double> returns; ///< the history's log-returns (not empty, finite)
    std::size_t block_length = 1;    ///< returns per block, in [1, returns.size()]
    /// c, the centre the vol multiplier scales around (finite). NaN (the default): the mean of
    /// `returns`, computed by every generate call with a multiplier other than 1 (O(n));
    /// make_bootstrap stores it once.
    double mean = spiral::detail::scalar_limits<double>::quiet_nan;

    /// Throws spiral::invalid_argument naming the field: returns empty or a return outside
    /// the return domain (naming its row), block_length outside [1, returns.size()], mean
    /// neither NaN nor finite.
    void validate() const {
        constexpr std::string_view what = "stress::bootstrap";
        spiral::detail::require_not_empty(what, "returns", returns.size());
        for (std::size_t i = 0; i < returns.size(); ++i)
            spiral::detail::require(spiral::detail::return_domain, what, "returns", returns[i], i);
        spiral::detail::require_count(what, "block_length", block_length, 1, returns.size());
        if (mean == mean)
            spiral::detail::require(spiral::detail::finite, what, "mean", mean);
    }

    /// The mean of `returns` (0 for none).
    double history_mean() const noexcept {
        double sum = 0;
        for (const double r : returns)
            sum += r;
        return returns.empty() ? 0.0 : sum / static_cast<double>(returns.size());
    }

    /// Writes spec.steps + 1 prices (prices[0] = spec.spot).
    void generate(splitmix64& g, const path_spec& spec, double* prices) const noexcept {
        const double m = spec.vol_multiplier;
        const bool scaled = m != 1;
        const double c = scaled ? (mean == mean ? mean : history_mean()) : 0.0;
        const std::size_t starts = returns.size() - block_length + 1;
        const double* r = returns.data();
        std::size_t start = 0, position = block_length; // a new block at the first step
        double x = 0;
        prices[0] = spec.spot;
        for (std::size_t k = 1; k <= spec.steps; ++k) {
            if (position == block_length) {
                const auto drawn =
                    static_cast<std::size_t>(uniform_open(g) * static_cast<double>(starts));
                start = drawn < starts ? drawn : starts - 1;
                position = 0;
            }
            const double step = r[start + position++];
            x += scaled ? c + m * (step - c) : step;
            prices[k] = spec.spot * spiral::exp(x);
        }
    }
};

/// A bootstrap of `returns` with `mean` set to their mean (computed once); validated. The
/// span is kept, not copied.
inline bootstrap make_bootstrap(std::span<const double> returns, std::size_t block_length = 1) {
    bootstrap b{.returns = returns, .block_length = block_length};
    b.validate();
    b.mean = b.history_mean();
    return b;
}

} // namespace spiral::stress
