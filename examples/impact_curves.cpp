// The price-impact curves side by side: what selling q units of an asset priced at 2000 does
// to the price, and the average price the sale gets, under each model.
//
// Writes impact_curves.csv (price_factor per curve) and impact_proceeds.csv (proceeds / q, the
// average execution price relative to the pre-trade price) to the output directory, prints a
// short table, and draws impact_curves.png with gnuplot when it is installed (Debian:
// gnuplot-nox); without gnuplot it says so and keeps the CSV files.
//
//   impact_curves [--out DIR]        (default: the current directory)
#include <spiral/impact/impact.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "example_support.hpp"
#include "support/command_line.hpp"

namespace impact = spiral::impact;

namespace {

struct curve {
    const char* column; // CSV column and gnuplot key
    const char* label;
    std::function<double(double)> price_factor, proceeds;
};

template <class C>
curve make(const char* column, const char* label, C c) {
    c.validate();
    return {column, label, [c](double q) { return c.price_factor(q); },
            [c](double q) { return c.proceeds(q); }};
}

/// Curves calibrated so that selling up to 1000 units (about half the depth of the pool
/// below) spans each one's interesting range.
std::vector<curve> curves() {
    std::vector<curve> out;
    out.push_back(make("linear", "linear (Kyle), lambda = 1/1500", impact::linear{1.0 / 1500}));
    out.push_back(
        make("exponential", "exponential (CFS), alpha = 1/1000", impact::exponential{1.0 / 1000}));
    out.push_back(make("square_root", "square root, Y sigma / sqrt(V) = 0.5 / sqrt(1000)",
                       impact::square_root{.sigma = 0.5, .volume = 1000}));
    out.push_back(make("power_law", "power law 3/5, eta = 0.5, V = 1000",
                       impact::power_law{.eta = 0.5, .volume = 1000, .exponent = 0.6}));
    const impact::constant_product pool{.base_reserve = 1000, .quote_reserve = 2e6, .fee = 0.003};
    out.push_back(make("constant_product", "constant product (v2), x = 1000, fee 0.3%", pool));
    out.push_back(make("constant_product_half", "same pool at half depth (scaled_depth 0.5)",
                       impact::scaled_depth{pool, 0.5}));
    // Uniswap v3 positions around 2000, denser near the price; L in sqrt(base * quote).
    out.push_back(make(
        "concentrated_liquidity", "concentrated liquidity (v3), 4 ranges",
        impact::concentrated_liquidity(
            2000.0,
            {{1600, 2400, 60000}, {1850, 2150, 90000}, {1200, 1900, 30000}, {600, 1300, 10000}},
            0.0005)));
    out.push_back(make("stableswap", "stableswap (Curve), A = 100, 1000 + 1000, pegged pair",
                       impact::stableswap{100, 1000, 1000, 0.0004}));
    std::vector<impact::order_book::level> bids;
    for (int i = 0; i < 40; ++i) // 40 levels of 15 units, 0.25% apart: depth 600
        bids.push_back({2000.0 * (1 - 0.0025 * i), 15.0});
    out.push_back(
        make("order_book", "order book, 40 levels of 15 (depth 600)", impact::order_book(bids)));
    return out;
}

void write_plot_script(const std::filesystem::path& script, const std::filesystem::path& dir,
                       const std::vector<curve>& cs, bool cairo) {
    // one colour (and dash for the variants) per curve: gnuplot's default cycle has 8
    static const char* const style[] = {
        "lc rgb '#7b3294'", "lc rgb '#1b9e77'", "lc rgb '#56b4e9'",
        "lc rgb '#e69f00'", "lc rgb '#d7301f'", "lc rgb '#d7301f' dt 2",
        "lc rgb '#0072b2'", "lc rgb '#000000'", "lc rgb '#999999'",
    };
    std::ofstream gp(script);
    gp << (cairo ? "set terminal pngcairo noenhanced size 1700,620 font 'Sans,10'\n"
                 : "set terminal png noenhanced size 1700,620\n");
    gp << "set output '" << (dir / "impact_curves.png").string() << "'\n"
       << "set datafile separator ','\n"
       << "set multiplot\nset grid\nset xlabel 'quantity sold q'\n"
       << "set xrange [0:1000]\nset yrange [0:1.02]\n";
    auto plot = [&](const char* file) {
        gp << "plot ";
        for (std::size_t i = 0; i < cs.size(); ++i)
            gp << (i ? ", \\\n     " : "") << "'" << (dir / file).string()
               << "' every ::1 using 1:" << i + 2 << " with lines lw 2 " << style[i % 9]
               << " title '" << cs[i].label << "'";
        gp << "\n";
    };
    gp << "set key off\nset size 0.38,1\nset origin 0,0\n"
       << "set title 'price factor: price after selling q / pre-trade price'\n";
    plot("impact_curves.csv");
    // the key sits right of both panels without taking space from them
    gp << "set origin 0.38,0\nset key at screen 0.995,0.9 right top font ',9' spacing 1.3\n"
       << "set title 'average price: proceeds(q) / q, relative to the pre-trade price'\n";
    plot("impact_proceeds.csv");
    gp << "unset multiplot\n";
}

int run(int argc, char** argv) {
    std::string output = ".";
    example::command_line cli{
        "Price-impact curves side by side: price after selling q, average execution price",
        "impact_curves"};
    cli.add_output(output);
    if (const int code = cli.parse(argc, argv); code >= 0)
        return code;
    const std::filesystem::path dir = example::output_directory(output);
    const auto cs = curves();

    std::ofstream prices(dir / "impact_curves.csv"), average(dir / "impact_proceeds.csv");
    prices << "q";
    average << "q";
    for (const auto& c : cs) {
        prices << ',' << c.column;
        average << ',' << c.column;
    }
    prices << '\n';
    average << '\n';
    prices.precision(10);
    average.precision(10);
    for (int i = 0; i <= 2000; ++i) {
        const double q = 0.5 * i;
        prices << q;
        average << q;
        for (const auto& c : cs) {
            prices << ',' << c.price_factor(q);
            average << ',' << (q > 0 ? c.proceeds(q) / q : c.price_factor(0.0));
        }
        prices << '\n';
        average << '\n';
    }
    prices.close();
    average.close();

    std::printf("%-56s %26s %26s\n", "", "price factor at q =", "average price at q =");
    std::printf("%-56s %8s %8s %8s %8s %8s %8s\n", "curve", "100", "500", "1000", "100", "500",
                "1000");
    for (const auto& c : cs) {
        std::printf("%-56s", c.label);
        for (double q : {100.0, 500.0, 1000.0})
            std::printf(" %8.4f", c.price_factor(q));
        for (double q : {100.0, 500.0, 1000.0})
            std::printf(" %8.4f", c.proceeds(q) / q);
        std::printf("\n");
    }
    std::printf("\nwrote %s and %s\n", (dir / "impact_curves.csv").string().c_str(),
                (dir / "impact_proceeds.csv").string().c_str());

    if (!example::has_gnuplot()) {
        std::printf("gnuplot not found (Debian: gnuplot-nox): skipping impact_curves.png\n");
        return 0;
    }
    const bool cairo = example::gnuplot_has_cairo();
    const auto script = dir / "impact_curves.gp";
    write_plot_script(script, dir, cs, cairo);
    return example::run_gnuplot("impact_curves", script, dir / "impact_curves.png") ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
    return example::guarded_main("impact_curves", [&] { return run(argc, argv); });
}
