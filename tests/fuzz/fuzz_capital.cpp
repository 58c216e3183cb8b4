// Fuzz target for capital/: the three collateral designs on small books and histories
// (run_design), the margin forecasts over fuzzed return histories (static, EWMA, GARCH, HAR,
// historical and filtered historical simulation, with and without the APC tools), the
// backtest statistics (Kupiec, Christoffersen, the traffic light, the binomial and chi-square
// tails) and SmartLTV. First byte: the entry point. Contract: spiral::invalid_argument, or
// results that keep their invariants: run_design's debt is repaid, bad or still open, its
// sales fetch no more than their value and its ratios are finite; margins are not NaN and a
// loss quantile is at most the position; p-values and probabilities lie in [0, 1]; SmartLTV is
// in [0, 1].
#include <spiral/capital/collateral_design.hpp>
#include <spiral/capital/coverage_tests.hpp>
#include <spiral/capital/margin_forecast.hpp>
#include <spiral/capital/smart_ltv.hpp>
#include <spiral/impact/exponential.hpp>
#include <spiral/margin/dynamic.hpp>
#include <spiral/margin/volatility_estimators.hpp>

#include "fuzz_input.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace capital = spiral::capital;
namespace margin = spiral::margin;

namespace {

constexpr const char* target = "capital";

void require(bool ok, const std::string& what) {
    fuzz::require(ok, target, what);
}

bool within(double a, double b, double scale) {
    return std::abs(a - b) <= 1e-9 * scale + 1e-300;
}

void designs(fuzz::input& in) {
    const auto design = static_cast<capital::collateral_design>(in.byte() % 3);
    capital::design_rules rules;
    if (in.flag()) {
        rules.static_ratio = in.any();
        rules.confidence = in.any();
        rules.horizon_days = in.any();
        rules.ewma_lambda = in.any();
        rules.vol_floor = in.any();
        rules.resilience = in.any();
    } else {
        rules.static_ratio = in.in(1.01, 5);
        rules.confidence = in.in(0.51, 0.9999);
        rules.horizon_days = in.in(0.1, 30);
        rules.ewma_lambda = in.in(0.5, 0.999);
        rules.vol_floor = in.in(0, 2);
        rules.resilience = in.in(0, 1);
    }
    rules.withdraw_excess = in.flag();
    const bool wild = in.flag();
    capital::design_book book;
    book.assets = in.count(1, 3);
    const std::size_t accounts = in.count(1, 6);
    for (std::size_t i = 0; i < accounts; ++i) {
        book.debt.push_back(wild ? in.any() : in.in(1e-6, 1e9));
        book.buffer.push_back(wild ? in.any() : in.in(0, 3));
        book.reserve.push_back(wild ? in.any() : in.in(0, 1e9));
        double left = 1;
        for (std::size_t j = 0; j + 1 < book.assets; ++j) {
            const double w = wild ? in.any() : left * in.in(0, 1);
            book.weights.push_back(w);
            left -= w;
        }
        book.weights.push_back(left);
    }
    const std::size_t days = in.count(2, 12);
    std::vector<double> prices;
    for (std::size_t t = 0; t < days * book.assets; ++t)
        prices.push_back(wild ? in.any() : in.in(1e-6, 1e9));
    const std::size_t first = in.count(0, days);
    const std::size_t last = in.count(0, days);
    std::vector<spiral::impact::exponential> curves;
    const std::size_t curve_count = in.count(0, 4) == 0 ? in.count(0, 4) : book.assets;
    for (std::size_t j = 0; j < curve_count; ++j)
        curves.push_back({wild ? std::abs(in.any()) : in.in(0, 10)});

    capital::design_outcome out;
    try {
        out = capital::run_design(design, rules, book, prices, first, last, curves);
    } catch (const spiral::invalid_argument&) {
        return;
    }
    double debt = 0;
    for (const double d : book.debt)
        debt += d;
    const std::string at = std::string(capital::design_name(design)) + ": ";
    require(std::isfinite(out.collateral_opened) && out.collateral_opened > 0,
            at + "collateral_opened = " + fuzz::text(out.collateral_opened));
    require(within(out.debt, debt, debt), at + "debt " + fuzz::text(out.debt));
    require(within(out.repaid + out.bad_debt + out.open_debt, debt, debt),
            at + "repaid + bad + open = " + fuzz::text(out.repaid + out.bad_debt + out.open_debt) +
                " != debt " + fuzz::text(debt));
    require(out.repaid >= 0 && out.bad_debt >= 0 && out.open_debt >= 0, at + "a negative total");
    require(out.repaid <= out.proceeds * (1 + 1e-12) + 1e-300, at + "repaid > proceeds");
    require(out.proceeds <= out.forced_sales * (1 + 1e-9) + 1e-300,
            at + "proceeds " + fuzz::text(out.proceeds) + " > value sold " +
                fuzz::text(out.forced_sales));
    require(out.liquidations <= book.accounts(), at + "more close-outs than accounts");
    require(out.locked.size() == last - first + 1 && out.price.size() == out.locked.size(),
            at + "one value per day");
    for (std::size_t d = 0; d < out.locked.size(); ++d) {
        require(std::isfinite(out.locked[d]) && out.locked[d] >= 0,
                at + "locked[" + std::to_string(d) + "] = " + fuzz::text(out.locked[d]));
        require(std::isfinite(out.price[d]) && out.price[d] > 0,
                at + "price[" + std::to_string(d) + "] = " + fuzz::text(out.price[d]));
    }
    require(std::isfinite(out.margin_posted) && std::isfinite(out.withdrawn) &&
                std::isfinite(out.forced_sales),
            at + "a non-finite total");
    require(std::isnan(out.amplification) || out.amplification >= 1 - 1e-9,
            at + "amplification " + fuzz::text(out.amplification));
}

void forecasts(fuzz::input& in) {
    const std::size_t n = in.count(1, 80);
    const bool wild = in.flag();
    std::vector<double> returns;
    for (std::size_t i = 0; i < n; ++i)
        returns.push_back(wild ? in.any() : in.in(-0.5, 0.5));
    capital::forecast_spec spec{in.flag() ? in.any() : in.in(0.5, 0.999), in.count(0, 12)};
    std::vector<double> m(n + (in.count(0, 8) == 0 ? 0 : 1));
    const auto check = [&](const char* model, bool loss_quantile) {
        for (std::size_t t = 0; t < m.size(); ++t) {
            require(!std::isnan(m[t]),
                    std::string(model) + ": margin[" + std::to_string(t) + "] is NaN");
            if (loss_quantile)
                require(m[t] <= 1,
                        std::string(model) + ": a loss above the position, " + fuzz::text(m[t]));
            else
                require(m[t] >= 0, std::string(model) + ": margin[" + std::to_string(t) +
                                       "] = " + fuzz::text(m[t]));
        }
    };
    try {
        switch (in.byte() % 6) {
        case 0:
            capital::static_margin{in.any()}.apply(returns, m);
            check("static", false);
            break;
        case 1:
            capital::ewma_margin{spec, margin::ewma{in.any()},
                                 in.flag() ? in.any() : __builtin_nan("")}
                .apply(returns, m);
            check("ewma", false);
            break;
        case 2:
            capital::garch_margin{spec, margin::garch11{in.any(), in.any(), in.any()},
                                  in.flag() ? in.any() : __builtin_nan("")}
                .apply(returns, m);
            check("garch", false);
            break;
        case 3:
            capital::har_margin{spec, in.count(0, 100), in.any()}.apply(returns, m);
            check("har", false);
            break;
        case 4:
            capital::historical_simulation{spec, in.count(0, 100)}.apply(returns, m);
            check("hs", true);
            break;
        default: {
            std::vector<double> variance(n + 1);
            for (double& v : variance)
                v = wild ? in.any() : in.in(1e-8, 1);
            capital::filtered_historical_simulation{spec, in.count(0, 100)}.apply(returns, variance,
                                                                                  m);
            check("fhs", true);
            break;
        }
        }
        if (in.flag()) { // the APC tools on top of whatever the forecast gave
            capital::apc_tools apc;
            apc.buffer = margin::apc_buffer{in.any()};
            apc.speed = margin::speed_limit{in.any()};
            apc.apply(returns, m);
            check("apc", false);
        }
    } catch (const spiral::invalid_argument&) {
    }
}

void statistics(fuzz::input& in) {
    const double confidence = in.flag() ? in.any() : in.in(0.5, 0.9999);
    const std::size_t observations = in.count(0, 5000);
    const std::size_t breaches = in.count(0, 5000);
    const auto probability = [](double p) { return p >= 0 && p <= 1; };
    try {
        const auto k = capital::kupiec_pof(observations, breaches, confidence);
        require(k.statistic >= 0 && probability(k.p_value),
                "kupiec: statistic " + fuzz::text(k.statistic) + ", p " + fuzz::text(k.p_value));
    } catch (const spiral::invalid_argument&) {
    }
    std::vector<std::uint8_t> hits(in.count(0, 300));
    for (auto& h : hits)
        h = in.byte() & (in.flag() ? 1 : 3);
    try {
        const auto c = capital::christoffersen(hits, confidence);
        require(probability(c.independence.p_value) &&
                    probability(c.conditional_coverage.p_value) && c.independence.statistic >= 0 &&
                    c.conditional_coverage.statistic >= 0,
                "christoffersen: p " + fuzz::text(c.independence.p_value) + ", " +
                    fuzz::text(c.conditional_coverage.p_value));
    } catch (const spiral::invalid_argument&) {
    }
    try {
        (void)capital::traffic_light(breaches, observations, confidence);
    } catch (const spiral::invalid_argument&) {
    }
    const double cdf = capital::binomial_cdf(breaches, observations, in.in(0, 1));
    require(probability(cdf), "binomial_cdf = " + fuzz::text(cdf));
    const double tail =
        capital::chi_square_survival(in.any(), static_cast<unsigned>(in.count(1, 3)));
    require(std::isnan(tail) || probability(tail), "chi_square_survival = " + fuzz::text(tail));
}

void smart_ltv(fuzz::input& in) {
    capital::smart_ltv_input x;
    x.volatility = in.any();
    x.liquidity = in.any();
    x.debt_cap = in.any();
    x.confidence = in.any();
    x.bonus = in.any();
    try {
        const double ltv = capital::smart_ltv(x);
        require(ltv >= 0 && ltv <= 1, "smart_ltv = " + fuzz::text(ltv));
    } catch (const spiral::invalid_argument&) {
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::input in(data, size);
    switch (in.byte() % 4) {
    case 0:
        designs(in);
        break;
    case 1:
        forecasts(in);
        break;
    case 2:
        statistics(in);
        break;
    default:
        smart_ltv(in);
        break;
    }
    return 0;
}
