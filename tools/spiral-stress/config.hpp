// spiral-stress's configuration: ONE table of every key (section, name, type, default, domain,
// the model/curve/book kinds it applies to, what it means). The same table fills the defaults,
// reads and checks a TOML file (unknown keys, wrong types and values out of their domain are
// errors naming FILE:LINE and the key) and prints the reference (--help-config, and the
// Markdown table of docs/stress.md).
#pragma once

#include "example_support.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace stress_tool {

using example::input_error;

/// The type of a key's value in the TOML file.
enum class key_type { real, integer, boolean, text, reals, texts };

/// A value as read from the file (or the default).
using value = std::variant<double, std::int64_t, bool, std::string, std::vector<double>,
                           std::vector<std::string>>;

/// The domain of a number (each element of a list of numbers): lo and hi, each open or closed;
/// infinite bounds are absent.
struct range {
    double lo = -std::numeric_limits<double>::infinity();
    double hi = std::numeric_limits<double>::infinity();
    bool lo_open = false;
    bool hi_open = false;
    bool allow_inf = false; ///< +inf is a value (no cap), not only a bound

    bool contains(double v) const {
        if (std::isnan(v) || (std::isinf(v) && !allow_inf))
            return false;
        return (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi);
    }
};

/// The field a spiral::invalid_argument message names, without its row ("spiral: <what>:
/// <field>[row] = value (why)" -> "field": the last ": "-separated part before " = "), or ""
/// when the message names none. The tool maps it back to the configuration key it came from.
inline std::string message_field(const std::string& message) {
    const std::size_t equals = message.find(" = ");
    const std::size_t colon =
        equals == std::string::npos ? std::string::npos : message.rfind(": ", equals);
    if (colon == std::string::npos)
        return {};
    const std::string field = message.substr(colon + 2, equals - colon - 2);
    return field.substr(0, field.find('['));
}

inline constexpr double inf = std::numeric_limits<double>::infinity();
inline constexpr range any_real{};
inline constexpr range positive{0, inf, true, false};
inline constexpr range non_negative{0, inf, false, false};
inline constexpr range unit_closed{0, 1, false, false};
inline constexpr range unit_open{0, 1, true, true};
inline constexpr range unit_left_open{0, 1, true, false};
inline constexpr range upper_half{0.5, 1, false, true}; ///< [0.5, 1): a margin's confidence

/// One key of the configuration.
struct key_spec {
    std::string_view name; ///< "section.key"
    key_type type;
    value fallback;              ///< the default
    range domain = any_real;     ///< numbers: the allowed values
    std::string_view choices;    ///< text: the allowed values, '|'-separated (empty: any text)
    std::string_view only_for;   ///< the values of <section>.kind it applies to ('|'; empty: all)
    std::string_view doc;        ///< what it means
    std::string_view note = {};  ///< what its default means when the default is a stand-in
    std::string_view books = {}; ///< the values of book.kind it applies to ('|'; empty: all)
};

/// The book kinds of one collateral asset, and of several ([[asset]] tables).
inline constexpr std::string_view single_asset_books = "synthetic|csv";
inline constexpr std::string_view multi_asset_books = "multi_asset";

namespace detail {

inline std::string number_text(double v) {
    if (std::isinf(v))
        return v > 0 ? "inf" : "-inf";
    char text[32];
    const auto end = std::to_chars(text, text + sizeof text, v).ptr;
    return std::string(text, end);
}

inline std::vector<std::string_view> split(std::string_view s, char sep = '|') {
    std::vector<std::string_view> out;
    if (s.empty())
        return out;
    for (;;) {
        const auto k = s.find(sep);
        out.push_back(s.substr(0, k));
        if (k == std::string_view::npos)
            return out;
        s.remove_prefix(k + 1);
    }
}

} // namespace detail

/// What the command runs: a stress test (spiral-stress CONFIG), a margin backtest
/// (spiral-stress backtest CONFIG), a capital-efficiency frontier (spiral-stress frontier
/// CONFIG) or its recommendations (spiral-stress recommend CONFIG); each reads its own table of
/// keys (frontier and recommend read the same one).
enum class tool_mode { stress, backtest, frontier, recommend };

/// True for the modes that evaluate a frontier of parameter sets.
inline bool is_frontier_mode(tool_mode m) {
    return m == tool_mode::frontier || m == tool_mode::recommend;
}

/// The section of a key ("book" of "book.kind").
inline std::string_view section_of(std::string_view name) {
    return name.substr(0, name.find('.'));
}

/// The table: every key spiral-stress reads. Paths are relative to the config file.
inline const std::vector<key_spec>& stress_keys() {
    using V = std::vector<double>;
    // clang-format off
    static const std::vector<key_spec> table = {
        // [book]
        {"book.kind", key_type::text, std::string("synthetic"), {}, "synthetic|csv|multi_asset", {},
         "where the positions come from: a synthetic book (cascade::synthetic_book), a CSV file, "
         "or a CSV file of positions holding the several assets of the [[asset]] tables"},
        {"book.file", key_type::text, std::string(), {}, {}, "csv|multi_asset",
         "CSV with the columns collateral (asset units), debt (quote), threshold (in (0, 1]), in "
         "any order; other columns are read past. multi_asset: the columns debt and "
         "collateral_<name> for each [[asset]] (asset units), no collateral or threshold column"},
        {"book.positions", key_type::integer, std::int64_t(10000), {1, 1e8}, {}, "synthetic",
         "number of positions drawn"},
        {"book.price", key_type::real, 0.0, non_negative, {}, "synthetic",
         "price at which the drawn health factors hold", "0: run.spot"},
        {"book.median_collateral", key_type::real, 5.0, positive, {}, "synthetic",
         "median collateral of a position (asset units)"},
        {"book.collateral_dispersion", key_type::real, 1.6, non_negative, {}, "synthetic",
         "sigma of log collateral"},
        {"book.median_excess_health", key_type::real, 0.25, positive, {}, "synthetic",
         "median of health - 1"},
        {"book.health_dispersion", key_type::real, 1.0, non_negative, {}, "synthetic",
         "sigma of log(health - 1)"},
        {"book.threshold", key_type::real, 0.825, unit_left_open, {}, "synthetic",
         "base liquidation threshold"},
        {"book.threshold_spread", key_type::real, 0.05, non_negative, {}, "synthetic",
         "thresholds spread uniformly over threshold -/+ this"},
        {"book.seed", key_type::integer, std::int64_t(20200312), {0, 9.2e18}, {}, "synthetic",
         "seed of the book's generator"},
        // [[asset]]: one table per collateral asset of a multi_asset book
        {"asset.name", key_type::text, std::string(), {}, {}, {},
         "the asset's name (letters, digits, _): its book column is collateral_<name>",
         "required", multi_asset_books},
        {"asset.spot", key_type::real, 0.0, positive, {}, {},
         "price at the start of every path (quote)", "required", multi_asset_books},
        {"asset.vol", key_type::real, 0.8, positive, {}, {},
         "annualised volatility of the asset's GBM", {}, multi_asset_books},
        {"asset.drift", key_type::real, 0.0, any_real, {}, {},
         "annualised drift of the asset's log price", {}, multi_asset_books},
        {"asset.threshold", key_type::real, 0.8, unit_left_open, {}, {},
         "liquidation threshold of the asset", {}, multi_asset_books},
        {"asset.bonus", key_type::real, 0.05, non_negative, {}, {},
         "liquidation bonus when this asset is seized", {}, multi_asset_books},
        {"asset.impact", key_type::text, std::string("exponential"), {},
         "linear|exponential|constant_product|square_root|power_law", {},
         "the price-impact curve this asset's liquidations sell into", {}, multi_asset_books},
        {"asset.lambda", key_type::real, 1e-6, non_negative, {}, "linear",
         "relative price drop per unit sold (1 - lambda q)", {}, multi_asset_books},
        {"asset.alpha", key_type::real, 2e-6, non_negative, {}, "exponential",
         "decay rate per unit sold (exp(-alpha q))", {}, multi_asset_books},
        {"asset.base_reserve", key_type::real, 50000.0, positive, {}, "constant_product",
         "asset units in the pool", {}, multi_asset_books},
        {"asset.quote_reserve", key_type::real, 1e8, positive, {}, "constant_product",
         "quote units in the pool", {}, multi_asset_books},
        {"asset.fee", key_type::real, 0.003, {0, 1, false, true}, {}, "constant_product",
         "pool fee on the input", {}, multi_asset_books},
        {"asset.sigma", key_type::real, 0.05, non_negative, {}, "square_root",
         "volatility over the volume's horizon (daily)", {}, multi_asset_books},
        {"asset.volume", key_type::real, 500000.0, positive, {}, "square_root|power_law",
         "traded volume over that horizon (asset units)", {}, multi_asset_books},
        {"asset.y", key_type::real, 1.0, non_negative, {}, "square_root",
         "the prefactor Y of the square-root law", {}, multi_asset_books},
        {"asset.eta", key_type::real, 0.05, non_negative, {}, "power_law",
         "relative price drop at q = volume", {}, multi_asset_books},
        {"asset.exponent", key_type::real, 0.5, positive, {}, "power_law",
         "exponent delta of (q / volume)^delta", {}, multi_asset_books},
        // [rules]
        {"rules.sizing", key_type::text, std::string("close_factor"), {},
         "close_factor|target_health|full", {},
         "how much of the debt one liquidation repays (Aave v3: close_factor)"},
        {"rules.collateral_choice", key_type::text, std::string("highest_bonus"), {},
         "highest_bonus|in_order", {},
         "which collateral a liquidation seizes: the held one with the highest bonus, or the "
         "first held in [[asset]] order", {}, multi_asset_books},
        {"rules.close_factor", key_type::real, 0.5, unit_left_open, {}, {},
         "fraction of the debt repaid per liquidation"},
        {"rules.full_close_below", key_type::real, 0.95, non_negative, {}, {},
         "at or below this health the whole debt is repaid"},
        {"rules.target_health", key_type::real, 1.05, {1, inf, true}, {}, {},
         "health a target_health liquidation restores"},
        {"rules.bonus", key_type::real, 0.05, non_negative, {}, {},
         "liquidation bonus: collateral seized per unit repaid - 1", {}, single_asset_books},
        {"rules.bonus_slope", key_type::real, 0.0, non_negative, {}, {},
         "bonus grows by this per unit of (1 - health)"},
        {"rules.max_bonus", key_type::real, 1.0, non_negative, {}, {},
         "cap of the sloped bonus (>= bonus)"},
        {"rules.protocol_fee", key_type::real, 0.0, unit_closed, {}, {},
         "share of the bonus the protocol keeps (Aave v3 liquidationProtocolFee)", {},
         single_asset_books},
        {"rules.full_close_value", key_type::real, 0.0, non_negative, {}, {},
         "positions worth less than this (quote) close whole (Aave v3.3; 0: off)", {},
         single_asset_books},
        {"rules.min_leftover_value", key_type::real, 0.0, non_negative, {}, {},
         "a partial liquidation may not leave less than this (quote; 0: off)", {},
         single_asset_books},
        {"rules.max_liquidations_per_step", key_type::integer, std::int64_t(0), {0, 9.2e18}, {},
         {}, "cap on liquidations per step, worst health first", "0: no cap"},
        {"rules.max_collateral_per_step", key_type::real, inf, {0, inf, true, false, true}, {},
         {}, "cap on collateral seized per step (asset units)", "inf: no cap", single_asset_books},
        {"rules.oracle_delay_steps", key_type::integer, std::int64_t(0), {0, 1e6}, {}, {},
         "steps by which the oracle lags the market", {}, single_asset_books},
        // [impact]
        {"impact.kind", key_type::text, std::string("exponential"), {},
         "linear|exponential|constant_product|square_root|power_law", {},
         "the price-impact curve liquidations sell into (spiral::impact)", {}, single_asset_books},
        {"impact.lambda", key_type::real, 1e-6, non_negative, {}, "linear",
         "relative price drop per unit sold (1 - lambda q)", {}, single_asset_books},
        {"impact.alpha", key_type::real, 2e-6, non_negative, {}, "exponential",
         "decay rate per unit sold (exp(-alpha q))", {}, single_asset_books},
        {"impact.base_reserve", key_type::real, 50000.0, positive, {}, "constant_product",
         "asset units in the pool", {}, single_asset_books},
        {"impact.quote_reserve", key_type::real, 1e8, positive, {}, "constant_product",
         "quote units in the pool", {}, single_asset_books},
        {"impact.fee", key_type::real, 0.003, {0, 1, false, true}, {}, "constant_product",
         "pool fee on the input", {}, single_asset_books},
        {"impact.sigma", key_type::real, 0.05, non_negative, {}, "square_root",
         "volatility over the volume's horizon (daily)", {}, single_asset_books},
        {"impact.volume", key_type::real, 500000.0, positive, {}, "square_root|power_law",
         "traded volume over that horizon (asset units)", {}, single_asset_books},
        {"impact.y", key_type::real, 1.0, non_negative, {}, "square_root",
         "the prefactor Y of the square-root law", {}, single_asset_books},
        {"impact.eta", key_type::real, 0.05, non_negative, {}, "power_law",
         "relative price drop at q = volume", {}, single_asset_books},
        {"impact.exponent", key_type::real, 0.5, positive, {}, "power_law",
         "exponent delta of (q / volume)^delta", {}, single_asset_books},
        // [model]
        {"model.kind", key_type::text, std::string("gbm"), {},
         "gbm|merton|student_t|garch|bootstrap|replay|correlated_gbm", {},
         "the scenario generator (spiral::stress models); correlated_gbm (one GBM per [[asset]], "
         "correlated shocks) only and always with book.kind = multi_asset"},
        {"model.correlation", key_type::reals, V{}, {-1, 1}, {}, "correlated_gbm",
         "correlation matrix of the assets' shocks, row-major, one row per [[asset]] in order "
         "(positive definite, unit diagonal)", "[]: independent assets"},
        {"model.copula", key_type::text, std::string("gaussian"), {}, "gaussian|student_t",
         "correlated_gbm",
         "the copula of the shocks (student_t: one shared chi-square draw per step, joint tails)"},
        {"model.history", key_type::text, std::string(), {}, {}, "garch|bootstrap|replay",
         "CSV of past prices (needed by bootstrap and replay; garch is fitted on it when given)"},
        {"model.history_column", key_type::text, std::string("close"), {}, {}, "garch|bootstrap|replay",
         "the price column of model.history"},
        {"model.drift", key_type::real, 0.0, any_real, {}, "gbm|merton|student_t",
         "annualised drift of the log price"},
        {"model.vol", key_type::real, 0.8, positive, {}, "gbm|merton|student_t",
         "annualised volatility"},
        {"model.jump_intensity", key_type::real, 4.0, non_negative, {}, "merton",
         "expected jumps per year"},
        {"model.jump_mean", key_type::real, -0.1, any_real, {}, "merton",
         "mean of the log jump size (< 0: crashes)"},
        {"model.jump_vol", key_type::real, 0.1, non_negative, {}, "merton",
         "standard deviation of the log jump size"},
        {"model.degrees_of_freedom", key_type::real, 4.0, {2, inf, true}, {},
         "student_t|garch|correlated_gbm",
         "nu of the Student-t returns (garch: of its innovations when innovations = "
         "\"student_t\"; correlated_gbm: of the t copula); scaled to unit variance"},
        {"model.innovations", key_type::text, std::string("normal"), {}, "normal|student_t",
         "garch", "distribution of the GARCH innovations"},
        {"model.omega", key_type::real, 2e-5, positive, {}, "garch",
         "GARCH(1,1) constant, per step (not with model.history: fitted)"},
        {"model.alpha", key_type::real, 0.1, non_negative, {}, "garch",
         "GARCH(1,1) weight of the last squared return (not with model.history)"},
        {"model.beta", key_type::real, 0.85, non_negative, {}, "garch",
         "GARCH(1,1) weight of the last variance, alpha + beta < 1 (not with model.history)"},
        {"model.mean", key_type::real, 0.0, any_real, {}, "garch",
         "mean log-return per step (not with model.history: 0)"},
        {"model.initial_variance", key_type::real, 0.0, non_negative, {}, "garch",
         "variance of the first step's return (not with model.history)", "0: the long-run one"},
        {"model.garch_start", key_type::text, std::string("last_filtered"), {},
         "long_run|last_filtered", "garch",
         "fitted model's first variance: the long-run one, or the forecast after the history"},
        {"model.block_length", key_type::integer, std::int64_t(5), {1, 1e9}, {}, "bootstrap",
         "returns per block of the moving block bootstrap"},
        {"model.random_start", key_type::boolean, true, {}, {}, "replay",
         "each scenario replays a window starting at a random day of the history"},
        {"model.start", key_type::integer, std::int64_t(0), {0, 1e9}, {}, "replay",
         "first index of the window when random_start = false"},
        // [stress]
        {"stress.vol_multiplier", key_type::real, 1.0, positive, {}, {},
         "every model's volatility times this"},
        {"stress.jump_multiplier", key_type::real, 1.0, non_negative, {}, {},
         "every jump intensity times this"},
        {"stress.reference_vol", key_type::real, 0.0, non_negative, {}, {},
         "liquidity response: annualised vol at and below which depth is full", "0: off"},
        {"stress.elasticity", key_type::real, 1.0, non_negative, {}, {},
         "depth = (reference_vol / realised vol)^elasticity"},
        {"stress.floor", key_type::real, 0.05, unit_left_open, {}, {},
         "the least depth multiplier"},
        // [run]
        {"run.scenarios", key_type::integer, std::int64_t(10000), {1, 2147483647}, {}, {},
         "number of scenarios N"},
        {"run.seed", key_type::integer, std::int64_t(1), {0, 9.2e18}, {}, {},
         "master seed: scenario s draws from scenario_generator(seed, s)"},
        {"run.threads", key_type::integer, std::int64_t(0), {0, 4096}, {}, {},
         "worker threads", "0: every core"},
        {"run.steps", key_type::integer, std::int64_t(30), {1, 1e7}, {}, {}, "steps per path"},
        {"run.step_days", key_type::real, 1.0, positive, {}, {}, "length of a step in days"},
        {"run.days_per_year", key_type::real, 365.0, positive, {}, {},
         "annualisation of the model parameters"},
        {"run.spot", key_type::real, 2000.0, positive, {}, {}, "price at the start of every path",
         {}, single_asset_books},
        {"run.confidence", key_type::reals, V{0.95, 0.99}, unit_open, {}, {},
         "levels of VaR, ES and LaR in the report"},
        // [output]
        {"output.directory", key_type::text, std::string("stress-report"), {}, {}, {},
         "where report.md, metrics.csv, scenarios.csv and the plots go (created)"},
        {"output.plots", key_type::boolean, true, {}, {}, {},
         "draw the PNG plots with gnuplot (skipped when gnuplot is missing)"},
        {"output.fan_paths", key_type::integer, std::int64_t(20), {0, 1000}, {}, {},
         "sample paths drawn on the fan chart"},
        {"output.path_scenarios", key_type::integer, std::int64_t(1000), {0, 1e7}, {}, {},
         "scenarios (the first ones) re-run step by step for the fan chart and the "
         "liquidations-over-time plot"},
        {"output.scenarios_csv", key_type::boolean, true, {}, {}, {},
         "write scenarios.csv (one row per scenario)"},
    };
    // clang-format on
    return table;
}

/// The models of a backtest, each alone or through the APC tools ("+apc").
inline constexpr std::string_view backtest_models =
    "static|ewma|garch|har|hs|fhs|static+apc|ewma+apc|garch+apc|har+apc|hs+apc|fhs+apc";

/// The table of spiral-stress backtest: every key it reads. Paths are relative to the file.
inline const std::vector<key_spec>& backtest_keys() {
    using S = std::vector<std::string>;
    // clang-format off
    static const std::vector<key_spec> table = {
        // [history]
        {"history.file", key_type::text, std::string(), {}, {}, {},
         "CSV of daily prices, oldest first (a date column and a price column; other columns "
         "are read past)", "required"},
        {"history.date_column", key_type::text, std::string("date"), {}, {}, {},
         "the column of ISO dates (YYYY-MM-DD, increasing)"},
        {"history.price_column", key_type::text, std::string("close"), {}, {}, {},
         "the column of prices (> 0)"},
        // [backtest]
        {"backtest.models", key_type::texts,
         S{"static", "ewma", "garch", "har", "hs", "fhs", "static+apc", "ewma+apc", "garch+apc",
           "har+apc", "hs+apc", "fhs+apc"}, {}, backtest_models, {},
         "the margin models (capital/margin_forecast.hpp), each once; +apc: through the [apc] "
         "tools"},
        {"backtest.confidence", key_type::real, 0.99, upper_half, {}, {},
         "confidence of the margins (below 0.5 a margin would be negative)"},
        {"backtest.horizon_days", key_type::integer, std::int64_t(2), {1, 10000}, {}, {},
         "k, the days a margin covers (margin period of risk)"},
        {"backtest.train_days", key_type::integer, std::int64_t(730), {1, 1e7}, {}, {},
         "returns the static rate, the GARCH fit and the HAR fit see (the first ones)"},
        {"backtest.window_days", key_type::integer, std::int64_t(500), {1, 1e7}, {}, {},
         "look-back window of hs and fhs (returns, >= horizon_days)"},
        {"backtest.ewma_lambda", key_type::real, 0.94, unit_open, {}, {},
         "decay per day of the EWMA filter (ewma, and the volatility fhs rescales by)"},
        {"backtest.static_rate", key_type::real, 0.0, non_negative, {}, {},
         "margin of the static model", "0: z sqrt(k) times the training returns' volatility"},
        {"backtest.increase_days", key_type::integer, std::int64_t(5), {1, 100000}, {}, {},
         "n of the largest n-day margin increase"},
        {"backtest.windows", key_type::texts,
         S{"Mar20 2020-03-01 2020-03-31", "May21 2021-05-01 2021-05-31",
           "May22 2022-05-01 2022-05-31", "Nov22 2022-11-01 2022-11-30"}, {}, {}, {},
         "crisis windows to report, each \"NAME FIRST LAST\" (ISO dates, inclusive): the margin "
         "on the first day, the highest, the rise"},
        // [apc]
        {"apc.floor_days", key_type::integer, std::int64_t(2520), {0, 1e7}, {}, {},
         "look-back of the floor from the long-run volatility (margin::lookback_floor)",
         "0: no floor"},
        {"apc.buffer", key_type::real, 0.25, non_negative, {}, {},
         "buffer above the margin, released in stress (margin::apc_buffer)", "0: none"},
        {"apc.max_daily_increase", key_type::real, 0.10, {0, inf, false, false, true}, {}, {},
         "speed limit: largest rise in one day, a fraction of the margin (margin::speed_limit)",
         "inf: none"},
        // [output]
        {"output.directory", key_type::text, std::string("backtest-report"), {}, {}, {},
         "where report.md, metrics.csv, margins.csv and the plots go (created)"},
        {"output.plots", key_type::boolean, true, {}, {}, {},
         "draw the PNG plots with gnuplot (skipped when gnuplot is missing)"},
    };
    // clang-format on
    return table;
}

/// The table of spiral-stress frontier and recommend: the single-asset keys of the stress
/// table (the same definitions) but those a parameter set replaces (rules.bonus,
/// rules.close_factor, rules.max_collateral_per_step) and the stress run's outputs, then the
/// [frontier] grid and its [output].
inline const std::vector<key_spec>& frontier_keys() {
    using V = std::vector<double>;
    using S = std::vector<std::string>;
    static const std::vector<key_spec> table = [] {
        std::vector<key_spec> t;
        for (key_spec k : stress_keys()) {
            const std::string_view section = section_of(k.name);
            if (section == "asset" || section == "output" || k.books == multi_asset_books ||
                k.only_for == "correlated_gbm" || k.name == "rules.bonus" ||
                k.name == "rules.close_factor" || k.name == "rules.max_collateral_per_step" ||
                k.name == "run.confidence")
                continue;
            k.books = {}; // every book of a frontier holds one collateral asset
            if (k.name == "book.kind") {
                k.choices = single_asset_books;
                k.doc = "where the positions come from: a synthetic book (cascade::synthetic_book) "
                        "or a CSV file";
            } else if (k.name == "book.file") {
                k.only_for = "csv";
                k.doc = "CSV with the columns collateral (asset units), debt (quote), threshold "
                        "(in (0, 1]), in any order; other columns are read past";
            } else if (k.name == "model.kind") {
                k.choices = "gbm|merton|student_t|garch|bootstrap|replay";
                k.doc = "the scenario generator (spiral::stress models)";
            } else if (k.name == "model.degrees_of_freedom") {
                k.only_for = "student_t|garch";
                k.doc = "nu of the Student-t returns (garch: of its innovations when innovations = "
                        "\"student_t\"); scaled to unit variance";
            } else if (k.name == "run.threads") {
                k.doc = "worker threads of capital::evaluate_frontier_parallel";
            } else if (k.name == "run.scenarios") {
                k.doc = "number of scenarios N (the same ones for every parameter set)";
            }
            t.push_back(k);
        }
        // clang-format off
        const std::vector<key_spec> own = {
            // [frontier]: the grid is every combination of the five lists
            {"frontier.threshold_scales", key_type::reals, V{1.0}, positive, {}, {},
             "grid axis: multipliers of each position's liquidation threshold (t' = scale x t)"},
            {"frontier.thresholds", key_type::reals, V{}, unit_left_open, {}, {},
             "grid axis: absolute liquidation thresholds given to every position, instead of "
             "threshold_scales", "[]: use threshold_scales"},
            {"frontier.bonuses", key_type::reals, V{0.05}, non_negative, {}, {},
             "grid axis: liquidation bonuses"},
            {"frontier.close_factors", key_type::reals, V{0.5}, unit_left_open, {}, {},
             "grid axis: shares of the debt one liquidation repays"},
            {"frontier.max_collateral_per_step", key_type::reals, V{inf},
             {0, inf, true, false, true}, {}, {},
             "grid axis: most collateral liquidated per step (asset units)", "inf: no cap"},
            {"frontier.debt_ceilings", key_type::reals, V{inf}, {0, inf, true, false, true}, {}, {},
             "grid axis: most total debt the book may hold (quote; the book is scaled down to it)",
             "inf: no ceiling"},
            {"frontier.book_response", key_type::text, std::string("relever"), {},
             "relever|fixed|share", {},
             "how borrowers answer a new threshold (capital::book_response): keep their health "
             "factors, keep their debt, or a share of the debt follows the threshold"},
            {"frontier.response_share", key_type::real, 0.5, unit_closed, {}, "share",
             "share of the debt that follows the threshold: d' = d ((1 - share) + share t' / t)"},
            {"frontier.appetites", key_type::texts, S{"conservative", "moderate", "aggressive"}, {},
             "conservative|moderate|aggressive", {},
             "named risk appetites to recommend at (VaR95 <= 0.1%, 0.5%, 2% of the debt)"},
            {"frontier.budgets", key_type::reals, V{}, unit_open, {}, {},
             "VaR budgets to recommend at, as shares of the debt (VaR95 / debt <= budget), "
             "instead of the appetites", "[]: the appetites"},
            {"frontier.smart_ltv_confidence", key_type::real, 2.0, positive, {}, {},
             "c of the SmartLTV baseline (standard deviations of the price fall)"},
            {"frontier.smart_ltv_volatility", key_type::real, 0.0, non_negative, {}, {},
             "sigma of the SmartLTV baseline: the collateral's volatility over the run's horizon",
             "0: the standard deviation of log(final / spot) over the run's scenarios"},
            // [output]
            {"output.directory", key_type::text, std::string("frontier-report"), {}, {}, {},
             "where report.md, frontier.csv (recommend: recommendations.csv) and the plot go "
             "(created)"},
            {"output.plots", key_type::boolean, true, {}, {}, {},
             "draw frontier.png with gnuplot (skipped when gnuplot is missing)"},
        };
        // clang-format on
        t.insert(t.end(), own.begin(), own.end());
        return t;
    }();
    return table;
}

/// The keys of `mode`.
inline const std::vector<key_spec>& keys(tool_mode mode = tool_mode::stress) {
    if (is_frontier_mode(mode))
        return frontier_keys();
    return mode == tool_mode::backtest ? backtest_keys() : stress_keys();
}

/// The key `name` of `mode`, or nullptr.
inline const key_spec* find_key(std::string_view name, tool_mode mode = tool_mode::stress) {
    for (const key_spec& k : keys(mode))
        if (k.name == name)
            return &k;
    return nullptr;
}

/// The key whose value selects the keys of `section` that apply (only_for): <section>.kind,
/// or for an [[asset]] table its impact curve.
inline std::string kind_key(std::string_view section) {
    if (section == "frontier")
        return "frontier.book_response";
    return section == "asset" ? std::string("asset.impact") : std::string(section) + ".kind";
}

/// True for the section of [[asset]] tables (an array of tables, one per asset).
inline bool is_asset_section(std::string_view section) {
    return section == "asset";
}

/// "book.kind = a or b" for a '|'-separated list of book kinds.
inline std::string books_text(std::string_view books) {
    std::string out = "book.kind = ";
    const auto kinds = detail::split(books);
    for (std::size_t i = 0; i < kinds.size(); ++i)
        out += (i ? " or " : "") + std::string(kinds[i]);
    return out;
}

inline std::string type_name(key_type t) {
    switch (t) {
    case key_type::real:
        return "number";
    case key_type::integer:
        return "integer";
    case key_type::boolean:
        return "boolean";
    case key_type::text:
        return "string";
    case key_type::reals:
        return "list of numbers";
    case key_type::texts:
        return "list of strings";
    }
    return "?";
}

/// The domain of `k` in words ("> 0", "in [0, 1]", "one of a, b").
inline std::string domain_text(const key_spec& k) {
    if (k.type == key_type::boolean)
        return "true or false";
    if (k.type == key_type::text || k.type == key_type::texts) {
        if (k.choices.empty())
            return k.type == key_type::texts ? "strings" : "a path or name";
        std::string out = k.type == key_type::texts ? "each one of " : "one of ";
        for (const auto c : detail::split(k.choices)) {
            if (out.back() != ' ')
                out += ", ";
            out += c;
        }
        return out;
    }
    const range& r = k.domain;
    std::string out;
    const bool integer = k.type == key_type::integer;
    // Integers: whole-number bounds; an upper bound past 1e18 is the type's, not worth saying.
    const auto number_text = [&](double v) {
        return integer ? std::to_string(static_cast<long long>(v)) : detail::number_text(v);
    };
    const bool lo = std::isfinite(r.lo), hi = std::isfinite(r.hi) && !(integer && r.hi >= 1e18);
    if (lo && hi)
        out = std::string("in ") + (r.lo_open ? "(" : "[") + number_text(r.lo) + ", " +
              number_text(r.hi) + (r.hi_open ? ")" : "]");
    else if (lo)
        out = (r.lo_open ? "> " : ">= ") + number_text(r.lo);
    else if (hi)
        out = (r.hi_open ? "< " : "<= ") + number_text(r.hi);
    else
        out = "any finite number";
    if (r.allow_inf)
        out += " or inf";
    if (k.type == key_type::reals)
        out = "each " + out;
    if (integer && !hi)
        out = "an integer " + out;
    return out;
}

/// A value as TOML would write it.
inline std::string value_text(const value& v) {
    struct {
        std::string operator()(double x) const { return detail::number_text(x); }
        std::string operator()(std::int64_t x) const { return std::to_string(x); }
        std::string operator()(bool x) const { return x ? "true" : "false"; }
        std::string operator()(const std::string& x) const { return "\"" + x + "\""; }
        std::string operator()(const std::vector<double>& x) const {
            std::string out = "[";
            for (std::size_t i = 0; i < x.size(); ++i)
                out += (i ? ", " : "") + detail::number_text(x[i]);
            return out + "]";
        }
        std::string operator()(const std::vector<std::string>& x) const {
            std::string out = "[";
            for (std::size_t i = 0; i < x.size(); ++i)
                out += (i ? ", \"" : "\"") + x[i] + "\"";
            return out + "]";
        }
    } visitor;
    return std::visit(visitor, v);
}

inline std::string default_text(const key_spec& k) {
    std::string out = value_text(k.fallback);
    if (!k.note.empty())
        out += " (" + std::string(k.note) + ")";
    return out;
}

inline std::string applies_text(const key_spec& k) {
    if (k.only_for.empty())
        return {};
    std::string out = kind_key(section_of(k.name)) + " = ";
    const auto kinds = detail::split(k.only_for);
    for (std::size_t i = 0; i < kinds.size(); ++i)
        out += (i ? " or " : "") + std::string(kinds[i]);
    return out;
}

/// "model.kind = gbm" and/or "book.kind = multi_asset": every condition of `k`, or empty.
inline std::string conditions_text(const key_spec& k) {
    std::string out = applies_text(k);
    if (!k.books.empty())
        out += (out.empty() ? "" : " and ") + books_text(k.books);
    return out;
}

/// The reference printed by --help-config: every section and key of `mode`.
inline std::string reference_text(tool_mode mode = tool_mode::stress) {
    std::ostringstream out;
    out << "Configuration file (TOML). Every key is optional"
        << (mode == tool_mode::backtest ? " (but history.file)"
            : is_frontier_mode(mode)    ? ""
                                        : " (but asset.name and asset.spot)")
        << ";\nits default is shown. Unknown keys, wrong types and values outside the domain "
           "are\nerrors (exit 2).\n";
    std::string_view section;
    for (const key_spec& k : keys(mode)) {
        if (section_of(k.name) != section) {
            section = section_of(k.name);
            if (is_asset_section(section))
                out << "\n[[asset]]  (one table per collateral asset, in the order of "
                       "model.correlation; only with book.kind = multi_asset)\n";
            else
                out << "\n[" << section << "]\n";
        }
        out << "  " << k.name.substr(section.size() + 1) << " (" << type_name(k.type)
            << ", default " << default_text(k) << ", " << domain_text(k) << ")\n      " << k.doc;
        if (!conditions_text(k).empty())
            out << " [only with " << conditions_text(k) << "]";
        out << "\n";
    }
    return out.str();
}

/// The same as a Markdown table (docs/stress.md).
inline std::string reference_markdown(tool_mode mode = tool_mode::stress) {
    std::ostringstream out;
    out << "| key | type | default | domain | meaning |\n|---|---|---|---|---|\n";
    for (const key_spec& k : keys(mode)) {
        out << "| `" << k.name << "` | " << type_name(k.type) << " | `" << value_text(k.fallback)
            << "`" << (k.note.empty() ? "" : " (" + std::string(k.note) + ")") << " | "
            << domain_text(k) << " | " << k.doc;
        if (!conditions_text(k).empty())
            out << " (only with `" << conditions_text(k) << "`)";
        out << " |\n";
    }
    return out.str();
}

/// A configuration: every key's value (the default unless the file set it) and where it was
/// set.
class config {
public:
    /// Every key of `mode` at its default.
    explicit config(tool_mode mode = tool_mode::stress) : mode_(mode) {
        for (const key_spec& k : table())
            values_[std::string(k.name)] = k.fallback;
        // A frontier reuses the stress builders: the stress keys it does not read from the
        // file (those a parameter set replaces) keep their defaults here, out of its table.
        if (is_frontier_mode(mode))
            for (const key_spec& k : stress_keys())
                values_.try_emplace(std::string(k.name), k.fallback);
    }

    /// Reads `path` as a configuration of `mode`: throws input_error "FILE:LINE: ..." on the
    /// first problem.
    static config read(const std::string& path, tool_mode mode = tool_mode::stress) {
        config c(mode);
        c.file_ = path;
        if (!std::filesystem::exists(path))
            throw input_error(path + ": cannot open the file (no such file)");
        toml::table root;
        try {
            root = toml::parse_file(path);
        } catch (const toml::parse_error& e) {
            throw input_error(path + ":" + std::to_string(e.source().begin.line) + ": " +
                              std::string(e.description()));
        }
        for (auto&& [section_key, node] : root) {
            const std::string section(section_key.str());
            const std::size_t line = section_key.source().begin.line;
            const toml::table* table = node.as_table();
            bool known = false;
            for (const key_spec& k : c.table())
                known = known || section_of(k.name) == section;
            if (!known) {
                // A section of the other mode's configuration: say which command reads it.
                const bool backtest = mode == tool_mode::backtest;
                bool other = false;
                for (const key_spec& k : keys(backtest ? tool_mode::stress : tool_mode::backtest))
                    other = other || section_of(k.name) == section;
                std::string hint;
                if (other)
                    hint = "; [" + section + "] is a section of " +
                           (backtest ? "a stress run: spiral-stress CONFIG"
                                     : "a margin backtest: spiral-stress backtest CONFIG");
                else if (section == "frontier")
                    hint = "; [frontier] is a section of spiral-stress frontier CONFIG and "
                           "spiral-stress recommend CONFIG";
                c.fail(line, "unknown section '[" + section + "]' (the sections are " +
                                 c.sections() + "; see " + c.help_command() + ")" + hint);
            }
            if (is_asset_section(section)) {
                c.read_assets(node, line);
                continue;
            }
            if (!table)
                c.fail(line, "'" + section + "' must be a section ([" + section + "])");
            for (auto&& [key, item] : *table)
                c.set(section + "." + std::string(key.str()), item, key.source().begin.line);
        }
        c.check_applies();
        if (mode == tool_mode::stress)
            c.check_assets();
        return c;
    }

    /// The number of [[asset]] tables.
    std::size_t assets() const { return assets_.size(); }
    /// Key `name` ("asset.spot") of asset `a` (its default unless the table set it).
    double asset_real(std::size_t a, std::string_view name) const {
        return std::get<double>(assets_.at(a).values.at(std::string(name)));
    }
    /// Key `name` ("asset.name") of asset `a`.
    const std::string& asset_text(std::size_t a, std::string_view name) const {
        return std::get<std::string>(assets_.at(a).values.at(std::string(name)));
    }
    /// Throws input_error "FILE:LINE: key 'name' of [[asset]] N: what" (the line where asset
    /// a set the key, or where its table starts).
    [[noreturn]] void fail_asset_key(std::size_t a, std::string_view name,
                                     const std::string& what) const {
        const auto& x = assets_.at(a);
        const auto it = x.lines.find(std::string(name));
        fail(it == x.lines.end() ? x.line : it->second,
             "key '" + std::string(name) + "' of " + asset_label(a) + ": " + what);
    }

    const std::string& file() const { return file_; }
    double real(std::string_view name) const { return std::get<double>(get(name)); }
    std::int64_t integer(std::string_view name) const { return std::get<std::int64_t>(get(name)); }
    bool flag(std::string_view name) const { return std::get<bool>(get(name)); }
    const std::string& text(std::string_view name) const {
        return std::get<std::string>(get(name));
    }
    const std::vector<double>& reals(std::string_view name) const {
        return std::get<std::vector<double>>(get(name));
    }
    /// True when the file set `name`.
    bool given(std::string_view name) const { return lines_.count(std::string(name)) != 0; }
    /// The line that set `name` (0: the default).
    std::size_t line(std::string_view name) const {
        const auto it = lines_.find(std::string(name));
        return it == lines_.end() ? 0 : it->second;
    }

    /// Sets `name` from the command line (overrides the file).
    void override_value(std::string_view name, value v) {
        values_[std::string(name)] = std::move(v);
    }

    /// A path the file names, relative to the file's directory (as given when absolute).
    std::string resolve(std::string_view name) const {
        const std::filesystem::path p(text(name));
        if (p.empty() || p.is_absolute() || file_.empty())
            return p.string();
        return (std::filesystem::path(file_).parent_path() / p).lexically_normal().string();
    }

    /// Throws input_error "FILE:LINE: key 'name': what" (the line where the key was set, or
    /// the file alone for a default).
    [[noreturn]] void fail_key(std::string_view name, const std::string& what) const {
        fail(line(name), "key '" + std::string(name) + "': " + what);
    }

    /// The configuration as TOML, every key (for the report).
    std::string echo() const {
        std::ostringstream out;
        std::string_view section;
        for (const key_spec& k : table()) {
            if (is_asset_section(section_of(k.name))) {
                if (section != "asset")
                    for (std::size_t a = 0; a < assets_.size(); ++a) {
                        out << (out.tellp() > 0 ? "\n" : "") << "[[asset]]\n";
                        for (const key_spec& ak : keys())
                            if (is_asset_section(section_of(ak.name)) &&
                                applies_to(ak, assets_[a].values))
                                out << ak.name.substr(6) << " = "
                                    << value_text(assets_[a].values.at(std::string(ak.name)))
                                    << "\n";
                    }
                section = "asset";
                continue;
            }
            if (!applies(k) || !used(k))
                continue;
            if (section_of(k.name) != section) {
                section = section_of(k.name);
                out << (out.tellp() > 0 ? "\n" : "") << "[" << section << "]\n";
            }
            out << k.name.substr(section.size() + 1) << " = " << value_text(get(k.name)) << "\n";
        }
        return out.str();
    }

    /// False for a key that applies to the kinds chosen but must not be set with the others
    /// (a GARCH model fitted on a history has no omega, alpha, beta, mean or first variance of
    /// the file; one that is not has no garch_start): the echo leaves them out so that it can be
    /// run again.
    bool used(const key_spec& k) const {
        if (mode_ == tool_mode::backtest)
            return true;
        // A frontier's alternatives: the one given, not the other's default (both is an error).
        if (k.name == "frontier.threshold_scales")
            return reals("frontier.thresholds").empty();
        if (k.name == "frontier.appetites")
            return reals("frontier.budgets").empty();
        if (k.type == key_type::reals) // [] is not a TOML list it reads back
            return !reals(k.name).empty();
        if (text("model.kind") != "garch")
            return true;
        const bool fitted = !text("model.history").empty();
        if (k.name == "model.garch_start")
            return fitted;
        for (const std::string_view n :
             {"model.omega", "model.alpha", "model.beta", "model.mean", "model.initial_variance"})
            if (k.name == n)
                return !fitted;
        return true;
    }

    /// True when `k` applies to the kinds chosen (book.kind, impact.kind, model.kind).
    bool applies(const key_spec& k) const { return applies_to(k, values_); }

    /// True when the configuration is of a multi-asset book (book.kind = multi_asset).
    bool multi_asset() const { return text("book.kind") == "multi_asset"; }

    /// The mode the configuration is for, and its keys.
    tool_mode mode() const { return mode_; }
    const std::vector<key_spec>& table() const { return keys(mode_); }
    /// True when `name` is a key of this mode.
    bool has_key(std::string_view name) const { return find_key(name, mode_) != nullptr; }
    const std::vector<std::string>& texts(std::string_view name) const {
        return std::get<std::vector<std::string>>(get(name));
    }

private:
    using value_map = std::map<std::string, value>;
    using line_map = std::map<std::string, std::size_t>;

    /// One [[asset]] table: its keys (defaults unless set) and where it set them.
    struct asset_table {
        value_map values;
        line_map lines;
        std::size_t line = 0; ///< where the table starts
    };

    const value& get(std::string_view name) const { return values_.at(std::string(name)); }

    /// True when `k` applies with the kinds of `own` (k's section's kind key: the [[asset]]
    /// table's own for asset keys) and book.kind.
    bool applies_to(const key_spec& k, const value_map& own) const {
        if (!book_allows(k))
            return false;
        if (k.only_for.empty())
            return true;
        const std::string kind = std::get<std::string>(own.at(kind_key(section_of(k.name))));
        for (const auto c : detail::split(k.only_for))
            if (c == kind)
                return true;
        return false;
    }

    /// True when `k` applies with this book.kind (k.books).
    bool book_allows(const key_spec& k) const {
        if (k.books.empty())
            return true;
        for (const auto b : detail::split(k.books))
            if (b == text("book.kind"))
                return true;
        return false;
    }

    std::string asset_label(std::size_t a) const {
        const auto& name = std::get<std::string>(assets_[a].values.at("asset.name"));
        return "[[asset]] " + std::to_string(a + 1) + (name.empty() ? "" : " ('" + name + "')");
    }

    /// Reads the [[asset]] tables (an array of tables) at `line`.
    void read_assets(const toml::node& node, std::size_t line) {
        const toml::array* array = node.as_array();
        if (!array || !array->is_array_of_tables())
            fail(line, "'asset' must be an array of tables: one [[asset]] table per collateral "
                       "asset");
        for (const toml::node& item : *array) {
            asset_table a;
            a.line = item.source().begin.line;
            for (const key_spec& k : table())
                if (is_asset_section(section_of(k.name)))
                    a.values[std::string(k.name)] = k.fallback;
            for (auto&& [key, v] : *item.as_table())
                set_in(a.values, a.lines, "asset." + std::string(key.str()), v,
                       key.source().begin.line, "[[asset]] " + std::to_string(assets_.size() + 1));
            assets_.push_back(std::move(a));
        }
    }

    /// The [[asset]] tables against book.kind and each other: required keys, names (a CSV
    /// column each: letters, digits, _; unique), keys that apply to the asset's curve only.
    void check_assets() const {
        if (!multi_asset()) {
            if (!assets_.empty())
                fail(assets_[0].line, "[[asset]] tables apply only with book.kind = multi_asset "
                                      "(book.kind is '" +
                                          text("book.kind") + "')");
            if (text("model.kind") == "correlated_gbm")
                fail_key("model.kind", "model.kind = \"correlated_gbm\" needs book.kind = "
                                       "\"multi_asset\" and [[asset]] tables");
            return;
        }
        if (assets_.empty())
            fail_key("book.kind", "book.kind = \"multi_asset\" needs one [[asset]] table per "
                                  "collateral asset (name, spot, ...)");
        if (text("model.kind") != "correlated_gbm")
            fail_key("model.kind", "book.kind = \"multi_asset\" needs model.kind = "
                                   "\"correlated_gbm\" (got '" +
                                       text("model.kind") + "')");
        for (std::size_t a = 0; a < assets_.size(); ++a) {
            const asset_table& t = assets_[a];
            for (const char* required : {"asset.name", "asset.spot"})
                if (!t.lines.count(required))
                    fail(t.line, asset_label(a) + ": key '" + required + "' is required");
            const std::string& name = asset_text(a, "asset.name");
            const bool word = !name.empty() && std::all_of(name.begin(), name.end(), [](char ch) {
                return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_';
            });
            if (!word)
                fail_asset_key(a, "asset.name",
                               "must be letters, digits and _ (got \"" + name + "\")");
            for (std::size_t b = 0; b < a; ++b)
                if (asset_text(b, "asset.name") == name)
                    fail_asset_key(a, "asset.name",
                                   "'" + name + "' names [[asset]] " + std::to_string(b + 1) +
                                       " too");
            for (const auto& [key, key_line] : t.lines) {
                const key_spec& k = *find_key(key, mode_);
                if (!applies_to(k, t.values))
                    fail(key_line, "key '" + key + "' of " + asset_label(a) +
                                       " applies only with " + applies_text(k) +
                                       " (asset.impact is '" + asset_text(a, "asset.impact") +
                                       "')");
            }
        }
    }

    /// The command that lists this mode's keys.
    std::string help_command() const {
        switch (mode_) {
        case tool_mode::backtest:
            return "spiral-stress backtest --help-config";
        case tool_mode::frontier:
        case tool_mode::recommend:
            return "spiral-stress frontier --help-config";
        case tool_mode::stress:
            break;
        }
        return "spiral-stress --help-config";
    }

    [[noreturn]] void fail(std::size_t line, const std::string& what) const {
        throw input_error(file_ + (line ? ":" + std::to_string(line) : std::string()) + ": " +
                          what);
    }

    std::string sections() const {
        std::string out;
        std::string_view section;
        for (const key_spec& k : table())
            if (section_of(k.name) != section) {
                section = section_of(k.name);
                out += (out.empty() ? "[" : ", [") + std::string(section) + "]";
            }
        return out;
    }

    std::string keys_of(std::string_view section) const {
        std::string out;
        for (const key_spec& k : table())
            if (section_of(k.name) == section)
                out += (out.empty() ? "" : ", ") + std::string(k.name.substr(section.size() + 1));
        return out;
    }

    static std::string got(const toml::node& node) {
        if (const auto text = node.value_exact<std::string>())
            return "\"" + *text + "\"";
        std::ostringstream s;
        node.visit([&](auto&& v) { s << v; });
        return s.str();
    }

    void set(const std::string& name, const toml::node& node, std::size_t line) {
        set_in(values_, lines_, name, node, line, {});
    }

    /// Checks and stores key `name` (set at `line`) into `values` / `lines`; `table` names an
    /// [[asset]] table in messages (empty: a section's key).
    void set_in(value_map& values, line_map& lines, const std::string& name, const toml::node& node,
                std::size_t line, const std::string& table) {
        const key_spec* k = find_key(name, mode_);
        const std::string section(section_of(name));
        if (!k) {
            const std::string where = table.empty() ? "[" + section + "]" : "[[asset]]";
            // A frontier's parameter sets replace three of the rules: say which key sets them.
            std::string hint;
            if (is_frontier_mode(mode_))
                for (const auto& [rule, axis] :
                     {std::pair<std::string_view, std::string_view>{"rules.bonus",
                                                                    "frontier.bonuses"},
                      {"rules.close_factor", "frontier.close_factors"},
                      {"rules.max_collateral_per_step", "frontier.max_collateral_per_step"}})
                    if (name == rule)
                        hint = "; each parameter set gives it: list its values in " +
                               std::string(axis);
            fail(line, "unknown key '" + name + "'" + (table.empty() ? "" : " in " + table) +
                           " (the keys of " + where + " are: " + keys_of(section) + "; see " +
                           help_command() + ")" + hint);
        }
        lines[name] = line;
        const std::string label = "key '" + name + "'" + (table.empty() ? "" : " of " + table);
        const auto fail_key = [&](const std::string& what) { fail(line, label + ": " + what); };
        const auto bad = [&](const std::string& what) {
            fail_key(what + " (got " + got(node) + ")");
        };
        const auto check_number = [&](double v) {
            if (!k->domain.contains(v))
                bad("must be " + domain_text(*k));
        };
        switch (k->type) {
        case key_type::real: {
            if (!node.is_number())
                bad("must be a number");
            const double v = node.value<double>().value();
            check_number(v);
            values[name] = v;
            break;
        }
        case key_type::integer: {
            if (!node.is_integer())
                bad("must be an integer");
            const std::int64_t v = node.value<std::int64_t>().value();
            check_number(static_cast<double>(v));
            values[name] = v;
            break;
        }
        case key_type::boolean:
            if (!node.is_boolean())
                bad("must be true or false");
            values[name] = node.value<bool>().value();
            break;
        case key_type::text: {
            if (!node.is_string())
                bad("must be a string");
            std::string v = node.value<std::string>().value();
            if (!k->choices.empty()) {
                bool ok = false;
                for (const auto c : detail::split(k->choices))
                    ok = ok || c == v;
                if (!ok)
                    bad("must be " + domain_text(*k));
            }
            values[name] = std::move(v);
            break;
        }
        case key_type::reals: {
            const toml::array* a = node.as_array();
            if (!a || a->empty())
                bad("must be a non-empty list of numbers");
            std::vector<double> v;
            for (const toml::node& e : *a) {
                if (!e.is_number())
                    bad("must be a list of numbers");
                v.push_back(e.value<double>().value());
                if (!k->domain.contains(v.back()))
                    fail_key("must be " + domain_text(*k) + " (got " +
                             detail::number_text(v.back()) + ")");
            }
            values[name] = std::move(v);
            break;
        }
        case key_type::texts: {
            const toml::array* a = node.as_array();
            if (!a || a->empty())
                bad("must be a non-empty list of strings");
            std::vector<std::string> v;
            for (const toml::node& e : *a) {
                if (!e.is_string())
                    bad("must be a list of strings");
                v.push_back(e.value<std::string>().value());
                bool ok = k->choices.empty();
                for (const auto c : detail::split(k->choices))
                    ok = ok || c == v.back();
                if (!ok)
                    fail_key("must be " + domain_text(*k) + " (got \"" + v.back() + "\")");
            }
            values[name] = std::move(v);
            break;
        }
        }
    }

    // A key set for a kind it does not apply to is an error: it would be silently ignored.
    void check_applies() const {
        for (const auto& [name, line] : lines_) {
            const key_spec& k = *find_key(name, mode_);
            if (!book_allows(k))
                fail(line, "key '" + name + "' applies only with " + books_text(k.books) +
                               " (book.kind is '" + text("book.kind") + "')" +
                               (multi_asset() ? "; a multi-asset book sets it per [[asset]] or "
                                                "not at all"
                                              : std::string()));
            if (!applies(k))
                fail(line, "key '" + name + "' applies only with " + applies_text(k) + " (" +
                               kind_key(section_of(k.name)) + " is '" +
                               text(kind_key(section_of(k.name))) + "')");
        }
    }

    tool_mode mode_ = tool_mode::stress;
    std::string file_;
    value_map values_;
    line_map lines_;
    std::vector<asset_table> assets_;
};

} // namespace stress_tool
