// spiral-stress backtest: predictive margin models (capital/margin_forecast.hpp), each alone or
// through the anti-procyclicality tools, backtested on a daily price history
// (capital/margin_backtest.hpp), from a TOML configuration of its own keys
// (backtest_keys(), config.hpp). Writes report.md, metrics.csv (one row per model),
// margins.csv (every day: date, price, the k-day loss, each model's margin and breach flag) and,
// with gnuplot, one PNG per model of its margin over time with the breaches marked, and one of
// every model's margin.
#pragma once

#include "config.hpp"
#include "csv_table.hpp"
#include "example_support.hpp"

#include <spiral/capital/margin_backtest.hpp>
#include <spiral/capital/margin_forecast.hpp>
#include <spiral/margin/dynamic.hpp>
#include <spiral/margin/volatility_estimators.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace stress_tool {

namespace cap = spiral::capital;

/// A daily price history with its dates, and the file line of each row.
struct dated_history {
    std::string path;
    std::vector<std::string> dates; ///< ISO dates, increasing
    std::vector<double> prices;     ///< > 0
    std::vector<std::size_t> lines; ///< the file line of each row
};

namespace detail {

inline bool leap_year(int y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/// True for an ISO date YYYY-MM-DD that exists.
inline bool iso_date(std::string_view s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (const std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
        if (!std::isdigit(static_cast<unsigned char>(s[i])))
            return false;
    const auto number = [&](std::size_t at, std::size_t n) {
        int v = 0;
        for (std::size_t i = at; i < at + n; ++i)
            v = 10 * v + (s[i] - '0');
        return v;
    };
    const int y = number(0, 4), m = number(5, 2), d = number(8, 2);
    static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1)
        return false;
    return d <= days[m - 1] + (m == 2 && leap_year(y) ? 1 : 0);
}

} // namespace detail

/// Reads `path` strictly (example::read_csv: the price column, other columns read past, every
/// price a finite number) and the date column of the same rows: every price > 0, every date
/// YYYY-MM-DD and later than the one before. Errors are input_error "FILE:LINE: what".
inline dated_history read_dated_history(const std::string& path, const std::string& date_column,
                                        const std::string& price_column) {
    const example::csv_table table = example::read_csv(path, {price_column}, {}, true);
    dated_history h{path, {}, table.column(price_column), table.lines};
    const auto fail = [&](std::size_t line, const std::string& what) {
        throw input_error(path + ":" + std::to_string(line) + ": " + what);
    };
    for (std::size_t i = 0; i < h.prices.size(); ++i)
        if (!(h.prices[i] > 0))
            fail(h.lines[i], "column '" + price_column + "': " + detail::number_text(h.prices[i]) +
                                 " is not a positive price");
    // The dates: read_csv checked the header and every row's field count.
    std::ifstream in(path);
    std::string text;
    std::size_t line = 0, column = std::string::npos, header_line = 0;
    while (std::getline(in, text)) {
        ++line;
        if (example::detail::trim(text).empty())
            continue;
        const auto fields = example::detail::split_fields(text);
        if (header_line == 0) {
            header_line = line;
            for (std::size_t f = 0; f < fields.size(); ++f)
                if (fields[f] == date_column)
                    column = column == std::string::npos
                                 ? f
                                 : (fail(line, "column '" + date_column + "' appears twice"), f);
            if (column == std::string::npos)
                fail(line, "missing column '" + date_column + "' (the dates; history.date_column)");
            continue;
        }
        const std::string date(fields[column]);
        if (!detail::iso_date(date))
            fail(line, "column '" + date_column + "': '" + date + "' is not a date (YYYY-MM-DD)");
        if (!h.dates.empty() && !(h.dates.back() < date))
            fail(line, "column '" + date_column + "': " + date + " does not follow " +
                           h.dates.back() + " (the dates must increase)");
        h.dates.push_back(date);
    }
    if (h.dates.size() != h.prices.size())
        throw input_error(path + ": " + std::to_string(h.dates.size()) + " dates for " +
                          std::to_string(h.prices.size()) + " prices");
    if (h.prices.size() < 2)
        throw input_error(path + ": " + std::to_string(h.prices.size()) + " prices in column '" +
                          price_column + "'; at least 2 needed");
    return h;
}

/// A crisis window of backtest.windows: "NAME FIRST LAST".
struct crisis_window {
    std::string name, first, last;
};

/// The windows of backtest.windows; a malformed one is an error naming the key and its line.
inline std::vector<crisis_window> read_windows(const config& cfg) {
    std::vector<crisis_window> out;
    for (const std::string& w : cfg.texts("backtest.windows")) {
        std::istringstream in(w);
        crisis_window c;
        std::string extra;
        if (!(in >> c.name >> c.first >> c.last) || (in >> extra))
            cfg.fail_key("backtest.windows",
                         "\"" + w + "\" is not \"NAME FIRST LAST\" (three words)");
        if (!std::all_of(c.name.begin(), c.name.end(), [](char ch) {
                return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_';
            }))
            cfg.fail_key("backtest.windows", "\"" + w +
                                                 "\": the name must be letters, digits and _ (it "
                                                 "names CSV columns)");
        for (const std::string* d : {&c.first, &c.last})
            if (!detail::iso_date(*d))
                cfg.fail_key("backtest.windows",
                             "\"" + w + "\": '" + *d + "' is not a date (YYYY-MM-DD)");
        if (c.last < c.first)
            cfg.fail_key("backtest.windows", "\"" + w + "\": " + c.last + " is before " + c.first);
        for (const crisis_window& o : out)
            if (o.name == c.name)
                cfg.fail_key("backtest.windows", "the name '" + c.name + "' is used twice");
        out.push_back(std::move(c));
    }
    return out;
}

/// Runs `call`; a spiral::invalid_argument it throws names the key of the field the library
/// rejects (and its line) when there is one, else the configuration file and the message.
template <class Call>
auto backtest_call(const config& cfg, Call&& call) {
    try {
        return call();
    } catch (const spiral::invalid_argument& e) {
        const std::string message = e.what();
        if (std::string field = message_field(message); !field.empty()) {
            if (field.rfind("options.", 0) == 0)
                field = field.substr(8);
            static const std::map<std::string, std::string> renamed = {
                {"lookback_days", "apc.floor_days"},
                {"buffer", "apc.buffer"},
                {"max_daily_increase", "apc.max_daily_increase"},
                {"lambda", "backtest.ewma_lambda"},
                {"rate", "backtest.static_rate"}};
            const auto it = renamed.find(field);
            const std::string key = it != renamed.end() ? it->second : "backtest." + field;
            if (cfg.has_key(key) && cfg.given(key))
                cfg.fail_key(key, message);
        }
        throw input_error(cfg.file() + ": " + message);
    }
}

/// One model's margins and backtest.
struct model_run {
    std::string name;
    std::vector<double> margin;       ///< one per price
    std::vector<std::uint8_t> breach; ///< one per scored day
    cap::backtest_result result;
    std::vector<std::optional<cap::window_margin>> windows; ///< absent: not in the scored days
};

/// Everything a backtest run produced.
struct backtest_record {
    const config* cfg = nullptr;
    dated_history history;
    std::vector<double> returns;
    std::size_t first_day = 0, horizon = 0;
    double confidence = 0;
    double static_rate = 0;
    std::optional<spiral::margin::garch_fit_result> garch;
    std::optional<cap::har_coefficients> har;
    std::vector<crisis_window> windows;
    std::vector<model_run> models;
    std::vector<std::string> plots;
    std::string started;
};

/// The margins of `base` (static, ewma, garch, har, hs, fhs) for `r`'s history.
inline std::vector<double> base_margin(const config& cfg, backtest_record& r,
                                       const std::string& base) {
    namespace mg = spiral::margin;
    const std::size_t n = r.history.prices.size();
    const std::size_t train = static_cast<std::size_t>(cfg.integer("backtest.train_days"));
    const std::size_t window = static_cast<std::size_t>(cfg.integer("backtest.window_days"));
    const double lambda = cfg.real("backtest.ewma_lambda");
    const cap::forecast_spec spec{r.confidence, r.horizon};
    const std::span<const double> returns(r.returns);
    const std::span<const double> training = returns.first(std::min(train, returns.size()));
    std::vector<double> m(n);
    if (base == "static") {
        cap::static_margin{r.static_rate}.apply(returns, m);
    } else if (base == "ewma") {
        cap::ewma_margin{spec, mg::ewma{lambda}}.apply(returns, m);
    } else if (base == "garch") {
        if (!r.garch)
            r.garch = mg::fit_garch11(training);
        cap::garch_margin{spec, r.garch->params}.apply(returns, m);
    } else if (base == "har") {
        r.har = cap::har_margin{spec, train}.apply(returns, m);
    } else if (base == "hs") {
        cap::historical_simulation{spec, window}.apply(returns, m);
    } else { // fhs
        std::vector<double> variance(n);
        mg::ewma{lambda}.variance(returns, variance);
        cap::filtered_historical_simulation{spec, window}.apply(returns, variance, m);
    }
    return m;
}

/// Reads the history, runs every model of backtest.models and backtests it.
inline backtest_record run_backtest_models(const config& cfg) {
    namespace mg = spiral::margin;
    backtest_record r;
    r.cfg = &cfg;
    if (!cfg.given("history.file"))
        cfg.fail_key("history.file", "is required (the CSV of daily prices to backtest on)");
    if (cfg.text("history.date_column") == cfg.text("history.price_column"))
        cfg.fail_key("history.price_column",
                     "names the date column too ('" + cfg.text("history.date_column") + "')");
    r.windows = read_windows(cfg);
    const auto& names = cfg.texts("backtest.models");
    for (std::size_t i = 0; i < names.size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
            if (names[i] == names[j])
                cfg.fail_key("backtest.models", "'" + names[i] + "' is listed twice");
    r.confidence = cfg.real("backtest.confidence");
    r.horizon = static_cast<std::size_t>(cfg.integer("backtest.horizon_days"));
    const auto train = static_cast<std::size_t>(cfg.integer("backtest.train_days"));
    const auto window = static_cast<std::size_t>(cfg.integer("backtest.window_days"));
    if (window < r.horizon)
        cfg.fail_key("backtest.window_days",
                     "must be >= backtest.horizon_days = " + std::to_string(r.horizon) + " (got " +
                         std::to_string(window) + ")");

    r.history = read_dated_history(cfg.resolve("history.file"), cfg.text("history.date_column"),
                                   cfg.text("history.price_column"));
    const std::size_t n = r.history.prices.size();
    r.first_day = std::max(train, window);
    // capital::backtest scores days first_day .. n - 1 - k and needs two horizons of them.
    if (r.first_day + 2 * r.horizon > n) {
        const std::string key = train >= window ? "backtest.train_days" : "backtest.window_days";
        cfg.fail_key(key, r.history.path + " has " + std::to_string(n) +
                              " prices; scoring from day " + std::to_string(r.first_day) +
                              " (the larger of backtest.train_days and backtest.window_days) "
                              "with horizon_days " +
                              std::to_string(r.horizon) + " needs at least " +
                              std::to_string(r.first_day + 2 * r.horizon));
    }
    r.returns.resize(n - 1);
    mg::log_returns(r.history.prices, r.returns);

    r.static_rate = cfg.real("backtest.static_rate");
    if (r.static_rate == 0) {
        double sum = 0;
        for (std::size_t i = 0; i < train; ++i)
            sum += r.returns[i] * r.returns[i];
        const double vol = std::sqrt(sum / static_cast<double>(train));
        r.static_rate = backtest_call(cfg, [&] {
            return mg::var_margin{r.confidence, static_cast<double>(r.horizon)}(vol);
        });
    }

    cap::apc_tools apc;
    if (cfg.integer("apc.floor_days") > 0)
        apc.floor = mg::lookback_floor{static_cast<std::size_t>(cfg.integer("apc.floor_days")),
                                       {r.confidence, static_cast<double>(r.horizon)}};
    if (cfg.real("apc.buffer") > 0)
        apc.buffer = mg::apc_buffer{cfg.real("apc.buffer")};
    if (std::isfinite(cfg.real("apc.max_daily_increase")))
        apc.speed = mg::speed_limit{cfg.real("apc.max_daily_increase")};

    const cap::backtest_options options{
        r.confidence, r.horizon, r.first_day,
        static_cast<std::size_t>(cfg.integer("backtest.increase_days"))};
    std::map<std::string, std::vector<double>> bases;
    for (const std::string& name : names) {
        const std::string base = name.substr(0, name.find('+'));
        if (!bases.count(base))
            bases[base] = backtest_call(cfg, [&] { return base_margin(cfg, r, base); });
        model_run m{name, bases[base], {}, {}, {}};
        if (name.size() > base.size())
            backtest_call(cfg, [&] {
                apc.apply(r.returns, m.margin);
                return 0;
            });
        m.breach =
            backtest_call(cfg, [&] { return cap::breaches(r.history.prices, m.margin, options); });
        m.result = cap::backtest(r.history.prices, m.margin, options);
        const auto& dates = r.history.dates;
        for (const crisis_window& w : r.windows) {
            const auto lo = std::lower_bound(dates.begin(), dates.end(), w.first);
            const auto hi = std::upper_bound(dates.begin(), dates.end(), w.last);
            if (lo == hi || static_cast<std::size_t>(lo - dates.begin()) < r.first_day) {
                m.windows.emplace_back();
                continue;
            }
            m.windows.push_back(
                cap::margin_in_window(m.margin, static_cast<std::size_t>(lo - dates.begin()),
                                      static_cast<std::size_t>(hi - dates.begin()) - 1));
        }
        r.models.push_back(std::move(m));
    }
    return r;
}

/// A number at full precision (metrics.csv).
inline std::string exact_text(double v) {
    char text[40];
    std::snprintf(text, sizeof text, "%.17g", v);
    return text;
}

/// A fraction as a percentage with `digits` decimals.
inline std::string percent(double v, int digits = 2) {
    char text[40];
    std::snprintf(text, sizeof text, "%.*f", digits, 100 * v);
    return text;
}

/// A p-value for people: 3 significant digits.
inline std::string p_text(double p) {
    char text[40];
    std::snprintf(text, sizeof text, "%.3g", p);
    return text;
}

inline void write_backtest_metrics(const std::filesystem::path& dir, const backtest_record& r) {
    std::ofstream out(dir / "metrics.csv");
    if (!out)
        throw input_error("cannot write " + (dir / "metrics.csv").string());
    out << "model,observations,breaches,expected_breaches,kupiec_statistic,kupiec_p,"
           "christoffersen_independence_p,christoffersen_cc_p,zone,average_margin,"
           "peak_to_trough,max_increase";
    for (const crisis_window& w : r.windows)
        out << ',' << w.name << "_start," << w.name << "_peak," << w.name << "_peak_date," << w.name
            << "_increase";
    out << '\n';
    for (const model_run& m : r.models) {
        const cap::backtest_result& b = m.result;
        out << m.name << ',' << b.observations << ',' << b.breaches << ','
            << exact_text(b.expected_breaches) << ',' << exact_text(b.kupiec.statistic) << ','
            << exact_text(b.kupiec.p_value) << ','
            << exact_text(b.christoffersen.independence.p_value) << ','
            << exact_text(b.christoffersen.conditional_coverage.p_value) << ','
            << cap::zone_name(b.traffic_light) << ',' << exact_text(b.average_margin) << ','
            << exact_text(b.procyclicality.peak_to_trough) << ','
            << exact_text(b.procyclicality.max_n_day_increase);
        for (const auto& w : m.windows) {
            if (w)
                out << ',' << exact_text(w->start) << ',' << exact_text(w->peak) << ','
                    << r.history.dates[w->peak_day] << ',' << exact_text(w->increase);
            else
                out << ",,,,";
        }
        out << '\n';
    }
}

inline void write_margins_csv(const std::filesystem::path& dir, const backtest_record& r) {
    std::ofstream out(dir / "margins.csv");
    if (!out)
        throw input_error("cannot write " + (dir / "margins.csv").string());
    const auto& p = r.history.prices;
    const std::size_t n = p.size(), k = r.horizon;
    out << "date,price,loss";
    for (const model_run& m : r.models)
        out << ',' << m.name;
    for (const model_run& m : r.models)
        out << ',' << m.name << "_breach";
    out << '\n';
    char text[40];
    for (std::size_t t = 0; t < n; ++t) {
        out << r.history.dates[t] << ',' << exact_text(p[t]) << ',';
        if (t + k < n) {
            std::snprintf(text, sizeof text, "%.10g", 1.0 - p[t + k] / p[t]);
            out << text;
        }
        for (const model_run& m : r.models) {
            std::snprintf(text, sizeof text, "%.10g", m.margin[t]);
            out << ',' << text;
        }
        const bool scored = t >= r.first_day && t - r.first_day < r.models.front().breach.size();
        for (const model_run& m : r.models)
            out << ',' << (scored ? (m.breach[t - r.first_day] ? "1" : "0") : "");
        out << '\n';
    }
}

/// A model's name as a file name ("fhs+apc" -> "fhs_apc").
inline std::string file_slug(std::string name) {
    std::replace(name.begin(), name.end(), '+', '_');
    return name;
}

inline void write_backtest_plots(const std::filesystem::path& dir, backtest_record& r, bool quiet) {
    const std::string terminal =
        example::gnuplot_has_cairo()
            ? "set terminal pngcairo noenhanced size 1100,520 font 'Sans,10'\n"
            : "set terminal png noenhanced size 1100,520\n";
    const std::string csv = "'" + (dir / "margins.csv").string() + "'";
    const auto& dates = r.history.dates;
    const std::size_t count = r.models.size();
    const std::string common =
        "set datafile separator ','\nset grid\nset key top left\nset xdata time\n"
        "set timefmt '%Y-%m-%d'\nset format x '%Y-%m'\nset xrange ['" +
        dates[r.first_day] + "':'" + dates.back() + "']\nset ylabel '% of the position'\n";
    const std::string what = std::to_string(r.horizon) + "-day margin at " +
                             detail::number_text(100 * r.confidence) + "%";
    const auto draw = [&](const std::string& name, const std::string& script) {
        const auto gp = dir / (name + ".gp");
        std::ofstream(gp) << script;
        const std::string command = "gnuplot '" + gp.string() + "' 2>&1";
        if (std::system(command.c_str()) != 0) {
            std::fprintf(stderr, "spiral-stress: gnuplot failed on %s\n", gp.string().c_str());
            return;
        }
        r.plots.push_back(name + ".png");
        if (!quiet)
            std::fprintf(stderr, "spiral-stress: wrote %s\n",
                         (dir / (name + ".png")).string().c_str());
    };
    for (std::size_t j = 0; j < count; ++j) {
        const model_run& m = r.models[j];
        const std::string col = std::to_string(4 + j), flag = std::to_string(4 + count + j);
        const std::string name = "margin_" + file_slug(m.name);
        draw(name,
             terminal + "set output '" + (dir / (name + ".png")).string() + "'\n" + common +
                 "set title '" + m.name + ": " + what + ", " + std::to_string(m.result.breaches) +
                 " breaches in " + std::to_string(m.result.observations) + " days (" +
                 detail::number_text(std::round(10 * m.result.expected_breaches) / 10) +
                 " expected)'\nplot " + csv +
                 " skip 1 using 1:(100*$3) with lines lw 0.6 lc rgb '#aaaaaa' title "
                 "'loss over the next " +
                 std::to_string(r.horizon) + " days', \\\n     '' skip 1 using 1:(100*$" + col +
                 ") with lines lw 1.5 lc rgb '#0072b2' title 'margin', \\\n     '' "
                 "skip 1 using 1:($" +
                 flag +
                 " == 1 ? 100*$3 : 1/0) with points pt 7 ps 0.8 lc rgb '#d7301f' "
                 "title 'breach'\n");
    }
    static const char* colours[] = {"#0072b2", "#d55e00", "#009e73", "#cc79a7",
                                    "#e69f00", "#56b4e9", "#000000", "#999999"};
    std::string plot = terminal + "set output '" + (dir / "margins.png").string() + "'\n" + common +
                       "set key outside right\nset title 'Every model: " + what + "'\nplot ";
    for (std::size_t j = 0; j < count; ++j)
        plot += std::string(j ? ", \\\n     " : "") + (j ? "''" : csv) + " skip 1 using 1:(100*$" +
                std::to_string(4 + j) + ") with lines lw 1 lc rgb '" + colours[j % 8] + "' " +
                (r.models[j].name.find('+') != std::string::npos ? "dt 2 " : "") + "title '" +
                r.models[j].name + "'";
    draw("margins", plot + "\n");
}

/// The short reading of the table in plain words.
inline std::string backtest_reading(const backtest_record& r) {
    std::ostringstream out;
    std::vector<const model_run*> pass;
    for (const model_run& m : r.models)
        if (m.result.traffic_light == cap::zone::green && m.result.kupiec.p_value >= 0.05)
            pass.push_back(&m);
    const auto list = [](const std::vector<const model_run*>& ms) {
        std::string s;
        for (std::size_t i = 0; i < ms.size(); ++i)
            s += (i == 0 ? "" : i + 1 == ms.size() ? " and " : ", ") + ("`" + ms[i]->name + "`");
        return s;
    };
    if (pass.empty())
        out << "- No model passes (green zone and Kupiec p >= 0.05): every one breaches more (or "
               "far fewer) times than its confidence allows.\n";
    else {
        const model_run* cheapest =
            *std::min_element(pass.begin(), pass.end(), [](const model_run* a, const model_run* b) {
                return a->result.average_margin < b->result.average_margin;
            });
        out << "- Coverage: " << list(pass) << (pass.size() == 1 ? " passes" : " pass")
            << " (green zone, Kupiec p >= 0.05). The cheapest of them is `" << cheapest->name
            << "`, at " << percent(cheapest->result.average_margin)
            << "% of the position on average.\n";
    }
    std::vector<const model_run*> often, rarely, clustered;
    for (const model_run& m : r.models) {
        if (m.result.traffic_light != cap::zone::green || m.result.kupiec.p_value < 0.05)
            (static_cast<double>(m.result.breaches) > m.result.expected_breaches ? often : rarely)
                .push_back(&m);
        if (m.result.christoffersen.independence.p_value < 0.05)
            clustered.push_back(&m);
    }
    const std::string level = detail::number_text(100 * r.confidence) + "%";
    if (!often.empty())
        out << "- " << list(often) << (often.size() == 1 ? " breaches" : " breach")
            << " too often for " << level << ": the margin is too low for the risk.\n";
    if (!rarely.empty())
        out << "- " << list(rarely) << (rarely.size() == 1 ? " breaches" : " breach")
            << " too rarely for " << level
            << " (Kupiec p < 0.05): the margin is higher than the risk needs, capital the rule "
               "locks up for nothing.\n";
    if (!clustered.empty())
        out << "- Breaches cluster (Christoffersen independence p < 0.05) for " << list(clustered)
            << ": the margin reacts too late to a change of volatility.\n";
    const model_run* jumpy = &*std::max_element(
        r.models.begin(), r.models.end(), [](const model_run& a, const model_run& b) {
            return a.result.procyclicality.max_n_day_increase <
                   b.result.procyclicality.max_n_day_increase;
        });
    out << "- Procyclicality: `" << jumpy->name << "` rises the most, by "
        << percent(jumpy->result.procyclicality.max_n_day_increase, 0) << "% within "
        << r.cfg->integer("backtest.increase_days")
        << " days; a margin call of that size lands when prices are already falling.\n";
    for (const model_run& m : r.models) {
        if (m.name.find('+') != std::string::npos)
            continue;
        const auto with = std::find_if(r.models.begin(), r.models.end(), [&](const model_run& o) {
            return o.name == m.name + "+apc";
        });
        if (with == r.models.end())
            continue;
        out << "- APC on `" << m.name << "`: largest " << r.cfg->integer("backtest.increase_days")
            << "-day rise " << percent(m.result.procyclicality.max_n_day_increase, 0) << "% -> "
            << percent(with->result.procyclicality.max_n_day_increase, 0) << "%, average margin "
            << percent(m.result.average_margin) << "% -> " << percent(with->result.average_margin)
            << "%, breaches " << m.result.breaches << " -> " << with->result.breaches << ".\n";
    }
    return out.str();
}

inline void write_backtest_report(const std::filesystem::path& dir, const backtest_record& r) {
    std::ofstream out(dir / "report.md");
    if (!out)
        throw input_error("cannot write " + (dir / "report.md").string());
    const config& c = *r.cfg;
    const auto& h = r.history;
    const std::size_t scored = r.models.front().result.observations;
    out << "# Margin backtest report\n\nConfiguration `" << c.file() << "`, run " << r.started
        << ".\n\n## Setup\n\n";
    out << "- History: `" << h.path << "`, column `" << c.text("history.price_column") << "`, "
        << h.dates.front() << " to " << h.dates.back() << " (" << h.prices.size() << " prices)\n";
    out << "- Margins: " << r.horizon << "-day loss of a long position at "
        << detail::number_text(100 * r.confidence)
        << "%, set each day from the returns before it\n";
    out << "- Scored: " << scored << " days from " << h.dates[r.first_day] << " (day "
        << r.first_day << ", after the training window of " << c.integer("backtest.train_days")
        << " returns and the look-back of " << c.integer("backtest.window_days")
        << "); Christoffersen's tests on one scored day in " << r.horizon
        << " (overlapping horizons share returns)\n";
    out << "- static: " << percent(r.static_rate) << "%"
        << (c.real("backtest.static_rate") == 0 ? " (z sqrt(k) times the training volatility)" : "")
        << "; ewma: lambda " << c.real("backtest.ewma_lambda");
    if (r.garch)
        out << "; garch: omega " << r.garch->params.omega << ", alpha " << r.garch->params.alpha
            << ", beta " << r.garch->params.beta
            << (r.garch->converged ? "" : " (the fit did not converge)");
    if (r.har)
        out << "; har: b0 " << r.har->intercept << ", daily " << r.har->daily << ", weekly "
            << r.har->weekly << ", monthly " << r.har->monthly;
    out << "\n- APC (`+apc`): floor from " << c.integer("apc.floor_days")
        << " days' volatility (0: none), buffer " << c.real("apc.buffer") << ", speed limit "
        << c.real("apc.max_daily_increase") << " a day\n\n";

    out << "## Backtest\n\n| model | breaches | expected | Kupiec p | Christoffersen p (ind / cc) "
           "| zone | average margin % | peak / trough | max "
        << c.integer("backtest.increase_days") << "-day increase %";
    for (const crisis_window& w : r.windows)
        out << " | " << w.name << " peak % (rise)";
    out << " |\n|---|---|---|---|---|---|---|---|---|";
    for (std::size_t i = 0; i < r.windows.size(); ++i)
        out << "---|";
    out << '\n';
    for (const model_run& m : r.models) {
        const cap::backtest_result& b = m.result;
        char expected[32];
        std::snprintf(expected, sizeof expected, "%.1f", b.expected_breaches);
        char trough[32];
        std::snprintf(trough, sizeof trough, "%.2f", b.procyclicality.peak_to_trough);
        out << "| `" << m.name << "` | " << b.breaches << " | " << expected << " | "
            << p_text(b.kupiec.p_value) << " | " << p_text(b.christoffersen.independence.p_value)
            << " / " << p_text(b.christoffersen.conditional_coverage.p_value) << " | "
            << cap::zone_name(b.traffic_light) << " | " << percent(b.average_margin) << " | "
            << trough << " | " << percent(b.procyclicality.max_n_day_increase, 1);
        for (const auto& w : m.windows)
            out << " | "
                << (w ? percent(w->peak, 1) + " (+" + percent(w->increase, 0) + "%)"
                      : std::string("–"));
        out << " |\n";
    }
    out << "\nBreaches: days whose " << r.horizon
        << "-day loss exceeded the margin set that day; expected: (1 - c) times the scored days. "
           "Zone: the Basel traffic light of the breach count. Crisis windows: the highest "
           "margin in the window and its rise over the margin on the window's first day (–: the "
           "window is not in the scored days).\n\n## Reading\n\n"
        << backtest_reading(r) << "\n## Plots\n\n";
    if (r.plots.empty())
        out << "No plots (output.plots = false, or gnuplot is not installed).\n\n";
    for (const std::string& p : r.plots)
        out << "![" << p << "](" << p << ")\n\n";
    out << "## Files\n\n- `metrics.csv`: one row per model (the table at full precision; per "
           "window: start, peak, peak date, increase)\n- `margins.csv`: every day's date, price, "
           "loss over the next "
        << r.horizon
        << " days, each model's margin and its breach flag (1/0 on the scored days)\n\n"
           "## Configuration\n\n```toml\n"
        << c.echo() << "```\n";
}

/// spiral-stress backtest CONFIG: runs, writes the files, prints the table. Returns the exit
/// code.
inline int run_backtest_mode(const config& cfg, const std::string& started, bool quiet) {
    backtest_record r = run_backtest_models(cfg);
    r.started = started;
    const std::filesystem::path dir = example::output_directory(cfg.text("output.directory"));
    write_backtest_metrics(dir, r);
    write_margins_csv(dir, r);
    if (cfg.flag("output.plots")) {
        if (example::has_gnuplot())
            write_backtest_plots(dir, r, quiet);
        else
            std::fprintf(stderr,
                         "spiral-stress: gnuplot not found (Debian: gnuplot-nox): no plots\n");
    }
    write_backtest_report(dir, r);
    std::printf("%-11s %5s %7s %8s %6s %8s %7s\n", "model", "brch", "expect", "Kupiec p", "zone",
                "avg %", "up %");
    for (const model_run& m : r.models)
        std::printf("%-11s %5zu %7.1f %8.3g %6s %8.2f %7.1f\n", m.name.c_str(), m.result.breaches,
                    m.result.expected_breaches, m.result.kupiec.p_value,
                    cap::zone_name(m.result.traffic_light), 100 * m.result.average_margin,
                    100 * m.result.procyclicality.max_n_day_increase);
    std::printf("%zu models, %zu scored days from %s\nwrote %s\n", r.models.size(),
                r.models.front().result.observations, r.history.dates[r.first_day].c_str(),
                (dir / "report.md").string().c_str());
    return 0;
}

} // namespace stress_tool
