// spiral-stress — Monte Carlo stress test of a lending book from a TOML configuration.
//
//   spiral-stress [options] CONFIG
//   spiral-stress backtest [options] CONFIG
//   spiral-stress frontier [options] CONFIG
//   spiral-stress recommend [options] CONFIG
//
// Reads CONFIG (every key: spiral-stress --help-config), runs the scenarios on every core
// (stress::run_parallel, oneTBB; a multi-asset book: stress::run_multi_parallel), and writes
// report.md, metrics.csv, scenarios.csv and PNG plots into the output directory. Exit codes: 0
// done, 1 an unexpected failure, 2 bad input (the configuration, a CSV file, parameters the library
// rejects), 130 interrupted (Ctrl-C: the report covers the scenarios completed).
//
// spiral-stress backtest reads a configuration of its own keys (spiral-stress backtest
// --help-config): margin models backtested on a price history (backtest.hpp).
//
// spiral-stress frontier and spiral-stress recommend read the stress keys of a single-asset
// book and a [frontier] grid of parameter sets (spiral-stress frontier --help-config): every
// set on the same scenarios (capital::evaluate_frontier_parallel), the efficient set and, for
// recommend, the most efficient set within each VaR budget and the SmartLTV baseline
// (frontier.hpp).
#include "backtest.hpp"
#include "choices.hpp"
#include "config.hpp"
#include "frontier.hpp"
#include "report.hpp"
#include "steps.hpp"
#include "support/command_line.hpp"

#include <spiral/capital/frontier_parallel.hpp>
#include <spiral/stress/engine_multi.hpp>
#include <spiral/stress/metrics.hpp>
#include <spiral/stress/parallel.hpp>
#include <spiral/version.hpp>

#include <CLI/CLI.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace {

using namespace stress_tool;

constexpr int exit_interrupted = 130;

// Set by SIGINT; the engine reads it between scenarios. A lock-free atomic store is
// async-signal-safe.
std::atomic<bool> stop_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free);

// A second Ctrl-C ends the program at once (the default action); signal() and raise() are
// async-signal-safe.
extern "C" void on_interrupt(int) {
    if (stop_requested.exchange(true, std::memory_order_relaxed)) {
        std::signal(SIGINT, SIG_DFL);
        std::raise(SIGINT);
    }
}

std::string utc_now() {
    const std::time_t t = std::time(nullptr);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", std::gmtime(&t));
    return text;
}

/// Progress on stderr for runs that take a while: nothing in the first second, then a line
/// every 10% or every second, whichever comes first, and one at the end.
class progress_printer {
public:
    explicit progress_printer(bool quiet) : quiet_(quiet), start_(clock::now()), last_(start_) {}

    void operator()(std::size_t done, std::size_t total) {
        if (quiet_)
            return;
        const std::lock_guard lock(mutex_);
        const auto now = clock::now();
        const double percent = 100.0 * static_cast<double>(done) / static_cast<double>(total);
        const bool started = now - start_ >= std::chrono::seconds(1);
        const bool due = now - last_ >= std::chrono::seconds(1) || percent >= last_percent_ + 10;
        if (!(started && (due || (done == total && printed_))))
            return;
        last_ = now;
        last_percent_ = percent;
        printed_ = true;
        const double seconds = std::chrono::duration<double>(now - start_).count();
        std::fprintf(stderr, "spiral-stress: %zu / %zu scenarios (%.0f%%), %.1f s\n", done, total,
                     percent, seconds);
    }

private:
    using clock = std::chrono::steady_clock;
    bool quiet_;
    clock::time_point start_, last_;
    double last_percent_ = 0;
    bool printed_ = false;
    std::mutex mutex_;
};

/// Runs `build`; a spiral::invalid_argument it throws becomes an input_error naming the
/// configuration file and `section`, or the key and its line when the library's field is one
/// ("spiral: cascade::rules: close_factor = 2 (...)" -> key 'rules.close_factor').
template <class Build>
auto in_section(const config& cfg, const std::string& section, Build&& build) {
    try {
        return build();
    } catch (const spiral::invalid_argument& e) {
        const std::string message = e.what();
        if (const std::string field = message_field(message); !field.empty()) {
            for (const std::string& s : {section, std::string("stress"), std::string("run")}) {
                const std::string key = s + "." + field;
                if (cfg.has_key(key) && cfg.given(key))
                    cfg.fail_key(key, message);
            }
        }
        throw input_error(cfg.file() + ": [" + section + "]: " + message);
    }
}

struct options {
    std::string config_file;
    std::optional<std::int64_t> scenarios, seed, threads;
    std::optional<std::string> output;
    bool quiet = false;
};

/// What a run of either kind shares: the control (Ctrl-C, progress, threads) and the timing.
struct run_frame {
    progress_printer progress;
    stress::run_control control;

    run_frame(const config& cfg, run_record& rec, const stress::run_spec& spec,
              std::size_t positions, bool quiet)
        : progress(quiet) {
        control.stop = &stop_requested;
        control.threads = static_cast<unsigned>(cfg.integer("run.threads"));
        control.progress = [this](std::size_t done, std::size_t total) { progress(done, total); };
        rec.threads = control.threads > 0 ? control.threads
                                          : std::max(1u, std::thread::hardware_concurrency());
        rec.requested = spec.scenarios;
        if (!quiet)
            std::fprintf(
                stderr,
                "spiral-stress: %zu scenarios of %zu steps, %zu positions%s, %u "
                "threads\n",
                spec.scenarios, spec.path.steps, positions,
                cfg.multi_asset() ? (", " + std::to_string(cfg.assets()) + " assets").c_str() : "",
                rec.threads);
    }

    /// Runs `engine` (returns the scenarios completed) with Ctrl-C caught, timing it.
    template <class Engine>
    void run(run_record& rec, Engine&& engine) {
        std::signal(SIGINT, on_interrupt);
        const auto t0 = std::chrono::steady_clock::now();
        rec.completed = engine(control);
        rec.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        rec.interrupted = stop_requested.load() || rec.completed < rec.requested;
    }
};

/// After the run: the summary (`summarise(results, completed)`), the levels, the step-by-step
/// re-run (`rerun(count)`), the files. Returns the exit code.
template <class Summarise, class Rerun>
int finish(const config& cfg, run_record& rec, const stress::scenario_results& results,
           const std::filesystem::path& dir, bool quiet, Summarise&& summarise, Rerun&& rerun) {
    if (rec.completed == 0) {
        std::fprintf(stderr,
                     "spiral-stress: interrupted before any scenario completed; no report\n");
        return exit_interrupted;
    }
    if (rec.interrupted)
        std::fprintf(stderr,
                     "spiral-stress: interrupted after %zu of %zu scenarios; writing the "
                     "report for those\n",
                     rec.completed, rec.requested);

    rec.summary = summarise(results, rec.completed);
    const auto column = [&](const std::vector<double>& v) {
        return std::span<const double>(v.data(), rec.completed);
    };
    for (const double level : cfg.reals("run.confidence"))
        rec.levels.push_back(
            {level, stress::empirical_quantile(column(results.insolvent_value), level),
             stress::expected_shortfall(column(results.insolvent_value), level),
             stress::empirical_quantile(column(results.liquidation_volume), level)});
    rec.mean_debt_outstanding = stress::sample_mean(column(results.debt_outstanding));
    rec.mean_depth = stress::sample_mean(column(results.depth));
    rec.mean_final_price = stress::sample_mean(column(results.final_price));
    rec.results = &results;

    // The step-by-step view of the first scenarios (not after Ctrl-C: the user wants out).
    const bool plots = cfg.flag("output.plots");
    if (plots && !rec.interrupted) {
        const auto count = std::min<std::size_t>(
            static_cast<std::size_t>(cfg.integer("output.path_scenarios")), rec.completed);
        rec.steps = rerun(count);
        std::printf("step-by-step re-run: %zu of %zu scenarios match the engine\n",
                    rec.steps.compared - rec.steps.mismatched, rec.steps.compared);
        if (rec.steps.mismatched > 0)
            std::fprintf(stderr,
                         "spiral-stress: warning: the step-by-step re-run differs from the "
                         "engine in %zu of %zu scenarios (first: %zu)\n",
                         rec.steps.mismatched, rec.steps.compared, rec.steps.first_mismatch);
    }

    write_metrics_csv(dir, rec);
    if (cfg.flag("output.scenarios_csv"))
        write_scenarios_csv(dir, rec);
    if (plots) {
        if (example::has_gnuplot())
            write_plots(dir, rec, static_cast<std::size_t>(cfg.integer("output.fan_paths")), quiet);
        else
            std::fprintf(stderr,
                         "spiral-stress: gnuplot not found (Debian: gnuplot-nox): no plots\n");
    }
    write_report(dir, rec);

    const auto& s = rec.summary;
    std::printf("%zu scenarios: VaR95 %.6g, ES95 %.6g, VaR99 %.6g, ES99 %.6g, "
                "P(bad debt) %.4g, LaR99 %.6g\nwrote %s\n",
                rec.completed, s.var95.value, s.es95.value, s.var99.value, s.es99.value,
                s.probability_of_bad_debt.value, s.lar99.value,
                (dir / "report.md").string().c_str());
    // Ctrl-C after the run (during the step-by-step re-run or the plots): the figures are
    // whole, the plots over time may cover fewer scenarios; still the user asked to stop.
    return rec.interrupted || stop_requested.load() ? exit_interrupted : 0;
}

/// A book of several collateral assets (book.kind = multi_asset): stress::run_multi_parallel
/// on the [[asset]] tables' correlated GBM paths.
int run_multi_asset(const config& cfg, run_record& rec, bool quiet) {
    const asset_choices assets = in_section(cfg, "asset", [&] { return build_assets(cfg); });
    const cascade::multi_book book =
        in_section(cfg, "book", [&] { return read_multi_book(cfg, assets, rec.book); });
    rec.positions = book.size();
    rec.assets = assets.description;
    rec.asset_names = assets.names;
    const cascade::multi_path_rules rules =
        in_section(cfg, "rules", [&] { return build_multi_rules(cfg); });
    rec.curve = "per asset (see the assets above)";
    const stress::correlated_gbm model =
        in_section(cfg, "model", [&] { return build_multi_model(cfg, assets, rec.model); });
    const stress::run_spec spec = in_section(cfg, "run", [&] { return build_spec(cfg); });
    const std::filesystem::path dir = example::output_directory(cfg.text("output.directory"));

    const std::span<const cascade::collateral_terms> terms(assets.terms);
    const std::span<const any_curve> curves(assets.curves);
    stress::scenario_results results(spec.scenarios);
    run_frame frame(cfg, rec, spec, book.size(), quiet);
    frame.run(rec, [&](const stress::run_control& control) {
        return stress::run_multi_parallel(book, terms, model, curves, rules, spec,
                                          results.columns(), control);
    });
    return finish(
        cfg, rec, results, dir, quiet,
        [&](const stress::scenario_results& r, std::size_t completed) {
            return stress::summarise(r, completed, book, assets.spots, terms);
        },
        [&](std::size_t count) {
            return rerun_steps_multi(book, terms, model, curves, rules, spec, count,
                                     frame.control.threads, results, rec.completed, stop_requested);
        });
}

/// The [frontier] key a parameter set's field comes from ("sets.bonus" -> frontier.bonuses).
std::string frontier_key(const config& cfg, const std::string& field) {
    if (field == "sets.threshold_scale")
        return cfg.reals("frontier.thresholds").empty() ? "frontier.threshold_scales"
                                                        : "frontier.thresholds";
    if (field == "sets.threshold")
        return "frontier.thresholds";
    if (field == "sets.bonus")
        return "frontier.bonuses";
    if (field == "sets.close_factor")
        return "frontier.close_factors";
    if (field == "sets.max_collateral_per_step")
        return "frontier.max_collateral_per_step";
    if (field == "sets.debt_ceiling")
        return "frontier.debt_ceilings";
    if (field == "response.share")
        return "frontier.response_share";
    return {};
}

std::string response_text(const config& cfg) {
    const std::string& r = cfg.text("frontier.book_response");
    if (r == "fixed")
        return "fixed (the book stays as it is)";
    if (r == "share")
        return "share " + fmt(cfg.real("frontier.response_share")) +
               " (that share of the debt follows the threshold)";
    return "relever (every borrower keeps their health factor: debt follows the threshold)";
}

/// spiral-stress frontier / recommend CONFIG: every parameter set of the [frontier] grid on the
/// same scenarios, the efficient set, the recommendations and (recommend) SmartLTV.
int run_frontier_mode(const options& opt, tool_mode mode) {
    config cfg = config::read(opt.config_file, mode);
    if (opt.scenarios)
        cfg.override_value("run.scenarios", *opt.scenarios);
    if (opt.seed)
        cfg.override_value("run.seed", *opt.seed);
    if (opt.threads)
        cfg.override_value("run.threads", *opt.threads);
    if (opt.output)
        cfg.override_value("output.directory", *opt.output);
    const bool quiet = opt.quiet;
    const char* name = mode == tool_mode::recommend ? "recommend" : "frontier";

    frontier_record rec;
    rec.cfg = &cfg;
    rec.mode = mode;
    rec.started = utc_now();
    const cascade::book book = in_section(cfg, "book", [&] { return build_book(cfg, rec.book); });
    rec.positions = book.size();
    const cascade::path_rules rules = in_section(cfg, "rules", [&] { return build_rules(cfg); });
    const any_curve curve = in_section(cfg, "impact", [&] { return build_curve(cfg, rec.curve); });
    model_choice model;
    in_section(cfg, "model", [&] {
        build_model(cfg, model);
        return 0;
    });
    rec.model = model.description;
    const stress::run_spec spec = in_section(cfg, "run", [&] { return build_spec(cfg); });
    rec.sets = build_sets(cfg);
    const capital::frontier_options frontier_opts = build_frontier_options(cfg);
    rec.response = response_text(cfg);
    rec.budgets = build_budgets(cfg);
    for (std::size_t i = 0; i < book.size(); ++i) {
        rec.base_debt += book.debt[i];
        rec.base_collateral_value += book.collateral[i] * spec.path.spot;
    }
    const std::filesystem::path dir = example::output_directory(cfg.text("output.directory"));

    progress_printer progress(quiet);
    stress::run_control control;
    control.stop = &stop_requested;
    control.threads = static_cast<unsigned>(cfg.integer("run.threads"));
    control.progress = [&progress](std::size_t done, std::size_t total) { progress(done, total); };
    rec.threads =
        control.threads > 0 ? control.threads : std::max(1u, std::thread::hardware_concurrency());
    rec.requested = spec.scenarios;
    if (!quiet)
        std::fprintf(stderr,
                     "spiral-stress %s: %zu parameter sets x %zu scenarios of %zu steps, %zu "
                     "positions, %u threads\n",
                     name, rec.sets.size(), spec.scenarios, spec.path.steps, book.size(),
                     rec.threads);
    std::signal(SIGINT, on_interrupt);
    const auto t0 = std::chrono::steady_clock::now();
    try {
        rec.result = capital::evaluate_frontier_parallel(book, rec.sets, frontier_opts, model.model,
                                                         curve, rules, spec, control);
    } catch (const spiral::invalid_argument& e) {
        // A set the library rejects (a threshold scale that takes a book row's threshold
        // past 1, ...): named by its [frontier] key when the message names the set's field.
        const std::string message = e.what();
        if (const std::string field = message_field(message); !field.empty()) {
            const std::string key = frontier_key(cfg, field);
            if (!key.empty())
                cfg.fail_key(key, message);
        }
        throw input_error(cfg.file() + ": [frontier]: " + message);
    }
    rec.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const std::size_t completed = rec.result.scenarios;
    rec.interrupted = stop_requested.load() || completed < spec.scenarios;
    if (completed == 0) {
        std::fprintf(stderr,
                     "spiral-stress: interrupted before any scenario completed; no report\n");
        return exit_interrupted;
    }
    if (rec.interrupted)
        std::fprintf(stderr,
                     "spiral-stress: interrupted after %zu of %zu scenarios; writing the "
                     "report for those\n",
                     completed, spec.scenarios);

    rec.pareto = capital::pareto_front(rec.result);
    for (const budget_choice& b : rec.budgets)
        rec.recommendations.push_back(capital::recommend(rec.result, b.budget));
    if (mode == tool_mode::recommend)
        rec.smart = smart_ltv_for(cfg, model.model, curve, spec, rec.base_debt,
                                  cfg.reals("frontier.bonuses"));

    write_frontier_csv(dir, rec);
    if (mode == tool_mode::recommend)
        write_recommendations_csv(dir, rec);
    if (cfg.flag("output.plots")) {
        if (example::has_gnuplot())
            write_frontier_plot(dir, rec, quiet);
        else
            std::fprintf(stderr,
                         "spiral-stress: gnuplot not found (Debian: gnuplot-nox): no plots\n");
    }
    write_frontier_report(dir, rec);

    std::printf("%zu parameter sets on %zu scenarios: %zu on the efficient set\n", rec.sets.size(),
                completed, rec.pareto.size());
    for (std::size_t k = 0; k < rec.budgets.size(); ++k) {
        const capital::recommendation& x = rec.recommendations[k];
        if (x.index == capital::recommendation::no_point)
            std::printf("%s (VaR95 <= %g%% of debt): no set qualifies\n",
                        rec.budgets[k].name.c_str(), 100 * x.budget);
        else
            std::printf("%s (VaR95 <= %g%% of debt): set %zu, efficiency %.6g, VaR95 %.4g%% of "
                        "debt, bound by %s\n",
                        rec.budgets[k].name.c_str(), 100 * x.budget, x.index, x.efficiency,
                        100 * x.var95_share, binding_text(x.binding));
    }
    std::printf("wrote %s\n", (dir / "report.md").string().c_str());
    return rec.interrupted || stop_requested.load() ? exit_interrupted : 0;
}

int run(const options& opt) {
    config cfg = config::read(opt.config_file);
    if (opt.scenarios)
        cfg.override_value("run.scenarios", *opt.scenarios);
    if (opt.seed)
        cfg.override_value("run.seed", *opt.seed);
    if (opt.threads)
        cfg.override_value("run.threads", *opt.threads);
    if (opt.output)
        cfg.override_value("output.directory", *opt.output);
    const bool quiet = opt.quiet;

    run_record rec;
    rec.cfg = &cfg;
    rec.started = utc_now();
    if (cfg.multi_asset())
        return run_multi_asset(cfg, rec, quiet);
    // Parameters the library rejects are named with the configuration's file, section and,
    // where the field is a key, its line.
    const cascade::book raw_book =
        in_section(cfg, "book", [&] { return build_book(cfg, rec.book); });
    const cascade::prepared_book book(raw_book);
    rec.positions = book.size();
    rec.total_collateral = book.total_collateral();
    const cascade::path_rules rules = in_section(cfg, "rules", [&] { return build_rules(cfg); });
    const any_curve curve = in_section(cfg, "impact", [&] { return build_curve(cfg, rec.curve); });
    model_choice model;
    in_section(cfg, "model", [&] {
        build_model(cfg, model);
        return 0;
    });
    rec.model = model.description;
    stress::run_spec spec = in_section(cfg, "run", [&] { return build_spec(cfg); });
    // The report names the output files relative to it: make the directory first, so a
    // directory that cannot be made fails before the run, not after.
    const std::filesystem::path dir = example::output_directory(cfg.text("output.directory"));

    stress::scenario_results results(spec.scenarios);
    run_frame frame(cfg, rec, spec, book.size(), quiet);
    frame.run(rec, [&](const stress::run_control& control) {
        return stress::run_parallel(book, model.model, curve, rules, spec, results.columns(),
                                    control);
    });
    return finish(
        cfg, rec, results, dir, quiet,
        [&](const stress::scenario_results& r, std::size_t completed) {
            return stress::summarise(r, completed, book, spec.path.spot);
        },
        [&](std::size_t count) {
            return rerun_steps(book, model.model, curve, rules, spec, count, frame.control.threads,
                               results, rec.completed, stop_requested);
        });
}

} // namespace

int main(int argc, char** argv) {
    return example::guarded_main("spiral-stress", [&]() -> int {
        CLI::App app{"spiral-stress"
                     ": Monte Carlo stress test of a lending book (bad-debt VaR, liquidations at "
                     "risk, capital efficiency) from a TOML configuration.",
                     "spiral-stress"};
        app.footer("Every key of CONFIG, with its type, default and domain: spiral-stress "
                   "--help-config.\nSections: [book] [[asset]] [rules] [impact] [model] [stress] "
                   "[run] [output]; a multi-asset book (book.kind = \"multi_asset\") has one "
                   "[[asset]] table per collateral asset.\nMargin backtests: spiral-stress "
                   "backtest CONFIG (its keys: spiral-stress backtest --help).\nCapital-efficiency "
                   "frontier and recommendations: spiral-stress frontier CONFIG, spiral-stress "
                   "recommend CONFIG (their keys: spiral-stress frontier --help).\nExit codes: 0 "
                   "done, 1 unexpected "
                   "failure, 2 bad input (the message "
                   "says FILE:LINE and the key), 130 interrupted (Ctrl-C; the report covers the "
                   "scenarios completed).");
        options opt;
        bool help_config = false, help_config_markdown = false;
        app.add_option("CONFIG", opt.config_file, "The TOML configuration file");
        app.add_flag("--help-config", help_config,
                     "List every configuration key (type, default, domain) and exit");
        app.add_flag("--help-config-markdown", help_config_markdown,
                     "The same as a Markdown table (docs/stress.md) and exit");
        app.add_option("--scenarios,-n", opt.scenarios, "Override run.scenarios")
            ->check(CLI::Range(std::int64_t(1), std::int64_t(2147483647)));
        app.add_option("--seed", opt.seed, "Override run.seed")->check(CLI::NonNegativeNumber);
        app.add_option("--threads,-j", opt.threads, "Override run.threads (0: every core)")
            ->check(CLI::Range(std::int64_t(0), std::int64_t(4096)));
        app.add_option("--output,-o", opt.output, "Override output.directory");
        app.add_flag("--quiet,-q", opt.quiet, "No progress lines on stderr");
        // spiral-stress backtest [options] CONFIG: its own configuration keys and flags.
        CLI::App* backtest = app.add_subcommand(
            "backtest", "Backtest margin models (static, EWMA, GARCH, HAR, HS, FHS, each +/- "
                        "APC) on a daily price history: spiral-stress backtest CONFIG");
        std::string backtest_file;
        std::optional<std::string> backtest_output;
        bool backtest_quiet = false, backtest_help_config = false, backtest_markdown = false;
        backtest->add_option("CONFIG", backtest_file, "The TOML configuration file");
        backtest->add_flag("--help-config", backtest_help_config,
                           "List every configuration key (type, default, domain) and exit");
        backtest->add_flag("--help-config-markdown", backtest_markdown,
                           "The same as a Markdown table (docs/stress.md) and exit");
        backtest->add_option("--output,-o", backtest_output, "Override output.directory");
        backtest->add_flag("--quiet,-q", backtest_quiet, "No lines about the plots on stderr");
        backtest->footer("Exit codes: 0 done, 1 unexpected failure, 2 bad input (the message "
                         "says FILE:LINE and the key).\n\n" +
                         reference_text(tool_mode::backtest));
        // spiral-stress frontier|recommend [options] CONFIG: the frontier's keys, the run's
        // overrides.
        struct frontier_command {
            CLI::App* app = nullptr;
            tool_mode mode;
            options opt;
            bool help_config = false, markdown = false;
        };
        frontier_command frontier_cmds[2] = {{nullptr, tool_mode::frontier, {}},
                                             {nullptr, tool_mode::recommend, {}}};
        for (frontier_command& f : frontier_cmds) {
            const bool rec = f.mode == tool_mode::recommend;
            f.app = app.add_subcommand(
                rec ? "recommend" : "frontier",
                rec ? "The most capital-efficient parameter set within each VaR budget (named "
                      "appetites or budgets), with the constraint that binds and the SmartLTV "
                      "baseline: spiral-stress recommend CONFIG"
                    : "Capital-efficiency frontier: a grid of liquidation parameter sets on the "
                      "same scenarios, the efficient set, the recommendations marked: "
                      "spiral-stress frontier CONFIG");
            f.app->add_option("CONFIG", f.opt.config_file, "The TOML configuration file");
            f.app->add_flag("--help-config", f.help_config,
                            "List every configuration key (type, default, domain) and exit");
            f.app->add_flag("--help-config-markdown", f.markdown,
                            "The same as a Markdown table (docs/stress.md) and exit");
            f.app->add_option("--scenarios,-n", f.opt.scenarios, "Override run.scenarios")
                ->check(CLI::Range(std::int64_t(1), std::int64_t(2147483647)));
            f.app->add_option("--seed", f.opt.seed, "Override run.seed")
                ->check(CLI::NonNegativeNumber);
            f.app->add_option("--threads,-j", f.opt.threads, "Override run.threads (0: every core)")
                ->check(CLI::Range(std::int64_t(0), std::int64_t(4096)));
            f.app->add_option("--output,-o", f.opt.output, "Override output.directory");
            f.app->add_flag("--quiet,-q", f.opt.quiet, "No progress lines on stderr");
            f.app->footer("Exit codes: 0 done, 1 unexpected failure, 2 bad input (the message "
                          "says FILE:LINE and the key), 130 interrupted (Ctrl-C; the report "
                          "covers the scenarios completed).\nfrontier and recommend read the "
                          "same keys.\n\n" +
                          reference_text(f.mode));
        }
        if (const int rc = example::parse_command_line(app, argc, argv); rc >= 0)
            return rc;
        for (frontier_command& f : frontier_cmds) {
            if (!f.app->parsed())
                continue;
            if (f.help_config || f.markdown) {
                std::fputs(
                    (f.markdown ? reference_markdown(f.mode) : reference_text(f.mode)).c_str(),
                    stdout);
                return 0;
            }
            if (f.opt.config_file.empty()) {
                std::fprintf(stderr,
                             "spiral-stress %s: no CONFIG file given\nRun with spiral-stress %s "
                             "--help for the flags and keys.\n",
                             f.app->get_name().c_str(), f.app->get_name().c_str());
                return example::exit_usage;
            }
            return run_frontier_mode(f.opt, f.mode);
        }
        if (backtest->parsed()) {
            if (backtest_help_config || backtest_markdown) {
                std::fputs((backtest_markdown ? reference_markdown(tool_mode::backtest)
                                              : reference_text(tool_mode::backtest))
                               .c_str(),
                           stdout);
                return 0;
            }
            if (backtest_file.empty()) {
                std::fprintf(stderr, "spiral-stress backtest: no CONFIG file given\nRun with "
                                     "spiral-stress backtest --help for the flags and keys.\n");
                return example::exit_usage;
            }
            config cfg = config::read(backtest_file, tool_mode::backtest);
            if (backtest_output)
                cfg.override_value("output.directory", *backtest_output);
            return run_backtest_mode(cfg, utc_now(), backtest_quiet);
        }
        if (help_config || help_config_markdown) {
            std::fputs((help_config_markdown ? reference_markdown() : reference_text()).c_str(),
                       stdout);
            return 0;
        }
        if (opt.config_file.empty()) {
            std::fprintf(stderr, "spiral-stress: no CONFIG file given\nRun with --help for the "
                                 "flags, --help-config for the keys.\n");
            return example::exit_usage;
        }
        return run(opt);
    });
}
