// spiral-stress: the model, the impact curve, the book and the rules a configuration names.
//
// The model and the curve are chosen at run time, so each is held in a std::variant behind a
// small wrapper that meets the library's concept (stress::path_model, impact_curve): the engine
// is then compiled once, not once per model x curve pair (30 instantiations of the cascade
// engine). The cost is a switch per generate() (once per path) and per curve evaluation (a few
// per step), next to a cascade step's work.
#pragma once

#include "config.hpp"
#include "csv_table.hpp"

#include <spiral/cascade/multi_asset.hpp>
#include <spiral/cascade/path_multi.hpp>
#include <spiral/cascade/path_rules.hpp>
#include <spiral/cascade/prepared_book.hpp>
#include <spiral/cascade/synthetic.hpp>
#include <spiral/impact/constant_product.hpp>
#include <spiral/impact/curve.hpp>
#include <spiral/impact/exponential.hpp>
#include <spiral/impact/linear.hpp>
#include <spiral/impact/power_law.hpp>
#include <spiral/impact/square_root.hpp>
#include <spiral/risk/scenarios.hpp>
#include <spiral/stress/bootstrap.hpp>
#include <spiral/stress/correlated_gbm.hpp>
#include <spiral/stress/garch_paths.hpp>
#include <spiral/stress/gbm.hpp>
#include <spiral/stress/history.hpp>
#include <spiral/stress/merton.hpp>
#include <spiral/stress/replay.hpp>
#include <spiral/stress/run_spec.hpp>
#include <spiral/stress/student_t.hpp>

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

namespace stress_tool {

namespace stress = spiral::stress;
namespace cascade = spiral::cascade;
namespace impact = spiral::impact;

/// One of the single-asset scenario generators, chosen at run time.
struct any_model {
    std::variant<stress::gbm, stress::merton, stress::student_t, stress::garch_paths,
                 stress::bootstrap, stress::replay>
        model;

    void generate(spiral::splitmix64& g, const stress::path_spec& spec,
                  double* prices) const noexcept {
        std::visit([&](const auto& m) { m.generate(g, spec, prices); }, model);
    }
    void validate() const {
        std::visit([](const auto& m) { m.validate(); }, model);
    }
};

/// One of the impact curves, chosen at run time.
struct any_curve {
    std::variant<impact::linear, impact::exponential, impact::constant_product, impact::square_root,
                 impact::power_law>
        curve;

    double price_factor(double q) const noexcept {
        return std::visit([&](const auto& c) { return double(c.price_factor(q)); }, curve);
    }
    double proceeds(double q) const noexcept {
        return std::visit([&](const auto& c) { return double(c.proceeds(q)); }, curve);
    }
    double marginal_price(double q) const noexcept {
        return std::visit([&](const auto& c) { return double(spiral::marginal_price(c, q)); },
                          curve);
    }
    void validate() const {
        std::visit([](const auto& c) { c.validate(); }, curve);
    }
};

/// The price history model.history names (empty when none), read strictly.
inline std::vector<double> read_history(const config& c) {
    if (c.text("model.history").empty())
        return {};
    return example::read_prices(c.resolve("model.history"), c.text("model.history_column"));
}

/// What a model was built from, in words (for the report: fitted parameters included).
struct model_choice {
    any_model model;
    std::vector<double> history; ///< prices (kept: bootstrap and replay view them)
    std::vector<double> returns; ///< log-returns (bootstrap views them)
    std::string description;
};

inline std::string fmt(double v, int precision = 6) {
    std::ostringstream s;
    s.precision(precision);
    s << v;
    return s.str();
}

/// The model the configuration names. `out.history` / `out.returns` must stay alive (and
/// unmoved) as long as the model: bootstrap and replay view them.
inline void build_model(const config& c, model_choice& out) {
    const std::string& kind = c.text("model.kind");
    out.history = read_history(c);
    const bool has_history = !out.history.empty();
    const auto need_history = [&] {
        if (!has_history)
            c.fail_key("model.kind",
                       "model.kind = \"" + kind + "\" needs model.history (a CSV of past prices)");
    };
    const std::string history_name =
        has_history ? c.text("model.history") + " (" + std::to_string(out.history.size()) +
                          " prices, column " + c.text("model.history_column") + ")"
                    : std::string();
    if (kind == "gbm") {
        out.model.model = stress::gbm{.drift = c.real("model.drift"), .vol = c.real("model.vol")};
        out.description = "geometric Brownian motion, drift " + fmt(c.real("model.drift")) +
                          ", vol " + fmt(c.real("model.vol")) + " (annualised)";
    } else if (kind == "merton") {
        out.model.model = stress::merton{.drift = c.real("model.drift"),
                                         .vol = c.real("model.vol"),
                                         .jump_intensity = c.real("model.jump_intensity"),
                                         .jump_mean = c.real("model.jump_mean"),
                                         .jump_vol = c.real("model.jump_vol")};
        out.description = "Merton jump diffusion, drift " + fmt(c.real("model.drift")) + ", vol " +
                          fmt(c.real("model.vol")) + ", " + fmt(c.real("model.jump_intensity")) +
                          " jumps a year of log size N(" + fmt(c.real("model.jump_mean")) + ", " +
                          fmt(c.real("model.jump_vol")) + "^2)";
    } else if (kind == "student_t") {
        out.model.model =
            stress::student_t{.drift = c.real("model.drift"),
                              .vol = c.real("model.vol"),
                              .degrees_of_freedom = c.real("model.degrees_of_freedom")};
        out.description = "Student-t returns, drift " + fmt(c.real("model.drift")) + ", vol " +
                          fmt(c.real("model.vol")) + ", " +
                          fmt(c.real("model.degrees_of_freedom")) + " degrees of freedom";
    } else if (kind == "garch") {
        const auto innovations = c.text("model.innovations") == "student_t"
                                     ? stress::innovation::student_t
                                     : stress::innovation::normal;
        stress::garch_paths g;
        if (has_history) {
            for (const char* k : {"model.omega", "model.alpha", "model.beta", "model.mean",
                                  "model.initial_variance"})
                if (c.given(k))
                    c.fail_key(k, "cannot be set with model.history: the GARCH model is fitted "
                                  "on the history");
            stress::garch_paths_fit_options options;
            options.innovations = innovations;
            options.degrees_of_freedom = c.real("model.degrees_of_freedom");
            options.start = c.text("model.garch_start") == "long_run"
                                ? stress::garch_start::long_run
                                : stress::garch_start::last_filtered;
            g = stress::fit_garch_paths(out.history, options);
            out.description = "GARCH(1,1) fitted on " + history_name + ": omega " +
                              fmt(g.params.omega) + ", alpha " + fmt(g.params.alpha) + ", beta " +
                              fmt(g.params.beta) + ", first variance " + fmt(g.first_variance()) +
                              " (" + c.text("model.garch_start") + ")";
        } else {
            if (c.given("model.garch_start"))
                c.fail_key("model.garch_start", "applies only to a model fitted on model.history");
            g.params.omega = c.real("model.omega");
            g.params.alpha = c.real("model.alpha");
            g.params.beta = c.real("model.beta");
            g.mean = c.real("model.mean");
            if (c.real("model.initial_variance") > 0)
                g.initial_variance = c.real("model.initial_variance");
            g.innovations = innovations;
            g.degrees_of_freedom = c.real("model.degrees_of_freedom");
            if (!(g.params.alpha + g.params.beta < 1))
                c.fail_key(c.given("model.beta") ? "model.beta" : "model.alpha",
                           "alpha + beta must be < 1 (got " + fmt(g.params.alpha + g.params.beta) +
                               ")");
            out.description = "GARCH(1,1): omega " + fmt(g.params.omega) + ", alpha " +
                              fmt(g.params.alpha) + ", beta " + fmt(g.params.beta) +
                              ", first variance " + fmt(g.first_variance());
        }
        g.innovations = innovations;
        g.degrees_of_freedom = c.real("model.degrees_of_freedom");
        out.description +=
            std::string(", ") +
            (innovations == stress::innovation::student_t
                 ? "Student-t innovations (" + fmt(c.real("model.degrees_of_freedom")) + " d.o.f.)"
                 : "normal innovations") +
            "; one step = one interval of the history";
        out.model.model = g;
    } else if (kind == "bootstrap") {
        need_history();
        out.returns = stress::history_log_returns(out.history, "spiral-stress: model.history");
        const auto block = static_cast<std::size_t>(c.integer("model.block_length"));
        if (block > out.returns.size())
            c.fail_key("model.block_length", "must be at most the history's " +
                                                 std::to_string(out.returns.size()) +
                                                 " returns (got " + std::to_string(block) + ")");
        out.model.model = stress::make_bootstrap(out.returns, block);
        out.description = "moving block bootstrap of the log-returns of " + history_name +
                          ", blocks of " + std::to_string(block) +
                          "; one step = one interval of the history";
    } else { // replay
        need_history();
        stress::replay r;
        r.prices = out.history;
        r.random_start = c.flag("model.random_start");
        r.start = static_cast<std::size_t>(c.integer("model.start"));
        const auto steps = static_cast<std::size_t>(c.integer("run.steps"));
        if (out.history.size() < steps + 1)
            c.fail_key("run.steps", "a replay window of " + std::to_string(steps) +
                                        " steps needs " + std::to_string(steps + 1) +
                                        " prices; model.history has " +
                                        std::to_string(out.history.size()));
        if (!r.random_start && r.start + steps >= out.history.size())
            c.fail_key("model.start", "the window start + run.steps must lie in the history (" +
                                          std::to_string(out.history.size()) + " prices; got " +
                                          std::to_string(r.start) + ")");
        out.model.model = r;
        out.description = "replay of windows of " + history_name +
                          (r.random_start ? ", each scenario from a random start"
                                          : ", from index " + std::to_string(r.start)) +
                          "; one step = one interval of the history";
    }
    out.model.validate();
}

/// The impact curve of `kind` with parameters get("lambda"), get("alpha"), ... (the keys of
/// [impact], or of an [[asset]] table).
template <class Get>
any_curve make_curve(const std::string& kind, Get&& get, std::string& description) {
    any_curve out;
    if (kind == "linear") {
        out.curve = impact::linear{get("lambda")};
        description = "linear, lambda " + fmt(get("lambda"));
    } else if (kind == "exponential") {
        out.curve = impact::exponential{get("alpha")};
        description = "exponential, alpha " + fmt(get("alpha"));
    } else if (kind == "constant_product") {
        out.curve = impact::constant_product{get("base_reserve"), get("quote_reserve"), get("fee")};
        description = "constant product pool, " + fmt(get("base_reserve")) + " / " +
                      fmt(get("quote_reserve")) + ", fee " + fmt(get("fee"));
    } else if (kind == "square_root") {
        out.curve = impact::square_root{get("sigma"), get("volume"), get("y")};
        description = "square-root law, sigma " + fmt(get("sigma")) + ", volume " +
                      fmt(get("volume")) + ", Y " + fmt(get("y"));
    } else {
        out.curve = impact::power_law{get("eta"), get("volume"), get("exponent")};
        description = "power law, eta " + fmt(get("eta")) + ", volume " + fmt(get("volume")) +
                      ", exponent " + fmt(get("exponent"));
    }
    out.validate();
    return out;
}

/// The impact curve the configuration names.
inline any_curve build_curve(const config& c, std::string& description) {
    return make_curve(
        c.text("impact.kind"),
        [&](const char* key) { return c.real(std::string("impact.") + key); }, description);
}

/// The book the configuration names.
inline cascade::book build_book(const config& c, std::string& description) {
    if (c.text("book.kind") == "csv") {
        if (c.text("book.file").empty())
            c.fail_key("book.kind", "book.kind = \"csv\" needs book.file");
        const std::string path = c.resolve("book.file");
        cascade::book b = example::read_book(path, true);
        description = c.text("book.file");
        return b;
    }
    cascade::synthetic_book_params p;
    p.positions = static_cast<std::size_t>(c.integer("book.positions"));
    p.price = c.real("book.price") > 0 ? c.real("book.price") : c.real("run.spot");
    p.median_collateral = c.real("book.median_collateral");
    p.collateral_dispersion = c.real("book.collateral_dispersion");
    p.median_excess_health = c.real("book.median_excess_health");
    p.health_dispersion = c.real("book.health_dispersion");
    p.threshold = c.real("book.threshold");
    p.threshold_spread = c.real("book.threshold_spread");
    p.seed = static_cast<std::uint64_t>(c.integer("book.seed"));
    description = "synthetic (cascade::synthetic_book), " + std::to_string(p.positions) +
                  " positions, health factors at price " + fmt(p.price) + ", seed " +
                  std::to_string(p.seed);
    return cascade::synthetic_book(p);
}

/// The sizing keys every rule set shares: rules.sizing, close_factor, full_close_below,
/// target_health, bonus_slope and max_bonus.
inline void read_sizing(const config& c, cascade::rules& r) {
    const std::string& sizing = c.text("rules.sizing");
    r.size_by = sizing == "full"            ? cascade::sizing::full
                : sizing == "target_health" ? cascade::sizing::target_health
                                            : cascade::sizing::close_factor;
    r.close_factor = c.real("rules.close_factor");
    r.full_close_below = c.real("rules.full_close_below");
    r.target_health = c.real("rules.target_health");
    r.bonus_slope = c.real("rules.bonus_slope");
    r.max_bonus = c.real("rules.max_bonus");
}

/// The liquidation rules the configuration names.
inline cascade::path_rules build_rules(const config& c) {
    cascade::path_rules r;
    read_sizing(c, r.liquidation);
    r.liquidation.bonus = c.real("rules.bonus");
    if (!(r.liquidation.max_bonus >= r.liquidation.bonus))
        c.fail_key(c.given("rules.max_bonus") ? "rules.max_bonus" : "rules.bonus",
                   "max_bonus must be >= bonus (got max_bonus " + fmt(r.liquidation.max_bonus) +
                       ", bonus " + fmt(r.liquidation.bonus) + ")");
    if (c.integer("rules.max_liquidations_per_step") > 0)
        r.liquidation.max_liquidations_per_round =
            static_cast<std::size_t>(c.integer("rules.max_liquidations_per_step"));
    r.liquidation.max_collateral_per_round = c.real("rules.max_collateral_per_step");
    r.terms.protocol_fee = c.real("rules.protocol_fee");
    r.terms.full_close_value = c.real("rules.full_close_value");
    r.terms.min_leftover_value = c.real("rules.min_leftover_value");
    r.oracle.delay_steps = static_cast<std::size_t>(c.integer("rules.oracle_delay_steps"));
    r.validate();
    return r;
}

/// The run_spec the configuration names.
inline stress::run_spec build_spec(const config& c) {
    stress::run_spec s;
    s.scenarios = static_cast<std::size_t>(c.integer("run.scenarios"));
    s.seed = static_cast<std::uint64_t>(c.integer("run.seed"));
    s.path.spot = c.real("run.spot");
    s.path.steps = static_cast<std::size_t>(c.integer("run.steps"));
    s.path.step_days = c.real("run.step_days");
    s.path.days_per_year = c.real("run.days_per_year");
    s.path.vol_multiplier = c.real("stress.vol_multiplier");
    s.path.jump_multiplier = c.real("stress.jump_multiplier");
    s.liquidity.reference_vol = c.real("stress.reference_vol");
    s.liquidity.elasticity = c.real("stress.elasticity");
    s.liquidity.floor = c.real("stress.floor");
    s.validate("spiral-stress");
    return s;
}

// ---------------------------------------------------------------------------------------------
// Multi-asset books (book.kind = multi_asset): one [[asset]] table per collateral asset.
// ---------------------------------------------------------------------------------------------

/// What the run of a multi-asset book needs from its [[asset]] tables, in table order.
struct asset_choices {
    std::vector<std::string> names;               ///< asset.name
    std::vector<double> spots;                    ///< asset.spot
    std::vector<cascade::collateral_terms> terms; ///< asset.threshold, asset.bonus
    std::vector<any_curve> curves;                ///< asset.impact and its parameters
    std::string description;                      ///< for the report
};

/// The assets of the [[asset]] tables: terms and curves (a curve the library rejects names the
/// asset's table).
inline asset_choices build_assets(const config& c) {
    asset_choices out;
    for (std::size_t a = 0; a < c.assets(); ++a) {
        out.names.push_back(c.asset_text(a, "asset.name"));
        out.spots.push_back(c.asset_real(a, "asset.spot"));
        out.terms.push_back({c.asset_real(a, "asset.threshold"), c.asset_real(a, "asset.bonus")});
        std::string curve;
        try {
            out.curves.push_back(make_curve(
                c.asset_text(a, "asset.impact"),
                [&](const char* key) { return c.asset_real(a, std::string("asset.") + key); },
                curve));
        } catch (const spiral::invalid_argument& e) {
            c.fail_asset_key(a, "asset.impact", e.what());
        }
        out.description += (a ? "; " : "") + out.names.back() + ": spot " + fmt(out.spots.back()) +
                           ", threshold " + fmt(out.terms.back().threshold) + ", bonus " +
                           fmt(out.terms.back().bonus) + ", impact " + curve;
    }
    return out;
}

/// The multi-asset book of book.file: the column debt and collateral_<name> for each asset
/// (any order; other columns are read past, but a collateral or threshold column, or a
/// collateral_ column naming no asset, is an error: thresholds are per asset). Every amount
/// must be finite and >= 0, every position must hold some collateral; errors name FILE:LINE.
inline cascade::multi_book read_multi_book(const config& c, const asset_choices& assets,
                                           std::string& description) {
    if (c.text("book.file").empty())
        c.fail_key("book.kind", "book.kind = \"multi_asset\" needs book.file");
    const std::string path = c.resolve("book.file");
    std::vector<std::string> columns{"debt"};
    for (const std::string& n : assets.names)
        columns.push_back("collateral_" + n);
    // The header first: columns this format does not read but a reader could expect it to.
    {
        std::ifstream in(path);
        if (!in)
            throw input_error(path + ": cannot open the file");
        std::string text;
        std::size_t line = 0;
        while (std::getline(in, text)) {
            ++line;
            if (example::detail::trim(text).empty())
                continue;
            for (const std::string_view f : example::detail::split_fields(text)) {
                const bool named = std::find(columns.begin(), columns.end(), f) != columns.end();
                if (f == "collateral" || f == "threshold")
                    throw input_error(path + ":" + std::to_string(line) + ": column '" +
                                      std::string(f) +
                                      "' is for a single-asset book; a multi_asset book has "
                                      "collateral_<name> per [[asset]] and takes thresholds "
                                      "from asset.threshold");
                if (!named && f.substr(0, 11) == "collateral_")
                    throw input_error(path + ":" + std::to_string(line) + ": column '" +
                                      std::string(f) + "' names no [[asset]] (the assets are " +
                                      example::detail::joined(assets.names) + ")");
            }
            break;
        }
    }
    const std::vector<std::string_view> wanted(columns.begin(), columns.end());
    const example::csv_table table = example::read_csv(path, wanted, {}, true);
    if (table.rows() == 0)
        throw input_error(path + ": no positions (a header line but no rows)");
    cascade::multi_book b;
    const std::size_t k = assets.names.size();
    b.assets = k;
    b.debt = table.column("debt");
    b.collateral.resize(table.rows() * k);
    for (std::size_t a = 0; a < k; ++a) {
        const std::vector<double>& col = table.column(columns[a + 1]);
        for (std::size_t i = 0; i < table.rows(); ++i)
            b.collateral[i * k + a] = col[i];
    }
    for (std::size_t i = 0; i < table.rows(); ++i) {
        const auto fail = [&](const std::string& what) {
            throw input_error(path + ":" + std::to_string(table.lines[i]) + ": " + what);
        };
        if (!(b.debt[i] >= 0))
            fail("column 'debt': " + fmt(b.debt[i]) + " must be >= 0");
        double held = 0;
        for (std::size_t a = 0; a < k; ++a) {
            const double v = b.collateral[i * k + a];
            if (!(v >= 0))
                fail("column '" + columns[a + 1] + "': " + fmt(v) + " must be >= 0");
            held += v;
        }
        if (!(held > 0))
            fail("the position holds no collateral (every collateral_ column is 0)");
    }
    description = c.text("book.file") + " (" + std::to_string(k) +
                  " assets: " + example::detail::joined(assets.names) + ")";
    return b;
}

/// The correlated GBM of the [[asset]] tables (spots, vols, drifts) and model.correlation
/// (empty: independent), model.copula and model.degrees_of_freedom.
inline stress::correlated_gbm build_multi_model(const config& c, const asset_choices& assets,
                                                std::string& description) {
    const std::size_t k = assets.names.size();
    std::vector<double> vols, drifts;
    for (std::size_t a = 0; a < k; ++a) {
        vols.push_back(c.asset_real(a, "asset.vol"));
        drifts.push_back(c.asset_real(a, "asset.drift"));
    }
    const std::vector<double>& given = c.reals("model.correlation");
    Eigen::MatrixXd rho = Eigen::MatrixXd::Identity(Eigen::Index(k), Eigen::Index(k));
    if (!given.empty()) {
        if (given.size() != k * k)
            c.fail_key("model.correlation", "must hold " + std::to_string(k) + " x " +
                                                std::to_string(k) + " = " + std::to_string(k * k) +
                                                " numbers, one row per [[asset]] (got " +
                                                std::to_string(given.size()) + ")");
        for (std::size_t i = 0; i < k; ++i)
            for (std::size_t j = 0; j < k; ++j)
                rho(Eigen::Index(i), Eigen::Index(j)) = given[i * k + j];
    }
    const bool t = c.text("model.copula") == "student_t";
    const double nu = c.real("model.degrees_of_freedom");
    stress::correlated_gbm model;
    try {
        model = stress::make_correlated_gbm(
            assets.spots, vols, rho,
            t ? spiral::risk::copula::student_t : spiral::risk::copula::gaussian, nu, drifts);
    } catch (const spiral::invalid_argument& e) {
        c.fail_key(given.empty() ? "model.kind" : "model.correlation", e.what());
    }
    std::string vol_text;
    for (std::size_t a = 0; a < k; ++a)
        vol_text += (a ? ", " : "") + assets.names[a] + " " + fmt(vols[a]);
    description = "correlated GBM (" +
                  (t ? "Student-t copula, " + fmt(nu) + " degrees of freedom"
                     : std::string("Gaussian copula")) +
                  "), vols " + vol_text + " (annualised), correlation " +
                  (given.empty() ? std::string("identity") : "model.correlation");
    return model;
}

/// The liquidation rules of a multi-asset book: [rules] less the keys of one asset (bonus:
/// per asset; fees, value thresholds, oracle delay and collateral caps: not in the
/// multi-asset engine), plus rules.collateral_choice.
inline cascade::multi_path_rules build_multi_rules(const config& c) {
    cascade::multi_path_rules r;
    read_sizing(c, r.liquidation);
    r.liquidation.bonus = 0; // each seizure takes the seized asset's asset.bonus
    if (c.integer("rules.max_liquidations_per_step") > 0)
        r.liquidation.max_liquidations_per_round =
            static_cast<std::size_t>(c.integer("rules.max_liquidations_per_step"));
    r.choose = c.text("rules.collateral_choice") == "in_order"
                   ? cascade::collateral_choice::in_order
                   : cascade::collateral_choice::highest_bonus;
    r.validate();
    return r;
}

} // namespace stress_tool
