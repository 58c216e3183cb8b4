// A short option-margin report for a small book of ETH options.
//
// Prices and Greeks every position with spiral's Black–Scholes kernel, checks that the
// implied vol of each mark recovers the input vol, and estimates a scenario margin: the worst
// loss of the book over spot moves of -16%..+16% and vol shifts of -30%..+30% (relative), by
// full revaluation and by the delta-gamma-vega Taylor expansion, so the gap between the two
// shows where the Taylor expansion misjudges the risk of a short-option book.
//
//   option_margin_report [--spot 3000] [--vol 0.8]       (--help: the flags and their domains)
#include <spiral/spiral.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "example_support.hpp"
#include "support/command_line.hpp"

namespace {

struct position {
    const char* name;
    spiral::option_type type;
    double strike, days, quantity; // quantity < 0: short
};

constexpr position book[] = {
    {"short 30d 3300 call", spiral::option_type::call, 3300, 30, -10},
    {"long  30d 2700 put ", spiral::option_type::put, 2700, 30, 5},
    {"short  7d 3000 call", spiral::option_type::call, 3000, 7, -8},
    {"long  90d 2500 put ", spiral::option_type::put, 2500, 90, 3},
    {"short  1d 3100 call", spiral::option_type::call, 3100, 1, -20},
};

double book_value(double spot, double vol, double rate) {
    double value = 0;
    for (const auto& p : book)
        value += p.quantity * spiral::black_scholes_price(
                                  p.type, spiral::bs_input<double>{spot, p.strike, p.days / 365,
                                                                   rate, 0.0, vol});
    return value;
}

int run(int argc, char** argv) {
    double spot = 3000.0, vol = 0.80;
    const double rate = 0.05;
    example::command_line cli{"An option-margin report for a small book of ETH options",
                              "option_margin_report"};
    cli.add("--spot", spot, "Price of the underlying", example::number_in(0, HUGE_VAL, true));
    cli.add("--vol", vol, "Annualised volatility of every option",
            example::number_in(0, 100, true));
    if (const int code = cli.parse(argc, argv); code >= 0)
        return code;

    std::printf(
        "spiral %d.%d.%d — option margin report, ETH spot %.2f, vol %.0f%%, rate %.0f%%\n\n",
        SPIRAL_VERSION_MAJOR, SPIRAL_VERSION_MINOR, SPIRAL_VERSION_PATCH, spot, vol * 100,
        rate * 100);
    std::printf("%-20s %9s %9s %8s %10s %9s %10s %8s\n", "position", "mark", "value", "delta",
                "gamma", "vega/1%", "theta/day", "impl.vol");
    spiral::greeks<double> total{};
    for (const auto& p : book) {
        const spiral::bs_input<double> in{spot, p.strike, p.days / 365, rate, 0.0, vol};
        const auto g = spiral::black_scholes(p.type, in);
        const double implied = spiral::implied_vol(p.type, g.price, in);
        std::printf("%-20s %9.2f %9.2f %8.3f %10.6f %9.2f %10.2f %7.2f%%\n", p.name, g.price,
                    p.quantity * g.price, p.quantity * g.delta, p.quantity * g.gamma,
                    p.quantity * g.vega / 100, p.quantity * g.theta / 365, implied * 100);
        total.price += p.quantity * g.price;
        total.delta += p.quantity * g.delta;
        total.gamma += p.quantity * g.gamma;
        total.vega += p.quantity * g.vega;
        total.theta += p.quantity * g.theta;
    }
    std::printf("%-20s %9s %9.2f %8.3f %10.6f %9.2f %10.2f\n\n", "book", "", total.price,
                total.delta, total.gamma, total.vega / 100, total.theta / 365);

    // Scenario grid: 9 spot moves x 3 vol shifts.
    const double base = book_value(spot, vol, rate);
    double worst_full = 0, worst_taylor = 0, worst_move = 0, worst_shift = 0;
    std::printf("scenario P&L (full revaluation / delta-gamma-vega)\n%8s", "spot\\vol");
    for (double shift : {-0.3, 0.0, 0.3})
        std::printf(" %20.0f%%", shift * 100);
    std::printf("\n");
    for (int i = -4; i <= 4; ++i) {
        const double move = 0.04 * i;
        std::printf("%7.0f%%", move * 100);
        for (double shift : {-0.3, 0.0, 0.3}) {
            const double ds = spot * move, dv = vol * shift;
            const double full = book_value(spot + ds, vol + dv, rate) - base;
            const double taylor =
                total.delta * ds + 0.5 * total.gamma * ds * ds + total.vega * dv + 0.0; // no -0
            std::printf(" %10.0f / %8.0f", full, taylor);
            if (full < worst_full) {
                worst_full = full;
                worst_move = move;
                worst_shift = shift;
            }
            worst_taylor = std::min(worst_taylor, taylor);
        }
        std::printf("\n");
    }
    std::printf("\nscenario margin (worst loss): %.0f by full revaluation at spot %+.0f%%, vol "
                "%+.0f%%; %.0f by the Greeks (%.0f%% of it)\n",
                -worst_full, worst_move * 100, worst_shift * 100, -worst_taylor,
                100 * worst_taylor / worst_full);
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    return example::guarded_main("option_margin_report", [&] { return run(argc, argv); });
}
