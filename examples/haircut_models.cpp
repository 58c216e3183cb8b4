// The collateral haircut models side by side: a table for one holding, the haircut of each
// model across volatilities and (for liquidity) across holding sizes, written as CSV, and a
// two-panel PNG plot drawn by gnuplot when it is installed (docs/img/haircuts.png is this
// program's output).
//
//   haircut_models [--out DIR]        (default: the current directory)
//
// Writes DIR/haircut_vs_volatility.csv, DIR/haircut_vs_quantity.csv, DIR/haircuts.gp and,
// with gnuplot, DIR/haircuts.png.
#include <spiral/haircut/haircut.hpp>
#include <spiral/impact/exponential.hpp>
#if __has_include(<boost/math/distributions/students_t.hpp>)
#include <spiral/haircut/fat_tailed.hpp>
#define SPIRAL_EXAMPLE_HAS_BOOST 1
#else
#define SPIRAL_EXAMPLE_HAS_BOOST 0
#endif

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "example_support.hpp"
#include "support/command_line.hpp"

namespace {

namespace hc = spiral::haircut;
using spiral::collateral;

constexpr double horizon = 5;                      // days: a repo-style / CCP margin period of risk
constexpr double confidence = 0.99;                // Basel II paragraph 156
const spiral::impact::exponential eth_depth{1e-4}; // selling 1,000 ETH moves the price by 9.5%

template <class Model>
void print_row(const char* name, const Model& model, const collateral<double>& c) {
    model.validate();
    const double h = model(c);
    std::printf("  %-46s %7.2f%%  %14.0f\n", name, 100 * h, (1 - h) * c.quantity * c.price);
}

int run(int argc, char** argv) {
    std::string output = ".";
    example::command_line cli{"The collateral haircut models side by side", "haircut_models"};
    cli.add_output(output);
    if (const int code = cli.parse(argc, argv); code >= 0)
        return code;
    const std::filesystem::path out_dir = example::output_directory(output);

    const hc::volatility vol{confidence, horizon};
    const hc::liquidity liq{eth_depth};
    const hc::wrong_way same_asset{
        .exposure_volatility = 0.6, .confidence = confidence, .horizon_days = horizon};
    const hc::depeg lst{.jump_size = 0.05,
                        .jump_probability = 0.003,
                        .confidence = confidence,
                        .horizon_days = horizon};
    const hc::basel_scaled basel{.h10 = hc::basel::main_index_equity_or_gold,
                                 .remargin_days = 1,
                                 .holding_days = hc::basel::repo_style};
#if SPIRAL_EXAMPLE_HAS_BOOST
    const hc::fat_tailed student{.law = hc::tail_law::student_t,
                                 .confidence = confidence,
                                 .horizon_days = horizon,
                                 .degrees_of_freedom = 4};
    const hc::fat_tailed cornish{.law = hc::tail_law::cornish_fisher,
                                 .confidence = confidence,
                                 .horizon_days = horizon,
                                 .skewness = -0.6,
                                 .excess_kurtosis = 4};
#endif

    // ---------------------------------------------------------------- one holding, every model
    const collateral<double> eth{1000, 3000, 0.80, 0.6};
    std::printf("1,000 ETH at 3,000 USD (value 3,000,000), 80%% annual volatility,\n"
                "wrong-way correlation 0.6 with the exposure; %g-day horizon, %g%% confidence\n\n",
                horizon, 100 * confidence);
    std::printf("  %-46s %8s  %14s\n", "model", "haircut", "counts (USD)");
    print_row("fixed 10%", hc::fixed{0.10}, eth);
    print_row("volatility (normal)", vol, eth);
#if SPIRAL_EXAMPLE_HAS_BOOST
    print_row("fat_tailed, Student-t nu = 4", student, eth);
    print_row("fat_tailed, Cornish-Fisher S = -0.6, K = 4", cornish, eth);
#endif
    print_row("basel_scaled 15% (main index), repo-style", basel, eth);
    print_row("liquidity, exp impact alpha = 1e-4 / ETH", liq, eth);
    print_row("wrong_way, exposure vol 60%", same_asset, eth);
    print_row("depeg, 5% jump with p = 0.3%", lst, eth);
    print_row("volatility + liquidity", vol + liq, eth);
    print_row("max(volatility + liquidity, wrong_way + liq.)", hc::max(vol + liq, same_asset + liq),
              eth);
    print_row("floor(cap(depeg + liquidity, 50%), basel)",
              hc::floor(hc::cap(lst + liq, 0.5), basel.value()), eth);

    // ---------------------------------------------------------------- across volatility
    const std::filesystem::path vol_csv = out_dir / "haircut_vs_volatility.csv";
    std::ofstream v(vol_csv);
    v << "volatility,volatility_normal,student_t4,cornish_fisher,basel_scaled,depeg,"
         "wrong_way_rho1,wrong_way_rho0,wrong_way_rho_m05\n";
    std::printf("\nhaircut (%%) by annual volatility, %g days, %g%%:\n", horizon, 100 * confidence);
    std::printf("  %6s %8s %8s %8s %8s %8s %8s %8s %8s\n", "vol", "normal", "t(4)", "CF", "basel",
                "depeg", "ww rho=1", "rho=0", "rho=-.5");
    for (int i = 0; i <= 200; ++i) {
        const double sigma = 0.01 * i;
        const auto at = [sigma](double rho) { return collateral<double>{1, 1, sigma, rho}; };
#if SPIRAL_EXAMPLE_HAS_BOOST
        const double t4 = student(at(0)), cf = cornish(at(0));
#else
        const double t4 = 0, cf = 0;
#endif
        const double row[] = {sigma,
                              vol(at(0)),
                              t4,
                              cf,
                              basel(at(0)),
                              lst(at(0)),
                              same_asset(at(1)),
                              same_asset(at(0)),
                              same_asset(at(-0.5))};
        for (std::size_t k = 0; k < std::size(row); ++k)
            v << (k ? "," : "") << row[k];
        v << '\n';
        if (i % 25 == 0) {
            std::printf("  %6.2f", sigma);
            for (std::size_t k = 1; k < std::size(row); ++k)
                std::printf(" %8.2f", 100 * row[k]);
            std::printf("\n");
        }
    }
    v.close();

    // ---------------------------------------------------------------- across holding size
    const std::filesystem::path size_csv = out_dir / "haircut_vs_quantity.csv";
    std::ofstream q(size_csv);
    q << "quantity,liquidity,volatility_plus_liquidity,capped_at_25pct\n";
    for (int i = 0; i <= 200; ++i) {
        const double units = 100.0 * i; // 0 .. 20,000 ETH
        const collateral<double> c{units, 3000, 0.80, 0};
        q << units << ',' << liq(c) << ',' << (vol + liq)(c) << ',' << hc::cap(vol + liq, 0.25)(c)
          << '\n';
    }
    q.close();
    std::printf("\nwrote %s\nwrote %s\n", vol_csv.c_str(), size_csv.c_str());

    // ---------------------------------------------------------------- plot
    const std::filesystem::path script = out_dir / "haircuts.gp";
    const std::filesystem::path png = out_dir / "haircuts.png";
    std::ofstream gp(script);
    gp << "set terminal pngcairo size 1200,480 font 'sans,10'\n"
       << "set output '" << png.string() << "'\n"
       << "set datafile separator ','\n"
       << "set key top left\nset grid\nset multiplot layout 1,2\n"
       << "set title 'Haircut by volatility (" << horizon << " days, " << 100 * confidence
       << "%)'\n"
       << "set xlabel 'annualised volatility'\nset ylabel 'haircut'\nset yrange [0:1]\n"
       << "plot '" << vol_csv.string() << "' using 1:2 with lines lw 2 title 'volatility (normal)',"
       << (SPIRAL_EXAMPLE_HAS_BOOST
               ? " '' using 1:3 with lines lw 2 title 'fat\\_tailed Student-t(4)',"
                 " '' using 1:4 with lines lw 2 title 'fat\\_tailed Cornish-Fisher S=-0.6 K=4',"
               : "")
       << " '' using 1:5 with lines lw 2 dt 2 title 'basel\\_scaled 15% repo-style',"
       << " '' using 1:6 with lines lw 2 title 'depeg J=5% p=0.3%',"
       << " '' using 1:7 with lines lw 2 dt 3 title 'wrong\\_way rho=1 (same asset)',"
       << " '' using 1:8 with lines lw 2 dt 4 title 'wrong\\_way rho=0',"
       << " '' using 1:9 with lines lw 2 dt 5 title 'wrong\\_way rho=-0.5'\n"
       << "set title 'Liquidity haircut by holding size (exp impact, alpha = 1e-4 per ETH; "
          "80% vol)'\n"
       << "set xlabel 'ETH held'\nset yrange [0:0.8]\n"
       << "plot '" << size_csv.string() << "' using 1:2 with lines lw 2 title 'liquidity',"
       << " '' using 1:3 with lines lw 2 title 'volatility + liquidity',"
       << " '' using 1:4 with lines lw 2 dt 2 title 'cap(volatility + liquidity, 25%)'\n"
       << "unset multiplot\n";
    gp.close();
    if (!example::has_gnuplot()) {
        std::printf("gnuplot not found: skipped %s (script in %s)\n", png.c_str(), script.c_str());
        return 0;
    }
    return example::run_gnuplot("haircut_models", script, png) ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
    return example::guarded_main("haircut_models", [&] { return run(argc, argv); });
}
