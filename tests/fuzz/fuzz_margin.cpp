// Fuzz target for margin/: scenario-grid margin (positions and bulk columns), published risk
// arrays, the per-option rule on columns, multi-asset accounts, and the dynamic-margin tools on
// return and margin histories. First byte: the entry point. Contract: spiral::invalid_argument,
// or finite results: margins >= 0, variance forecasts > 0, margin series > 0 that respect
// each tool's definition (buffer within [base, (1 + b) base], floor >= base, speed limit).
#include <spiral/margin/margin.hpp>

#include "fuzz_input.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace mg = spiral::margin;

namespace {

constexpr const char* target = "margin";

bool all_finite(std::span<const double> v) {
    for (const double x : v)
        if (!std::isfinite(x))
            return false;
    return true;
}

spiral::bs_input<double> option(fuzz::input& in) {
    return {in.mostly(1e-3, 1e6), in.mostly(1e-3, 1e6), in.mostly(0, 5),
            in.mostly(-0.2, 0.5), in.mostly(-0.2, 0.5), in.mostly(0, 3)};
}

template <std::size_t N>
void grid(fuzz::input& in, const mg::scenario_grid<N>& g) {
    std::vector<mg::option_position> options(in.count(0, 4));
    for (auto& p : options)
        p = {in.flag() ? spiral::option_type::call : spiral::option_type::put, option(in),
             in.mostly(-1e6, 1e6)};
    std::vector<mg::linear_position> linear(in.count(0, 3));
    for (auto& p : linear)
        p = {in.mostly(-1e9, 1e9), in.mostly(1e-3, 1e6)};
    std::array<double, N> pnl{};
    mg::grid_result r{};
    if (!fuzz::accepted(target, [&] { r = mg::grid_margin(g, options, linear, pnl); }))
        return;
    fuzz::require(std::isfinite(r.margin) && r.margin >= 0 && r.worst < N, target,
                  "grid margin " + fuzz::text(r.margin));
    fuzz::require(all_finite(pnl), target, "a scenario P&L is not finite");
    // The bulk form on the same portfolio: the same margin (revaluation may round apart).
    // Only below a gross value of 1e250: near the overflow edge the two forms sum the P&L in
    // different orders, so one may overflow where the other does not (each then names a
    // position; tests/unit/reliability.cpp checks both).
    double gross = 0;
    for (const auto& p : options)
        gross += std::abs(p.quantity) * (p.option.spot * 10 + p.option.strike);
    for (const auto& p : linear)
        gross += std::abs(p.quantity) * p.price * 10;
    // Likewise shocked vols beyond 1e6 (a day count of 1e308 scales the vol shock by 1e305):
    // outside the bulk Black-Scholes domain, which the bulk form rejects (issue 12 item 7).
    bool moderate = gross < 1e250 && g.shock.days_per_year <= 1e6;
    for (const auto& p : options)
        moderate = moderate && p.option.vol <= 100;
    if (!moderate)
        return;
    const std::size_t n = options.size();
    std::vector<spiral::option_type> type(n);
    std::vector<double> spot(n), strike(n), time(n), rate(n), dividend(n), vol(n), q(n);
    for (std::size_t i = 0; i < n; ++i) {
        type[i] = options[i].type;
        spot[i] = options[i].option.spot;
        strike[i] = options[i].option.strike;
        time[i] = options[i].option.time;
        rate[i] = options[i].option.rate;
        dividend[i] = options[i].option.dividend;
        vol[i] = options[i].option.vol;
        q[i] = options[i].quantity;
    }
    std::vector<double> lq, lp;
    for (const auto& p : linear) {
        lq.push_back(p.quantity);
        lp.push_back(p.price);
    }
    mg::grid_result bulk{};
    if (!fuzz::accepted(target, [&] {
            bulk = mg::grid_margin(
                g,
                mg::portfolio_columns{{type, spot, strike, time, rate, dividend, vol}, q, lq, lp});
        }))
        return;
    // Revaluations round relative to the values, not to their differences: compare at the
    // scale of the portfolio's gross value.
    std::string portfolio;
    for (const auto& p : options)
        portfolio += std::string(p.type == spiral::option_type::call ? " call" : " put") + " S " +
                     fuzz::text(p.option.spot) + " K " + fuzz::text(p.option.strike) + " T " +
                     fuzz::text(p.option.time) + " r " + fuzz::text(p.option.rate) + " q " +
                     fuzz::text(p.option.dividend) + " vol " + fuzz::text(p.option.vol) + " x " +
                     fuzz::text(p.quantity) + ";";
    for (const auto& p : linear)
        portfolio += " linear " + fuzz::text(p.quantity) + " @ " + fuzz::text(p.price) + ";";
    fuzz::require(std::abs(bulk.margin - r.margin) <= 1e-9 * gross + 1e-300, target,
                  "bulk grid margin " + fuzz::text(bulk.margin) + " vs " + fuzz::text(r.margin) +
                      " for" + portfolio + " horizon " + fuzz::text(g.horizon_years) +
                      " shock up " + fuzz::text(g.shock.up) + " down " + fuzz::text(g.shock.down) +
                      " relative " + std::to_string(g.shock.relative) + " powers " +
                      fuzz::text(g.shock.short_term_power) + " " +
                      fuzz::text(g.shock.long_term_power) + " last move " +
                      fuzz::text(g.scenarios[N - 1].price_move) + " weight " +
                      fuzz::text(g.scenarios[N - 1].weight) + " N " + std::to_string(N) + " dpy " +
                      fuzz::text(g.shock.days_per_year) + " first move " +
                      fuzz::text(g.scenarios[0].price_move));
}

void risk_arrays(fuzz::input& in) {
    std::vector<std::array<double, 16>> arrays(in.count(0, 4));
    for (auto& a : arrays)
        for (double& x : a)
            x = in.mostly(-1e6, 1e6);
    const std::vector<double> q = in.values(arrays.size() + (in.byte() == 255), -1e6, 1e6);
    mg::grid_result r{};
    if (fuzz::accepted(target, [&] {
            r = mg::risk_array_margin(std::span<const std::array<double, 16>>(arrays), q);
        }))
        fuzz::require(std::isfinite(r.margin) && r.margin >= 0, target,
                      "risk array margin " + fuzz::text(r.margin));
}

void option_rule(fuzz::input& in) {
    const mg::option_rule rule{in.mostly(0, 1), in.mostly(0, 1), in.mostly(0, 1)};
    const std::size_t n = in.count(0, 8);
    std::vector<spiral::option_type> type(n);
    for (auto& t : type)
        t = static_cast<spiral::option_type>(in.byte() % 3); // 2: outside the enum
    const std::vector<double> q = in.values(n, -1e6, 1e6), spot = in.values(n, 1e-3, 1e6),
                              strike = in.values(n, 1e-3, 1e6), mark = in.values(n, 0, 1e5);
    std::vector<double> initial(n), maintenance(n);
    if (!fuzz::accepted(target, [&] {
            mg::option_rule_margin(rule, {type, q, spot, strike, mark}, initial, maintenance);
        }))
        return;
    for (std::size_t i = 0; i < n; ++i) {
        // +inf only where the requirement can overflow: with every rate in [0, 1] the short
        // requirement per unit is at most 2 (spot + mark) (the put's maintenance part is
        // max(mm spot, mm mark) + mark), so only where |quantity| 2 (spot + mark) overflows
        const bool overflows = !std::isfinite(std::abs(q[i]) * 2 * (spot[i] + mark[i]));
        for (const double r : {initial[i], maintenance[i]})
            fuzz::require(r >= 0 && (std::isfinite(r) || (overflows && r > 0)), target,
                          "option rule requirement " + fuzz::text(r) + " for quantity " +
                              fuzz::text(q[i]) + ", spot " + fuzz::text(spot[i]) + ", strike " +
                              fuzz::text(strike[i]) + ", mark " + fuzz::text(mark[i]));
    }
}

void account(fuzz::input& in) {
    const std::size_t n = in.count(0, 5);
    const std::vector<double> q = in.values(n, 0, 1e9), p = in.values(n, 1e-6, 1e6),
                              t = in.values(n, 0, 1);
    std::vector<double> ltv(n);
    for (std::size_t i = 0; i < n; ++i)
        ltv[i] = t[i] * in.mostly(0, 1);
    const double debt = in.mostly(0, 1e12);
    const mg::account_columns a{q, p, t, ltv};
    double h = 0, power = 0;
    if (fuzz::accepted(target, [&] { h = mg::health_factor(a, debt); }))
        fuzz::require(h >= 0 && !std::isnan(h), target, "health factor " + fuzz::text(h));
    if (fuzz::accepted(target, [&] { power = mg::borrowing_power(a, debt); }))
        fuzz::require(!std::isnan(power), target, "borrowing power NaN");
}

void dynamic(fuzz::input& in) {
    const std::size_t n = in.count(1, 64);
    const std::vector<double> prices = in.values(n + 1, 1e-6, 1e6);
    std::vector<double> returns(n);
    if (fuzz::accepted(target, [&] { mg::log_returns(prices, returns); }))
        fuzz::require(all_finite(returns), target, "a log return is not finite");
    else
        returns = in.values(n, -0.5, 0.5); // the tools below check them again
    std::vector<double> variance(n + 1);
    const bool ewma = in.flag();
    if (!fuzz::accepted(target, [&] {
            if (ewma)
                mg::ewma{in.mostly(1e-3, 0.999)}.variance(returns, variance,
                                                          in.flag() ? in.mostly(0, 1) : NAN);
            else
                mg::garch11{in.mostly(1e-12, 1e-2), in.mostly(0, 0.3), in.mostly(0, 0.99)}.variance(
                    returns, variance);
        }))
        return;
    for (const double v : variance)
        fuzz::require(std::isfinite(v) && v >= 0, target, "variance forecast " + fuzz::text(v));
    // Margins from the variance (those > 0), then every APC tool on them.
    std::vector<double> base(n + 1);
    const mg::var_margin var{in.mostly(0.5, 0.9999), in.mostly(1e-3, 30)};
    if (!fuzz::accepted(target, [&] { var.apply(variance, base); }))
        return;
    fuzz::require(all_finite(base), target, "var margin not finite");
    std::vector<double> out(n + 1);
    const double buffer = in.mostly(0, 2);
    if (fuzz::accepted(target, [&] { mg::apc_buffer{buffer}.apply(base, out); }))
        for (std::size_t t = 0; t <= n; ++t)
            fuzz::require(out[t] >= base[t] * (1 - 1e-15) &&
                              out[t] <= (1 + buffer) * base[t] * (1 + 1e-15),
                          target, "buffer outside [base, (1 + b) base]");
    if (fuzz::accepted(target, [&] {
            mg::stress_weight{in.mostly(0, 1), in.count(0, 8)}.apply(base, out);
        }))
        fuzz::require(all_finite(out), target, "stressed margin not finite");
    const mg::lookback_floor floor{in.count(1, 16), var};
    if (fuzz::accepted(target, [&] { floor.apply(returns, base, out); }))
        for (std::size_t t = 0; t <= n; ++t)
            fuzz::require(std::isfinite(out[t]) && out[t] >= base[t], target,
                          "look-back floor below base or not finite: " + fuzz::text(out[t]));
    const double increase = in.mostly(0, 1);
    if (fuzz::accepted(target, [&] { mg::speed_limit{increase}.apply(base, out); }))
        for (std::size_t t = 1; t <= n; ++t)
            fuzz::require(out[t] <= base[t] && out[t] <= (1 + increase) * out[t - 1] * (1 + 1e-15),
                          target, "speed limit broken");
    mg::procyclicality metrics{};
    if (fuzz::accepted(target, [&] { metrics = mg::procyclicality_metrics(base, in.count(0, 5)); }))
        fuzz::require(std::isfinite(metrics.peak_to_trough) && metrics.peak_to_trough >= 1 &&
                          !std::isnan(metrics.max_n_day_increase),
                      target, "procyclicality metrics");
    // Likelihood and (a short) fit.
    double ll = 0;
    const mg::garch11 g{in.mostly(1e-12, 1e-2), in.mostly(0, 0.3), in.mostly(0, 0.6)};
    const double v0 = in.flag() ? in.any() : NAN;
    if (fuzz::accepted(target, [&] { ll = mg::garch_log_likelihood(g, returns, v0); }))
        fuzz::require(!std::isnan(ll), target,
                      "log-likelihood NaN for omega " + fuzz::text(g.omega) + ", alpha " +
                          fuzz::text(g.alpha) + ", beta " + fuzz::text(g.beta) + ", v0 " +
                          fuzz::text(v0) + ", r0 " + fuzz::text(returns[0]));
    if (in.flag()) {
        mg::garch_fit_options o;
        o.max_evaluations = in.count(1, 300);
        o.tolerance = in.mostly(1e-12, 1e-3);
        mg::garch_fit_result fit{};
        if (fuzz::accepted(target, [&] { fit = mg::fit_garch11(returns, o); }))
            fuzz::require(std::isfinite(fit.params.omega) && fit.params.omega > 0 &&
                              fit.params.alpha + fit.params.beta < 1 &&
                              std::isfinite(fit.log_likelihood),
                          target, "GARCH fit not a stationary model with a finite likelihood");
    }
}

void brackets(fuzz::input& in) {
    std::vector<mg::bracket> tiers(in.count(0, 5));
    double floor = 0, rate = in.mostly(0, 0.1);
    for (std::size_t i = 0; i < tiers.size(); ++i) {
        tiers[i] = {floor, rate, in.mostly(1, 125)};
        floor += in.mostly(1, 1e9);
        rate = std::min(1.0, rate + in.mostly(0, 0.1));
    }
    const mg::leverage_brackets table{tiers};
    if (!fuzz::accepted(target, [&] { table.validate(); }))
        return;
    const double notional = in.in(-1e15, 1e15); // the kernels take finite notionals
    const double m = table.maintenance_margin(notional), im = table.initial_margin(notional);
    fuzz::require(std::isfinite(m) && m >= 0 && std::isfinite(im) && im >= 0, target,
                  "bracket margins " + fuzz::text(m) + ", " + fuzz::text(im));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::input in(data, size);
    switch (in.byte() % 7) {
    case 0: {
        const mg::span_parameters p{in.mostly(0, 0.5), in.mostly(0, 1),  in.mostly(0, 3),
                                    in.mostly(0, 1),   in.mostly(0, 30), in.mostly(1, 366)};
        if (fuzz::accepted(target, [&] { p.validate(); }))
            grid(in, p.grid());
        break;
    }
    case 1: {
        mg::crypto_pm_parameters p;
        p.price_range = in.mostly(0, 0.9);
        p.vol_range_up = in.mostly(0, 2);
        p.vol_range_down = in.mostly(0, 1);
        p.short_term_vega_power = in.mostly(-1, 1);
        p.long_term_vega_power = in.mostly(-1, 1);
        p.horizon_days = in.mostly(0, 30);
        p.days_per_year = in.mostly(1, 366);
        if (fuzz::accepted(target, [&] { p.validate(); }))
            grid(in, p.grid());
        break;
    }
    case 2:
        risk_arrays(in);
        break;
    case 3:
        option_rule(in);
        break;
    case 4:
        account(in);
        break;
    case 5:
        dynamic(in);
        break;
    default:
        brackets(in);
        break;
    }
    return 0;
}
