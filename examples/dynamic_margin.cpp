// Dynamic margin through a crash: a volatile price history (GARCH(1,1) returns with a crash
// injected after nine calm years) run through a VaR margin driven by EWMA and by a fitted
// GARCH(1,1), and through each anti-procyclicality (APC) tool of EMIR RTS 153/2013 art. 28:
// a 25% buffer released in stress, a 25% weight on stressed observations, a floor from a
// 10-year look-back volatility, and a speed limit on increases.
//
// Prints the procyclicality metrics of every variant (peak-to-trough ratio, largest 1-day and
// 5-day increases, mean margin, and the days on which the next two days' loss exceeded the
// margin), writes dynamic_margin.csv to the output directory and draws dynamic_margin.png with
// gnuplot when it is installed (Debian: gnuplot-nox); without gnuplot it says so and keeps the
// CSV file.
//
//   dynamic_margin [--out DIR]        (default: the current directory)
#include <spiral/core/random.hpp>
#include <spiral/margin/dynamic.hpp>
#include <spiral/margin/volatility_estimators.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "example_support.hpp"
#include "support/command_line.hpp"

namespace mg = spiral::margin;

namespace {

constexpr std::size_t days = 2800;       // price observations (about 11 years of trading days)
constexpr std::size_t crash_day = 2450;  // first day of the crash
constexpr std::size_t plot_from = 2250;  // the plot shows the days around the crash
constexpr std::size_t warm_up = 30;      // days left out of the metrics (estimators settle)
constexpr std::size_t margin_period = 2; // days: margin period of risk of var_margin

/// GARCH(1,1) log returns (daily vol about 2.5%) with crash days injected: -18%, -9%, +11%,
/// -12% within a week, which the GARCH recursion then carries into weeks of high vol.
std::vector<double> price_history() {
    spiral::splitmix64 rng{42};
    const double omega = 1.2e-5, alpha = 0.08, beta = 0.9;
    double v = omega / (1 - alpha - beta);
    std::vector<double> prices{30000.0};
    for (std::size_t t = 1; t < days; ++t) {
        double r = std::sqrt(v) * spiral::standard_normal(rng);
        if (t == crash_day)
            r = std::log(0.82);
        else if (t == crash_day + 1)
            r = std::log(0.91);
        else if (t == crash_day + 3)
            r = std::log(1.11);
        else if (t == crash_day + 5)
            r = std::log(0.88);
        prices.push_back(prices.back() * std::exp(r));
        v = omega + alpha * r * r + beta * v;
    }
    return prices;
}

struct variant {
    const char* column;
    const char* label;
    std::vector<double> margin;
};

void write_plot_script(const std::filesystem::path& script, const std::filesystem::path& dir,
                       const std::vector<variant>& vs, bool cairo) {
    static const char* const style[] = {"lc rgb '#000000' lw 2",     "lc rgb '#999999' lw 2",
                                        "lc rgb '#1b9e77' lw 2",     "lc rgb '#d95f02' lw 2",
                                        "lc rgb '#7570b3' lw 2",     "lc rgb '#e7298a' lw 2",
                                        "lc rgb '#0072b2' lw 2 dt 2"};
    std::ofstream gp(script);
    gp << (cairo ? "set terminal pngcairo noenhanced size 1400,820 font 'Sans,10'\n"
                 : "set terminal png noenhanced size 1400,820\n");
    const std::string data = (dir / "dynamic_margin.csv").string();
    gp << "set output '" << (dir / "dynamic_margin.png").string() << "'\n"
       << "set datafile separator ','\nset multiplot\nset grid\n"
       << "set lmargin 10\nset rmargin 36\n"
       << "set xrange [" << plot_from << ":" << days - 1 << "]\n"
       << "set size 1,0.3\nset origin 0,0.7\nset key off\n"
       << "set title 'price (simulated GARCH(1,1) path with a crash on day " << crash_day
       << ")'\nset format x ''\n"
       << "plot '" << data << "' every ::1 using 1:2 with lines lw 2 lc rgb '#444444'\n"
       << "set size 1,0.7\nset origin 0,0\nset format x '%g'\nset xlabel 'day'\n"
       << "set ylabel 'initial margin, % of price'\n"
       << "set key at screen 0.99,0.6 right top spacing 1.3\n"
       << "set title '99% 2-day VaR margin and the EMIR art. 28 anti-procyclicality tools'\n"
       << "plot ";
    for (std::size_t i = 0; i < vs.size(); ++i)
        gp << (i ? ", \\\n     " : "") << "'" << data << "' every ::1 using 1:(100*$" << i + 3
           << ") with lines " << style[i % 7] << " title '" << vs[i].label << "'";
    gp << "\nunset multiplot\n";
}

int run(int argc, char** argv) {
    std::string output = ".";
    example::command_line cli{
        "Dynamic margin through a volatility spike, with the EMIR anti-procyclicality tools",
        "dynamic_margin"};
    cli.add_output(output);
    if (const int code = cli.parse(argc, argv); code >= 0)
        return code;
    const std::filesystem::path dir = example::output_directory(output);

    const std::vector<double> prices = price_history();
    std::vector<double> returns(days - 1);
    mg::log_returns(prices, returns);

    const mg::var_margin var{.confidence = 0.99, .horizon_days = margin_period};
    std::vector<double> variance(days);

    // EWMA (RiskMetrics lambda 0.94) and GARCH(1,1) fitted on the years before the plot.
    std::vector<double> ewma_margin(days), garch_margin(days);
    mg::ewma{0.94}.variance(returns, variance);
    var.apply(variance, ewma_margin);
    const auto fit = mg::fit_garch11(std::span<const double>(returns).first(plot_from));
    fit.params.variance(returns, variance);
    var.apply(variance, garch_margin);

    std::vector<variant> vs;
    vs.push_back({"ewma", "EWMA 0.94 (base)", ewma_margin});
    vs.push_back({"garch", "GARCH(1,1), fitted", garch_margin});
    std::vector<double> out(days);
    mg::apc_buffer{0.25}.apply(ewma_margin, out);
    vs.push_back({"buffer", "base + 25% buffer, released in stress", out});
    mg::stress_weight{.weight = 0.25, .lookback_days = 2520}.apply(ewma_margin, out);
    vs.push_back({"stress_weight", "25% weight on the stressed margin", out});
    const mg::lookback_floor floor{.lookback_days = 2520, .var = var};
    floor.apply(returns, ewma_margin, out);
    vs.push_back({"floor", "floor: 10-year look-back vol", out});
    mg::speed_limit{0.10}.apply(ewma_margin, out);
    vs.push_back({"speed_limit", "speed limit: +10% a day", out});
    std::vector<double> floored(days);
    floor.apply(returns, ewma_margin, floored);
    mg::apc_buffer{0.25}.apply(floored, out);
    vs.push_back({"floor_buffer", "floor, then 25% buffer", out});

    std::printf("GARCH(1,1) fit on days 1-%zu: omega %.3g, alpha %.4f, beta %.4f (%zu likelihood "
                "evaluations)\n\n",
                plot_from, fit.params.omega, fit.params.alpha, fit.params.beta, fit.evaluations);
    std::printf("%-40s %9s %9s %9s %9s %9s\n", "margin model (99%, 2-day VaR)", "peak/", "max 1-d",
                "max 5-d", "mean", "breaches");
    std::printf("%-40s %9s %9s %9s %9s %9s\n", "", "trough", "increase", "increase", "margin",
                "(days)");
    for (const auto& v : vs) {
        const std::span<const double> m = std::span<const double>(v.margin).subspan(warm_up);
        const auto one = mg::procyclicality_metrics(m, 1);
        const auto five = mg::procyclicality_metrics(m, 5);
        double sum = 0;
        for (double x : m)
            sum += x;
        // breaches: the loss over the next margin period exceeded the margin set today
        int breaches = 0;
        for (std::size_t t = warm_up; t + margin_period < days; ++t)
            if (1.0 - prices[t + margin_period] / prices[t] > v.margin[t])
                ++breaches;
        std::printf("%-40s %9.2f %8.1f%% %8.1f%% %8.2f%% %9d\n", v.label, one.peak_to_trough,
                    100 * one.max_n_day_increase, 100 * five.max_n_day_increase,
                    100 * sum / static_cast<double>(m.size()), breaches);
    }

    std::ofstream csv(dir / "dynamic_margin.csv");
    csv << "day,price";
    for (const auto& v : vs)
        csv << ',' << v.column;
    csv << '\n';
    csv.precision(10);
    for (std::size_t t = 0; t < days; ++t) {
        csv << t << ',' << prices[t];
        for (const auto& v : vs)
            csv << ',' << v.margin[t];
        csv << '\n';
    }
    csv.close();
    std::printf("\nwrote %s\n", (dir / "dynamic_margin.csv").string().c_str());

    if (!example::has_gnuplot()) {
        std::printf("gnuplot not found (Debian: gnuplot-nox): skipping dynamic_margin.png\n");
        return 0;
    }
    const bool cairo = example::gnuplot_has_cairo();
    const auto script = dir / "dynamic_margin.gp";
    write_plot_script(script, dir, vs, cairo);
    return example::run_gnuplot("dynamic_margin", script, dir / "dynamic_margin.png") ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
    return example::guarded_main("dynamic_margin", [&] { return run(argc, argv); });
}
