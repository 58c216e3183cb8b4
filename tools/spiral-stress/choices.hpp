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

#include <spiral/cascade/path_rules.hpp>
#include <spiral/cascade/prepared_book.hpp>
#include <spiral/cascade/synthetic.hpp>
#include <spiral/impact/constant_product.hpp>
#include <spiral/impact/curve.hpp>
#include <spiral/impact/exponential.hpp>
#include <spiral/impact/linear.hpp>
#include <spiral/impact/power_law.hpp>
#include <spiral/impact/square_root.hpp>
#include <spiral/stress/bootstrap.hpp>
#include <spiral/stress/garch_paths.hpp>
#include <spiral/stress/gbm.hpp>
#include <spiral/stress/history.hpp>
#include <spiral/stress/merton.hpp>
#include <spiral/stress/replay.hpp>
#include <spiral/stress/run_spec.hpp>
#include <spiral/stress/student_t.hpp>

#include <cmath>
#include <cstddef>
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

/// The impact curve the configuration names.
inline any_curve build_curve(const config& c, std::string& description) {
    const std::string& kind = c.text("impact.kind");
    any_curve out;
    if (kind == "linear") {
        out.curve = impact::linear{c.real("impact.lambda")};
        description = "linear, lambda " + fmt(c.real("impact.lambda"));
    } else if (kind == "exponential") {
        out.curve = impact::exponential{c.real("impact.alpha")};
        description = "exponential, alpha " + fmt(c.real("impact.alpha"));
    } else if (kind == "constant_product") {
        out.curve = impact::constant_product{c.real("impact.base_reserve"),
                                             c.real("impact.quote_reserve"), c.real("impact.fee")};
        description = "constant product pool, " + fmt(c.real("impact.base_reserve")) + " / " +
                      fmt(c.real("impact.quote_reserve")) + ", fee " + fmt(c.real("impact.fee"));
    } else if (kind == "square_root") {
        out.curve = impact::square_root{c.real("impact.sigma"), c.real("impact.volume"),
                                        c.real("impact.y")};
        description = "square-root law, sigma " + fmt(c.real("impact.sigma")) + ", volume " +
                      fmt(c.real("impact.volume")) + ", Y " + fmt(c.real("impact.y"));
    } else {
        out.curve = impact::power_law{c.real("impact.eta"), c.real("impact.volume"),
                                      c.real("impact.exponent")};
        description = "power law, eta " + fmt(c.real("impact.eta")) + ", volume " +
                      fmt(c.real("impact.volume")) + ", exponent " + fmt(c.real("impact.exponent"));
    }
    out.validate();
    return out;
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

/// The liquidation rules the configuration names.
inline cascade::path_rules build_rules(const config& c) {
    cascade::path_rules r;
    const std::string& sizing = c.text("rules.sizing");
    r.liquidation.size_by = sizing == "full"            ? cascade::sizing::full
                            : sizing == "target_health" ? cascade::sizing::target_health
                                                        : cascade::sizing::close_factor;
    r.liquidation.close_factor = c.real("rules.close_factor");
    r.liquidation.full_close_below = c.real("rules.full_close_below");
    r.liquidation.target_health = c.real("rules.target_health");
    r.liquidation.bonus = c.real("rules.bonus");
    r.liquidation.bonus_slope = c.real("rules.bonus_slope");
    r.liquidation.max_bonus = c.real("rules.max_bonus");
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

} // namespace stress_tool
