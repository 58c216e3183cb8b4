// Margin models (static rules): collateral accounts, the crypto per-position option rule,
// delta-gamma-vega margin, scenario grids (SPAN, crypto portfolio margin), cross-margining with
// same-asset collateral, size-dependent margin, and the bulk entry points (scalar build).
// Expected numbers are written out by hand from the published formulas, taken from published
// tables (McMillan's SPAN arrays, Binance's bracket table), or recomputed here by a plain loop
// over spiral::black_scholes_price that shares nothing with the grid code but the pricer.
#include <spiral/haircut/volatility.hpp>
#include <spiral/haircut/wrong_way.hpp>
#include <spiral/margin/margin.hpp>

#include "support/throws.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace unit_tests_margin_rules {

namespace mg = spiral::margin;
using spiral::bs_input;
using spiral::option_type;

namespace {

constexpr double qnan = std::numeric_limits<double>::quiet_NaN();

using spiral::test::require_throws_naming;

} // namespace

// ------------------------------------------------------------------ accounts

TEST_CASE("account: health factor, borrowing power, liquidation price (worked example)",
          "[margin]") {
    // 10 ETH at 2000 (threshold 82.5%, LTV 80%) and 5000 USDC (88%, 85%) against 15000 debt.
    const std::vector<double> q{10, 5000}, p{2000, 1}, t{0.825, 0.88}, l{0.80, 0.85};
    const mg::account_columns account{q, p, t, l};
    // (10*2000*0.825 + 5000*0.88) / 15000 = (16500 + 4400) / 15000
    CHECK(mg::health_factor(account, 15000.0) == Approx(20900.0 / 15000.0).epsilon(1e-15));
    // 10*2000*0.8 + 5000*0.85 - 15000 = 16000 + 4250 - 15000
    CHECK(mg::borrowing_power(account, 15000.0) == Approx(5250.0).epsilon(1e-15));
    // ETH price with h = 1: (15000 - 4400) / (10 * 0.825) = 1284.8484...
    const double liquidation = mg::liquidation_price(account, 15000.0, 0);
    CHECK(liquidation == Approx(10600.0 / 8.25).epsilon(1e-15));
    CHECK(mg::distance_to_liquidation(2000.0, liquidation) ==
          Approx(1.0 - 10600.0 / 8.25 / 2000.0).epsilon(1e-14));
    // at that price the account is exactly at the threshold
    const std::vector<double> p_liq{liquidation, 1};
    CHECK(mg::health_factor(mg::account_columns{q, p_liq, t, l}, 15000.0) ==
          Approx(1.0).epsilon(1e-14));
    // USDC alone cannot be liquidated by its price unless ETH falls: its liquidation price is
    // (15000 - 16500) / ... < 0 -> 0 (never).
    CHECK(mg::liquidation_price(account, 15000.0, 1) == 0.0);
    CHECK(mg::health_factor(account, 0.0) == std::numeric_limits<double>::infinity());
    // element forms
    CHECK(mg::liquidation_price(2.0, 0.8, 1000.0) == Approx(625.0));
    CHECK(mg::health_factor(1200.0, 1000.0) == Approx(1.2));
}

TEST_CASE("account: bad input names field and row", "[margin]") {
    const std::vector<double> q{10, -1}, p{2000, 1}, t{0.825, 0.88}, l{0.80, 0.85};
    require_throws_naming(
        [&] {
            (void)mg::health_factor(mg::account_columns{q, p, t, l}, 1.0);
        },
        {"quantity[1]", "-1"});
    const std::vector<double> empty;
    require_throws_naming(
        [&] {
            (void)mg::health_factor(mg::account_columns{empty, empty, empty, empty}, 1.0);
        },
        {"quantity", "empty"});
    const std::vector<double> q2{1, 1}, p1{2000};
    require_throws_naming(
        [&] {
            (void)mg::health_factor(mg::account_columns{q2, p1, t, l}, 1.0);
        },
        {"price.size()", "1"});
    const std::vector<double> l_bad{0.9, 0.85}, q_ok{1, 1};
    require_throws_naming(
        [&] {
            (void)mg::borrowing_power(mg::account_columns{q_ok, p, t, l_bad}, 1.0);
        },
        {"loan_to_value[0]", "0.9"});
    const std::vector<double> p_nan{qnan, 1};
    require_throws_naming(
        [&] {
            (void)mg::health_factor(mg::account_columns{q_ok, p_nan, t, l}, 1.0);
        },
        {"price[0]"});
    require_throws_naming(
        [&] {
            (void)mg::health_factor(mg::account_columns{q_ok, p, t, l}, -5.0);
        },
        {"debt", "-5"});
}

// ------------------------------------------------------------------ per-position option rule

TEST_CASE("option rule: Deribit formulas, worked by hand", "[margin]") {
    const auto& rule = mg::venues::deribit;
    const double s = 60000;
    // short call K 70000 (OTM 10000/60000), mark 600 (0.01 BTC):
    // IM = max(0.15 - 1/6, 0.10) + 0.01 = 0.11 -> 6600;  MM = 0.075 + 0.01 = 0.085 -> 5100
    auto r = mg::short_option_requirement(rule, option_type::call, s, 70000.0, 600.0);
    CHECK(r.initial == Approx(6600.0).epsilon(1e-14));
    CHECK(r.maintenance == Approx(5100.0).epsilon(1e-14));
    // short call K 50000 (in the money: OTM 0), mark 10500 (0.175):
    // IM = 0.15 + 0.175 = 0.325 -> 19500;  MM = 0.25 -> 15000
    r = mg::short_option_requirement(rule, option_type::call, s, 50000.0, 10500.0);
    CHECK(r.initial == Approx(19500.0).epsilon(1e-14));
    CHECK(r.maintenance == Approx(15000.0).epsilon(1e-14));
    // short put K 55000 (OTM 5000/60000 = 0.08333), mark 900 (0.015):
    // MM = max(0.075, 0.075 * 0.015) + 0.015 = 0.09 -> 5400
    // IM = max(max(0.15 - 0.08333, 0.10) + 0.015, 0.09) = 0.115 -> 6900
    r = mg::short_option_requirement(rule, option_type::put, s, 55000.0, 900.0);
    CHECK(r.initial == Approx(6900.0).epsilon(1e-14));
    CHECK(r.maintenance == Approx(5400.0).epsilon(1e-14));
    // far out-of-the-money put K 30000, mark 12 (0.0002): IM = 0.1002 -> 6012, MM 0.0752 -> 4512
    r = mg::short_option_requirement(rule, option_type::put, s, 30000.0, 12.0);
    CHECK(r.initial == Approx(6012.0).epsilon(1e-14));
    CHECK(r.maintenance == Approx(4512.0).epsilon(1e-14));
    // positions: 3 short contracts triple it; long ones need nothing
    auto p = mg::position_requirement(rule, option_type::put, -3.0, s, 30000.0, 12.0);
    CHECK(p.initial == Approx(3 * 6012.0).epsilon(1e-14));
    p = mg::position_requirement(rule, option_type::call, 2.0, s, 70000.0, 600.0);
    CHECK(p.initial == 0.0);
    CHECK(p.maintenance == 0.0);
    // NaN in, NaN out
    CHECK(std::isnan(mg::short_option_requirement(rule, option_type::call, s, qnan, 1.0).initial));
    // the tighter preset charges more on the same position
    CHECK(
        mg::short_option_requirement(mg::venues::conservative, option_type::call, s, 70000.0, 600.0)
            .initial > 6600.0);
}

TEST_CASE("option rule: properties over generated positions", "[margin]") {
    std::mt19937_64 rng(5);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    for (int i = 0; i < 2000; ++i) {
        const double s = 100 * (0.5 + u(rng));
        const double k = s * (0.5 + u(rng));
        const double mark = s * 0.2 * u(rng);
        for (auto type : {option_type::call, option_type::put}) {
            const auto r = mg::short_option_requirement(mg::venues::deribit, type, s, k, mark);
            CHECK(r.initial >= r.maintenance); // IM never below MM
            CHECK(r.maintenance >= 0.075 * s + mark - 1e-9 * s);
            CHECK(r.initial >= 0.10 * s + mark - 1e-9 * s);
            CHECK(r.initial <= 0.15 * s + mark + 1e-9 * s);
        }
    }
}

TEST_CASE("option rule: bulk columns equal the element rule, bad rows named", "[margin]") {
    std::mt19937_64 rng(11);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    const std::size_t n = 37;
    std::vector<option_type> type(n);
    std::vector<double> q(n), s(n), k(n), mark(n), im(n), mm(n);
    for (std::size_t i = 0; i < n; ++i) {
        type[i] = u(rng) < 0.5 ? option_type::call : option_type::put;
        q[i] = std::round(20 * u(rng) - 10);
        s[i] = 1000 * (0.5 + u(rng));
        k[i] = s[i] * (0.6 + 0.8 * u(rng));
        mark[i] = 0.1 * s[i] * u(rng);
    }
    mg::option_rule_margin(mg::venues::deribit, {type, q, s, k, mark}, im, mm);
    for (std::size_t i = 0; i < n; ++i) {
        const auto e =
            mg::position_requirement(mg::venues::deribit, type[i], q[i], s[i], k[i], mark[i]);
        CHECK(im[i] == Approx(e.initial).epsilon(1e-14).margin(1e-12));
        CHECK(mm[i] == Approx(e.maintenance).epsilon(1e-14).margin(1e-12));
    }
    mark[7] = -1;
    require_throws_naming(
        [&] {
            mg::option_rule_margin(mg::venues::deribit, {type, q, s, k, mark}, im, mm);
        },
        {"mark[7]", "-1"});
    mark[7] = 1;
    q[30] = qnan;
    require_throws_naming(
        [&] {
            mg::option_rule_margin(mg::venues::deribit, {type, q, s, k, mark}, im, mm);
        },
        {"quantity[30]"});
    q[30] = 1;
    std::vector<double> short_out(n - 1);
    require_throws_naming(
        [&] {
            mg::option_rule_margin(mg::venues::deribit, {type, q, s, k, mark}, short_out, mm);
        },
        {"initial.size()", "36"});
    require_throws_naming(
        [&] {
            mg::option_rule_margin(mg::option_rule{.im_base = 0.1, .im_floor = 0.2},
                                   {type, q, s, k, mark}, im, mm);
        },
        {"im_floor", "0.2"});
}

// ------------------------------------------------------------------ delta-gamma-vega

TEST_CASE("delta-gamma-vega: Taylor P&L against finite-difference Greeks, full P&L by hand",
          "[margin]") {
    const bs_input<double> in{100, 105, 0.25, 0.03, 0.0, 0.6};
    const double h = 1e-3;
    auto price = [&](double s, double v) {
        bs_input<double> x = in;
        x.spot = s;
        x.vol = v;
        return spiral::black_scholes_price(option_type::call, x);
    };
    // central differences (independent of black_scholes' analytic Greeks)
    const double delta = (price(100 + h, 0.6) - price(100 - h, 0.6)) / (2 * h);
    const double gamma =
        (price(100 + h, 0.6) - 2 * price(100, 0.6) + price(100 - h, 0.6)) / (h * h);
    const double vega = (price(100, 0.6 + h) - price(100, 0.6 - h)) / (2 * h);
    const auto g = spiral::black_scholes(option_type::call, in);
    const double ds = 4.0, dv = 0.03, q = -7.0;
    const double by_hand = q * (delta * ds + 0.5 * gamma * ds * ds + vega * dv);
    CHECK(mg::taylor_pnl(g, q, ds, dv) == Approx(by_hand).epsilon(1e-5));
    CHECK(mg::revaluation_pnl(option_type::call, in, q, ds, dv) ==
          Approx(q * (price(104, 0.63) - price(100, 0.6))).epsilon(1e-13));
    // tiny moves: the two agree to the third order of the move
    const double tiny = 1e-3;
    CHECK(mg::taylor_pnl(g, q, tiny, 0.0) ==
          Approx(mg::revaluation_pnl(option_type::call, in, q, tiny, 0.0)).epsilon(1e-6));
}

TEST_CASE("delta-gamma-vega: where the Taylor expansion fails", "[margin]") {
    // Short at-the-money call one day from expiry, 80% vol, 15% move: gamma is concentrated
    // at the strike, so the quadratic term overstates the loss (a call's value rises at most
    // one for one with the spot).
    const bs_input<double> in{100, 100, 1.0 / 365, 0.0, 0.0, 0.8};
    const mg::delta_gamma_vega model{.price_move = 0.15, .vol_move = 0.0};
    const auto r = model(option_type::call, in, -1.0);
    const double c0 = spiral::black_scholes_price(option_type::call, in);
    bs_input<double> up = in;
    up.spot = 115;
    const double full_by_hand = spiral::black_scholes_price(option_type::call, up) - c0;
    CHECK(r.full == Approx(full_by_hand).epsilon(1e-12));
    CHECK(r.taylor > 1.2 * r.full);
    // A long 30-day call over +-2%: both agree within 1% (gamma nearly constant there).
    const bs_input<double> calm{100, 100, 30.0 / 365, 0.0, 0.0, 0.5};
    const auto c =
        mg::delta_gamma_vega{.price_move = 0.02, .vol_move = 0.0}(option_type::call, calm, 1.0);
    CHECK(c.taylor == Approx(c.full).epsilon(0.01));
}

// ------------------------------------------------------------------ scenario grids

namespace {

/// The portfolio P&L of a grid recomputed here scenario by scenario (weights not applied).
template <std::size_t N>
std::array<double, N> grid_pnl_by_hand(const mg::scenario_grid<N>& g,
                                       const std::vector<mg::option_position>& options,
                                       const std::vector<mg::linear_position>& linear,
                                       const std::array<double, N>& vol_up_factor_unused = {}) {
    (void)vol_up_factor_unused;
    std::array<double, N> pnl{};
    for (std::size_t s = 0; s < N; ++s) {
        const auto& sc = g.scenarios[s];
        for (const auto& p : options) {
            const double days = std::max(g.shock.min_days, p.option.time * g.shock.days_per_year);
            const double power =
                days <= g.shock.pivot_days ? g.shock.short_term_power : g.shock.long_term_power;
            const double size = std::pow(g.shock.pivot_days / days, power) *
                                (sc.vol_direction > 0 ? g.shock.up : g.shock.down);
            double vol = p.option.vol;
            if (sc.vol_direction != 0)
                vol = std::max(0.0, vol + sc.vol_direction * size *
                                              (g.shock.relative ? p.option.vol : 1.0));
            bs_input<double> moved = p.option;
            moved.spot = p.option.spot * (1 + sc.price_move);
            moved.vol = vol;
            moved.time = std::max(0.0, p.option.time - g.horizon_years);
            pnl[s] += p.quantity * (spiral::black_scholes_price(p.type, moved) -
                                    spiral::black_scholes_price(p.type, p.option));
        }
        for (const auto& l : linear)
            pnl[s] += l.quantity * l.price * sc.price_move;
    }
    return pnl;
}

template <std::size_t N>
std::pair<double, std::size_t> worst_by_hand(const mg::scenario_grid<N>& g,
                                             const std::array<double, N>& pnl) {
    double worst = -1e300;
    std::size_t index = 0;
    for (std::size_t s = 0; s < N; ++s)
        if (-g.scenarios[s].weight * pnl[s] > worst) {
            worst = -g.scenarios[s].weight * pnl[s];
            index = s;
        }
    return {std::max(0.0, worst), index};
}

} // namespace

TEST_CASE("SPAN: McMillan's S&P 500 covered write (published risk arrays)", "[margin]") {
    // L. G. McMillan, "Options as a Strategic Investment", ch. 34 "Futures and Futures
    // Options", section "SPAN Margin": S&P 500 futures at $500 a point, price scan range
    // 20 points ($10,000), extreme move 14 points ($7,000 = 35% of 2 x 20 points); risk
    // arrays of one long future and one long Dec 410 call in CME's 16-scenario order (gains
    // positive, the extreme scenarios already at 35%). The covered write (long future, short
    // call) requires $6,620 ("futures down 3/3, vol up"); the long call alone $3,990.
    const std::array<double, 16> future{0,     0,     3330,  3330,  -3330,  -3330,  6670, 6670,
                                        -6670, -6670, 10000, 10000, -10000, -10000, 7000, -7000};
    const std::array<double, 16> call{460,   -610,  2640, 1730, -1270, -2340, 5210, 4540,
                                      -2540, -3430, 8060, 7640, -3380, -3990, 3130, -1500};
    const std::array<std::array<double, 16>, 2> arrays{future, call};
    const std::array<double, 2> covered_write{1, -1};
    const auto r = mg::risk_array_margin<16>(arrays, covered_write);
    CHECK(r.margin == 6620.0);
    CHECK(r.worst == 12); // scenario 13: down 3/3, vol up
    const std::array<double, 2> long_call{0, 1};
    const auto c = mg::risk_array_margin<16>(arrays, long_call);
    CHECK(c.margin == 3990.0);
    CHECK(c.worst == 13); // scenario 14: down 3/3, vol down

    // spiral's SPAN grid gives the future's array: scan range 20 points at 408, 35% extremes
    const auto grid = mg::span_parameters{.price_scan_range = 20.0 / 408.0,
                                          .vol_scan_range = 0.04,
                                          .extreme_multiple = 2,
                                          .extreme_cover = 0.35}
                          .grid();
    const std::array<mg::linear_position, 1> one_future{{{500.0, 408.0}}};
    std::array<double, 16> pnl{};
    mg::grid_margin(grid, {}, one_future, pnl);
    for (std::size_t s = 0; s < 16; ++s) {
        INFO("scenario " << s + 1);
        // McMillan rounds to $10
        CHECK(std::abs(grid.scenarios[s].weight * pnl[s] - future[s]) <= 5.0);
    }
    CHECK(mg::grid_margin(grid, {}, one_future).margin == Approx(10000.0).epsilon(1e-13));
}

TEST_CASE("SPAN: covered write by full revaluation equals a 16-row table computed by hand",
          "[margin]") {
    // Independent construction (the textbook gives arrays, not pricing inputs): long one
    // future at 408 ($500 a point) and short one 410 call on it, 60 days, 20% vol, 4% rate;
    // Black-76 = Black–Scholes with dividend = rate. Scan range 20 points, vol scan 4 points,
    // extremes 2 x 20 points at 35%, one day look-ahead. The 16 rows are written out here.
    const double f = 408, k = 410, t = 60.0 / 365, r = 0.04, v = 0.20, point = 500;
    const double h = 1.0 / 365;
    auto call = [&](double fut, double vol, double time) {
        return spiral::black_scholes_price(option_type::call,
                                           bs_input<double>{fut, k, time, r, r, vol});
    };
    const double c0 = call(f, v, t);
    struct row {
        double points, vol, weight;
    };
    const row rows[16] = {{0, v + 0.04, 1},
                          {0, v - 0.04, 1},
                          {20.0 / 3, v + 0.04, 1},
                          {20.0 / 3, v - 0.04, 1},
                          {-20.0 / 3, v + 0.04, 1},
                          {-20.0 / 3, v - 0.04, 1},
                          {40.0 / 3, v + 0.04, 1},
                          {40.0 / 3, v - 0.04, 1},
                          {-40.0 / 3, v + 0.04, 1},
                          {-40.0 / 3, v - 0.04, 1},
                          {20, v + 0.04, 1},
                          {20, v - 0.04, 1},
                          {-20, v + 0.04, 1},
                          {-20, v - 0.04, 1},
                          {40, v, 0.35},
                          {-40, v, 0.35}};
    double requirement = 0;
    std::size_t worst = 0;
    for (std::size_t s = 0; s < 16; ++s) {
        const double future_pnl = point * rows[s].points;
        const double call_pnl = point * (call(f + rows[s].points, rows[s].vol, t - h) - c0);
        const double loss = -rows[s].weight * (future_pnl - call_pnl);
        if (loss > requirement) {
            requirement = loss;
            worst = s;
        }
    }
    const auto grid =
        mg::span_parameters{.price_scan_range = 20.0 / f, .vol_scan_range = 0.04, .horizon_days = 1}
            .grid();
    const std::vector<mg::option_position> options{
        {option_type::call, bs_input<double>{f, k, t, r, r, v}, -point}};
    const std::vector<mg::linear_position> linear{{point, f}};
    const auto result = mg::grid_margin(grid, std::span<const mg::option_position>(options),
                                        std::span<const mg::linear_position>(linear));
    CHECK(result.margin == Approx(requirement).epsilon(1e-12));
    CHECK(result.worst == worst);
    CHECK(worst == 12); // like the textbook: futures down 3/3, vol up
    // the hedge works: far below the future's own $10,000
    CHECK(result.margin < 10000.0);
    CHECK(result.margin > 0.0);
}

TEST_CASE("crypto portfolio-margin grid: structure and vol shocks", "[margin]") {
    const mg::crypto_pm_parameters params{};
    const auto g = params.grid();
    STATIC_REQUIRE(decltype(g)::size() == 35);
    for (int step = 0; step < 9; ++step)
        for (int v = 0; v < 3; ++v) {
            const auto& sc = g.scenarios[static_cast<std::size_t>(3 * step + v)];
            CHECK(sc.price_move == Approx(-0.16 + 0.04 * step).margin(1e-15));
            CHECK(sc.vol_direction == 1.0 - v);
            CHECK(sc.weight == 1.0);
        }
    const double extended[8] = {-0.66, -0.33, 0.5, 1, 2, 3, 4, 5};
    for (std::size_t i = 0; i < 8; ++i) {
        CHECK(g.scenarios[27 + i].price_move == extended[i]);
        CHECK(g.scenarios[27 + i].vol_direction == 1.0);
        CHECK(g.scenarios[27 + i].weight == 0.5);
    }
    // vol shocks, relative: 30 days -> x1.5 / x0.75; 7 days -> 0.5 (30/7)^0.3; 90 days ->
    // 0.5 (30/90)^0.13
    CHECK(g.shock.shocked(0.6, 30.0 / 365, 1.0) == Approx(0.9).epsilon(1e-14));
    CHECK(g.shock.shocked(0.6, 30.0 / 365, -1.0) == Approx(0.45).epsilon(1e-14));
    CHECK(g.shock.shocked(0.6, 7.0 / 365, 1.0) ==
          Approx(0.6 * (1 + 0.5 * std::pow(30.0 / 7, 0.3))).epsilon(1e-14));
    CHECK(g.shock.shocked(0.6, 90.0 / 365, 1.0) ==
          Approx(0.6 * (1 + 0.5 * std::pow(30.0 / 90, 0.13))).epsilon(1e-14));
    CHECK(g.shock.shocked(0.6, 90.0 / 365, 0.0) == 0.6);
    // expiry today: the shock of a one-day option (min_days)
    CHECK(g.shock.shocked(0.6, 0.0, -1.0) ==
          Approx(std::max(0.0, 0.6 * (1 - 0.25 * std::pow(30.0, 0.3)))).margin(1e-15));
}

TEST_CASE("crypto portfolio-margin grid: margin equals the grid recomputed by hand", "[margin]") {
    const auto g = mg::crypto_pm_parameters{}.grid();
    const std::vector<mg::option_position> book{
        {option_type::call, {3000, 3300, 30.0 / 365, 0.0, 0.0, 0.75}, -10},
        {option_type::put, {3000, 2700, 30.0 / 365, 0.0, 0.0, 0.80}, 5},
        {option_type::call, {3000, 3000, 7.0 / 365, 0.0, 0.0, 0.70}, -8},
        {option_type::put, {3000, 2500, 90.0 / 365, 0.0, 0.0, 0.85}, 3},
        {option_type::call, {3000, 4500, 60.0 / 365, 0.0, 0.0, 0.90}, -20},
    };
    const std::vector<mg::linear_position> hedge{{4.0, 3000}};
    const auto pnl = grid_pnl_by_hand(g, book, hedge);
    const auto [margin, worst] = worst_by_hand(g, pnl);
    std::array<double, 35> got{};
    const auto r = mg::grid_margin(g, std::span<const mg::option_position>(book),
                                   std::span<const mg::linear_position>(hedge), got);
    CHECK(r.margin == Approx(margin).epsilon(1e-12));
    CHECK(r.worst == worst);
    for (std::size_t s = 0; s < 35; ++s)
        CHECK(got[s] == Approx(pnl[s]).epsilon(1e-12).margin(1e-9));
    // the far out-of-the-money short calls make an extended move the worst
    CHECK(worst >= 27);

    // the bulk entry point (scalar in this build) gives the same
    std::vector<option_type> type;
    std::vector<double> s, k, t, rate, q, d, v;
    for (const auto& p : book) {
        type.push_back(p.type);
        s.push_back(p.option.spot);
        k.push_back(p.option.strike);
        t.push_back(p.option.time);
        rate.push_back(p.option.rate);
        d.push_back(p.option.dividend);
        v.push_back(p.option.vol);
        q.push_back(p.quantity);
    }
    const std::vector<double> lq{4.0}, lp{3000};
    const auto bulk =
        mg::grid_margin(g, mg::portfolio_columns{{type, s, k, t, rate, d, v}, q, lq, lp});
    CHECK(bulk.margin == Approx(margin).epsilon(1e-12));
    CHECK(bulk.worst == worst);
}

TEST_CASE("scenario grids: bad input", "[margin]") {
    const auto g = mg::crypto_pm_parameters{}.grid();
    const std::vector<mg::option_position> none;
    require_throws_naming(
        [&] { (void)mg::grid_margin(g, std::span<const mg::option_position>(none)); },
        {"portfolio must not be empty"});
    std::vector<mg::option_position> book{
        {option_type::call, {3000, 3300, 0.1, 0.0, 0.0, 0.75}, -1},
        {option_type::call, {3000, 3300, 0.1, 0.0, 0.0, -0.75}, -1}};
    require_throws_naming(
        [&] { (void)mg::grid_margin(g, std::span<const mg::option_position>(book)); },
        {"options.vol[1]", "-0.75"});
    book[1].option.vol = 0.5;
    book[0].quantity = qnan;
    require_throws_naming(
        [&] { (void)mg::grid_margin(g, std::span<const mg::option_position>(book)); },
        {"options.quantity[0]"});
    auto bad = g;
    bad.scenarios[3].vol_direction = 2;
    book[0].quantity = 1;
    require_throws_naming(
        [&] { (void)mg::grid_margin(bad, std::span<const mg::option_position>(book)); },
        {"vol_direction[3]"});
    // bulk: mismatched columns, empty portfolio
    const std::vector<option_type> type{option_type::call, option_type::put};
    const std::vector<double> two{1, 1}, one{1}, empty;
    require_throws_naming(
        [&] {
            (void)mg::grid_margin(g,
                                  mg::portfolio_columns{{type, two, two, two, two, two, two}, one});
        },
        {"quantity.size()", "1"});
    const std::vector<double> bad_vol{0.5, -2};
    require_throws_naming(
        [&] {
            (void)mg::grid_margin(
                g, mg::portfolio_columns{{type, two, two, two, two, two, bad_vol}, two});
        },
        {"margin::grid_margin: options.vol[1] = -2"});
    const std::vector<option_type> no_type;
    require_throws_naming(
        [&] {
            (void)mg::grid_margin(
                g,
                mg::portfolio_columns{{no_type, empty, empty, empty, empty, empty, empty}, empty});
        },
        {"portfolio must not be empty"});
    require_throws_naming([] { mg::span_parameters{.extreme_cover = 1.5}.validate(); },
                          {"extreme_cover", "1.5"});
}

// ------------------------------------------------------------------ cross-margining

TEST_CASE("cross-margin: covered call against the sum of isolated requirements", "[margin]") {
    const auto g = mg::crypto_pm_parameters{}.grid();
    const std::vector<mg::option_position> call{
        {option_type::call, {3000, 3300, 30.0 / 365, 0.0, 0.0, 0.75}, -1}};
    const std::vector<mg::linear_position> spot{{1.0, 3000}};
    const auto r = mg::cross_margin(g, std::span<const mg::option_position>(call),
                                    std::span<const mg::linear_position>(spot));
    // isolated requirements recomputed by hand
    const auto [call_alone, i1] = worst_by_hand(g, grid_pnl_by_hand(g, call, {}));
    const auto [spot_alone, i2] = worst_by_hand(g, grid_pnl_by_hand(g, {}, spot));
    const auto [together, i3] = worst_by_hand(g, grid_pnl_by_hand(g, call, spot));
    (void)i1;
    (void)i2;
    (void)i3;
    CHECK(spot_alone == Approx(3000 * 0.66 * 0.5).epsilon(1e-14)); // the -66% extended move
    CHECK(r.isolated == Approx(call_alone + spot_alone).epsilon(1e-12));
    CHECK(r.net == Approx(together).epsilon(1e-12));
    CHECK(r.offset == Approx(call_alone + spot_alone - together).epsilon(1e-10));
    CHECK(r.offset > 0.3 * r.isolated); // the short call and the spot offset each other
}

TEST_CASE("cross-margin: net never exceeds isolated (generated portfolios)", "[margin]") {
    std::mt19937_64 rng(77);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    const auto span_grid =
        mg::span_parameters{.price_scan_range = 0.08, .vol_scan_range = 0.1}.grid();
    for (int trial = 0; trial < 50; ++trial) {
        std::vector<mg::option_position> book;
        for (int i = 0; i < 5; ++i)
            book.push_back({u(rng) < 0.5 ? option_type::call : option_type::put,
                            {100, 100 * (0.7 + 0.6 * u(rng)), 0.02 + 0.5 * u(rng), 0.01, 0.0,
                             0.2 + 0.8 * u(rng)},
                            std::round(20 * u(rng) - 10)});
        const std::vector<mg::linear_position> lin{{std::round(10 * u(rng) - 5), 100}};
        const auto r = mg::cross_margin(span_grid, std::span<const mg::option_position>(book),
                                        std::span<const mg::linear_position>(lin));
        CHECK(r.net <= r.isolated * (1 + 1e-12) + 1e-12);
        CHECK(r.offset >= -1e-9);
    }
}

TEST_CASE("cross-margin: same-asset collateral is wrong-way for a short put, right-way for a "
          "short call",
          "[margin]") {
    const bs_input<double> option{3000, 3000, 30.0 / 365, 0.0, 0.0, 0.8};
    const double q = -1, collateral = 1;
    const double z = 2.3263478740408408; // Phi^-1(0.99)
    const double tau = 1.0 / 365;
    for (auto type : {option_type::put, option_type::call}) {
        const double delta = spiral::black_scholes(type, option).delta;
        const double se = std::abs(q * delta) * option.vol / collateral;
        CHECK(mg::option_exposure_volatility(type, option, q, collateral) ==
              Approx(se).epsilon(1e-15));
        const spiral::haircut::wrong_way model{.exposure_volatility = se};
        const auto credit = mg::same_asset_collateral(model, type, option, q, collateral);
        const double sc = option.vol;
        if (type == option_type::put) {
            // short put: the exposure grows as the price falls, rho = +1: the full haircut
            // z sqrt(tau) sc (sqrt((sc + se)^2) - se = sc)
            CHECK(credit.correlation == 1.0);
            CHECK(credit.haircut == Approx(z * std::sqrt(tau) * sc).epsilon(1e-12));
        } else {
            // covered call: rho = -1, sqrt((sc - se)^2) - se = |sc - se| - se
            CHECK(credit.correlation == -1.0);
            CHECK(
                credit.haircut ==
                Approx(std::max(0.0, z * std::sqrt(tau) * (std::abs(sc - se) - se))).margin(1e-15));
        }
        CHECK(credit.value == Approx(3000 * (1 - credit.haircut)).epsilon(1e-15));
    }
    const spiral::haircut::wrong_way model{.exposure_volatility = 0.3};
    const auto put = mg::same_asset_collateral(model, option_type::put, option, q, collateral);
    const auto call = mg::same_asset_collateral(model, option_type::call, option, q, collateral);
    CHECK(put.value < call.value);
    // a haircut model blind to correlation values both the same
    const spiral::haircut::volatility plain{};
    CHECK(mg::same_asset_collateral(plain, option_type::put, option, q, collateral).value ==
          mg::same_asset_collateral(plain, option_type::call, option, q, collateral).value);
}

// ------------------------------------------------------------------ size-dependent

TEST_CASE("size-dependent: sqrt size and open-interest scaling by hand", "[margin]") {
    const mg::sqrt_size rule{.base = 0.05, .factor = 0.001};
    CHECK(rule.rate(100.0) == 0.05);          // 0.001 * 10 < 0.05
    CHECK(rule.rate(10000.0) == Approx(0.1)); // 0.001 * 100
    CHECK(rule.rate(2500.0) == Approx(0.05)); // the crossover (0.05 / 0.001)^2
    CHECK(rule(-10000.0, 20.0) == Approx(10000 * 20 * 0.1));
    const mg::open_interest_scaled oi{.base = 0.1, .low_cap = 0.05, .high_cap = 0.25};
    CHECK(oi.rate(40.0, 1000.0) == Approx(0.1));                    // 4% of OI
    CHECK(oi.rate(150.0, 1000.0) == Approx(0.1 + 0.9 * 0.1 / 0.2)); // 15%: halfway -> 0.55
    CHECK(oi.rate(300.0, 1000.0) == 1.0);                           // 30%: fully margined
    require_throws_naming(
        [] { mg::open_interest_scaled{.low_cap = 0.3, .high_cap = 0.2}.validate(); },
        {"high_cap", "0.2"});
}

TEST_CASE("leverage brackets: Binance's BTCUSDT table, continuity at every edge", "[margin]") {
    // Binance USDⓈ-M BTCUSDT leverage and margin table (notional floor, maintenance rate, max
    // leverage) and its published maintenance amounts 0, 50, 1300, 16300, 141300, 1141300,
    // 2391300, 4891300, 24891300, 99891300.
    const std::vector<mg::bracket> tiers{
        {0, 0.004, 125},      {50000, 0.005, 100}, {250000, 0.01, 50},   {1000000, 0.025, 20},
        {5000000, 0.05, 10},  {20000000, 0.1, 5},  {50000000, 0.125, 4}, {100000000, 0.15, 3},
        {200000000, 0.25, 2}, {300000000, 0.5, 1}};
    const double published[] = {0,       50,      1300,    16300,    141300,
                                1141300, 2391300, 4891300, 24891300, 99891300};
    const mg::leverage_brackets table{tiers};
    table.validate();
    for (std::size_t k = 0; k < tiers.size(); ++k)
        CHECK(table.maintenance_amount(k) == Approx(published[k]).margin(1e-6));
    // margin as the sum of each tier's rate over the part of the notional inside the tier
    auto marginal = [&](double n) {
        double m = 0;
        for (std::size_t k = 0; k < tiers.size(); ++k) {
            const double lo = tiers[k].notional_floor;
            const double hi = k + 1 < tiers.size() ? tiers[k + 1].notional_floor : 1e300;
            if (n > lo)
                m += tiers[k].maintenance_rate * (std::min(n, hi) - lo);
        }
        return m;
    };
    for (std::size_t k = 1; k < tiers.size(); ++k) {
        const double edge = tiers[k].notional_floor;
        const double below = std::nextafter(edge, 0.0);
        INFO("edge " << edge);
        CHECK(table.tier(below) == k - 1);
        CHECK(table.tier(edge) == k);
        // left limit (tier k-1 formula) and value at the edge (tier k formula) agree
        CHECK(table.maintenance_margin(below) ==
              Approx(table.maintenance_margin(edge)).epsilon(1e-12));
        CHECK(table.maintenance_margin(edge) == Approx(marginal(edge)).epsilon(1e-12));
        CHECK(edge * tiers[k - 1].maintenance_rate - published[k - 1] ==
              Approx(edge * tiers[k].maintenance_rate - published[k]).epsilon(1e-12));
    }
    for (double n : {1000.0, 123456.0, 3e6, 7.5e7, 4e8})
        CHECK(table.maintenance_margin(n) == Approx(marginal(n)).epsilon(1e-12));
    CHECK(table.initial_margin(3e6) == Approx(3e6 / 20));
    const std::vector<mg::bracket> bad{{0, 0.01, 100}, {1000, 0.005, 50}};
    require_throws_naming([&] { mg::leverage_brackets{bad}.validate(); },
                          {"maintenance_rate[1]", "0.005"});
}

} // namespace unit_tests_margin_rules
