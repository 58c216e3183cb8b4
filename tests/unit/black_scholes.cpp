// Black–Scholes prices and Greeks: 50-digit oracle over a wide grid, published tables,
// put–call parity and the zero-vol / zero-time limits.
#include <spiral/options/black.hpp>
#include <spiral/options/black_scholes.hpp>

#include "../support/csv.hpp"
#include "../support/oracle.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace unit_tests_black_scholes {

namespace {

using spiral::option_type;
using input = spiral::bs_input<double>;

struct grid_point {
    option_type type;
    spiral::bs_input<double> in;
};

// Spot 100; strikes from 10% to 1000% of spot; expiries from one day to five years;
// vols 5%-200%; zero, positive and negative-rate carry; calls and puts.
std::vector<grid_point> grid(int every = 1) {
    std::vector<grid_point> points;
    int index = 0;
    for (double strike : {10.0, 50.0, 80.0, 95.0, 100.0, 105.0, 125.0, 200.0, 1000.0})
        for (double time : {1.0 / 365, 7.0 / 365, 0.25, 1.0, 5.0})
            for (double vol : {0.05, 0.2, 0.5, 1.0, 2.0})
                for (auto [rate, dividend] :
                     {std::pair{0.0, 0.0}, std::pair{0.05, 0.02}, std::pair{-0.005, 0.08}})
                    for (option_type type : {option_type::call, option_type::put})
                        if (index++ % every == 0)
                            points.push_back({type, {100.0, strike, time, rate, dividend, vol}});
    return points;
}

oracle::option to_oracle(const grid_point& p) {
    return {p.type == option_type::call,
            p.in.spot,
            p.in.strike,
            p.in.time,
            p.in.rate,
            p.in.dividend,
            p.in.vol};
}

// |value - ref| <= relative |ref| + absolute * spot, reporting the worst ratio to the bound.
struct bound_check {
    const char* name;
    double relative, absolute;
    double worst = 0;
    void add(double value, const oracle::real& ref, double spot) {
        const double r = static_cast<double>(ref);
        const double bound = relative * std::abs(r) + absolute * spot;
        const double error = static_cast<double>(abs(oracle::real(value) - ref));
        worst = std::max(worst, error / bound);
    }
};

} // namespace

TEST_CASE(
    "black_scholes: price and first-order Greeks within 1e-12 rel + 1e-15 spot of 50 digits") {
    bound_check price{"price", 1e-12, 1e-15}, delta{"delta", 1e-12, 1e-15},
        vega{"vega", 1e-12, 1e-15}, theta{"theta", 1e-12, 1e-15}, rho{"rho", 1e-12, 1e-15},
        dividend_rho{"dividend_rho", 1e-12, 1e-15}, price_only{"black_scholes_price", 1e-12, 1e-15};
    const auto points = grid();
    for (const auto& p : points) {
        const auto ref = oracle::greeks_by_differences(to_oracle(p), false);
        const auto g = spiral::black_scholes(p.type, p.in);
        const double s = p.in.spot;
        price.add(g.price, ref.price, s);
        price_only.add(spiral::black_scholes_price(p.type, p.in), ref.price, s);
        delta.add(g.delta, ref.delta, s);
        vega.add(g.vega, ref.vega, s);
        theta.add(g.theta, ref.theta, s);
        rho.add(g.rho, ref.rho, s);
        dividend_rho.add(g.dividend_rho, ref.dividend_rho, s);
    }
    for (const auto& c : {price, price_only, delta, vega, theta, rho, dividend_rho}) {
        INFO(c.name << ": worst error / bound = " << c.worst << " over " << points.size());
        CHECK(c.worst <= 1.0);
    }
}

TEST_CASE("black_scholes: second- and third-order Greeks against 50-digit differences") {
    // The closed forms involve more operations (d1 d2 / sigma, 1/(2T), ...) and cancel in
    // places (e.g. d1 d2 - 1 near d1 d2 = 1), so their bound is 1e-10 rel + 1e-13 * scale,
    // where scale is spot raised to the Greek's dimension (gamma ~ 1/S, speed ~ 1/S^2).
    bound_check gamma{"gamma", 1e-10, 1e-13}, vanna{"vanna", 1e-10, 1e-13},
        volga{"volga", 1e-10, 1e-13}, charm{"charm", 1e-10, 1e-13}, speed{"speed", 1e-10, 1e-13},
        zomma{"zomma", 1e-10, 1e-13}, color{"color", 1e-10, 1e-13}, veta{"veta", 1e-10, 1e-13};
    const auto points = grid(7);
    for (const auto& p : points) {
        const auto ref = oracle::greeks_by_differences(to_oracle(p));
        const auto g = spiral::black_scholes(p.type, p.in);
        const double s = p.in.spot;
        gamma.add(g.gamma, ref.gamma, 1 / s);
        vanna.add(g.vanna, ref.vanna, 1);
        volga.add(g.volga, ref.volga, s);
        charm.add(g.charm, ref.charm, 1);
        speed.add(g.speed, ref.speed, 1 / (s * s));
        zomma.add(g.zomma, ref.zomma, 1 / s);
        color.add(g.color, ref.color, 1 / s);
        veta.add(g.veta, ref.veta, s);
    }
    for (const auto& c : {gamma, vanna, volga, charm, speed, zomma, color, veta}) {
        INFO(c.name << ": worst error / bound = " << c.worst << " over " << points.size());
        CHECK(c.worst <= 1.0);
    }
}

TEST_CASE("black_scholes: Haug's published prices and Greeks") {
    for (const auto& row : test_support::read_csv("haug_values.csv")) {
        const auto type = row.at("type") == "call" ? option_type::call : option_type::put;
        using test_support::number;
        const spiral::bs_input<double> in{number(row, "spot"), number(row, "strike"),
                                          number(row, "t"),    number(row, "r"),
                                          number(row, "q"),    number(row, "vol")};
        INFO(row.at("type") << " K=" << in.strike << " S=" << in.spot << " t=" << in.time);
        CHECK(std::abs(spiral::black_scholes_price(type, in) - number(row, "expected")) <=
              number(row, "tol"));
    }
    for (const auto& row : test_support::read_csv("haug_greeks.csv")) {
        const auto type = row.at("type") == "call" ? option_type::call : option_type::put;
        using test_support::number;
        const spiral::bs_input<double> in{number(row, "spot"), number(row, "strike"),
                                          number(row, "t"),    number(row, "r"),
                                          number(row, "q"),    number(row, "vol")};
        const auto g = spiral::black_scholes(type, in);
        const std::string greek = row.at("greek");
        const double value = greek == "delta"         ? g.delta
                             : greek == "gamma"       ? g.gamma
                             : greek == "vega"        ? g.vega
                             : greek == "theta"       ? g.theta
                             : greek == "thetaPerDay" ? g.theta / 365
                             : greek == "rho"         ? g.rho
                             : greek == "dividendRho" ? g.dividend_rho
                             : greek == "elasticity"  ? g.delta * in.spot / g.price
                                                      : std::numeric_limits<double>::quiet_NaN();
        INFO(greek << ' ' << row.at("type"));
        CHECK(std::abs(value - number(row, "expected")) <= number(row, "tol"));
    }
}

TEST_CASE("black_scholes: put-call parity and call-put Greek relations") {
    for (const auto& p : grid(3)) {
        auto in = p.in;
        const auto c = spiral::black_scholes(option_type::call, in);
        const auto q = spiral::black_scholes(option_type::put, in);
        const double df = std::exp(-in.dividend * in.time), dr = std::exp(-in.rate * in.time);
        const double forward_value = in.spot * df - in.strike * dr; // C - P
        const double scale = in.spot * df + in.strike * dr;
        CHECK(std::abs((c.price - q.price) - forward_value) <= 4e-16 * scale);
        CHECK(std::abs((c.delta - q.delta) - df) <= 4e-16);
        CHECK(std::abs(c.gamma - q.gamma) <= 1e-15 * std::abs(c.gamma));
        CHECK(std::abs(c.vega - q.vega) <= 1e-15 * std::abs(c.vega));
        CHECK(std::abs((c.rho - q.rho) - in.time * in.strike * dr) <=
              4e-16 * in.time * in.strike * dr);
    }
}

TEST_CASE("black_scholes: zero time and zero vol give the discounted intrinsic limits") {
    const double S = 100, K = 90, r = 0.05, q = 0.02;
    SECTION("zero time") {
        const auto c = spiral::black_scholes(option_type::call, input{S, K, 0.0, r, q, 0.3});
        const auto p = spiral::black_scholes(option_type::put, input{S, K, 0.0, r, q, 0.3});
        CHECK(c.price == S - K);
        CHECK(c.delta == 1.0);
        CHECK(c.gamma == 0.0);
        CHECK(c.vega == 0.0);
        CHECK(c.theta == Approx(q * S - r * K).epsilon(1e-15)); // -d/dT of S e^-qT - K e^-rT
        CHECK(p.price == 0.0);
        CHECK(p.delta == 0.0);
        CHECK(p.theta == 0.0);
    }
    SECTION("zero vol: the forward decides") {
        const double T = 2;
        const auto c = spiral::black_scholes(option_type::call, input{S, K, T, r, q, 0.0});
        const double value = S * std::exp(-q * T) - K * std::exp(-r * T);
        CHECK(c.price == Approx(value).epsilon(1e-15));
        CHECK(c.delta == Approx(std::exp(-q * T)).epsilon(1e-15));
        CHECK(c.rho == Approx(T * K * std::exp(-r * T)).epsilon(1e-15));
        CHECK(c.gamma == 0.0);
        // Small vol converges to the same limit (continuity, not a special case).
        const auto near = spiral::black_scholes(option_type::call, input{S, K, T, r, q, 1e-6});
        CHECK(near.price == Approx(value).epsilon(1e-12));
    }
    SECTION("at the money with zero vol: worth nothing, delta one half") {
        const auto c = spiral::black_scholes(option_type::call, input{S, S, 1.0, 0.0, 0.0, 0.0});
        CHECK(c.price == 0.0);
        CHECK(c.delta == 0.5);
        CHECK(c.vega == Approx(S / std::sqrt(2 * M_PI)).epsilon(1e-15));
    }
}

TEST_CASE("black_scholes: invalid inputs give NaN in every output") {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    const spiral::bs_input<double> good{100, 100, 1, 0.05, 0.0, 0.2};
    std::vector<spiral::bs_input<double>> bad(10, good);
    bad[0].spot = 0;
    bad[1].spot = -1;
    bad[2].strike = 0;
    bad[3].time = -1;
    bad[4].vol = -0.1;
    bad[5].spot = nan;
    bad[6].rate = nan;
    bad[7].dividend = inf;
    bad[8].vol = inf;
    bad[9].strike = inf;
    for (const auto& in : bad) {
        const auto g = spiral::black_scholes(option_type::put, in);
        for (double v : {g.price, g.delta, g.gamma, g.vega, g.theta, g.rho, g.dividend_rho, g.vanna,
                         g.volga, g.charm, g.speed, g.zomma, g.color, g.veta})
            CHECK(std::isnan(v));
        CHECK(std::isnan(spiral::black_scholes_price(option_type::call, in)));
    }
}

TEST_CASE("black_scholes: float instantiation") {
    const spiral::bs_input<float> in{100.0f, 105.0f, 0.5f, 0.03f, 0.01f, 0.25f};
    const auto g = spiral::black_scholes(option_type::call, in);
    const auto ref = oracle::price({true, 100.0f, 105.0f, 0.5f, 0.03f, 0.01f, 0.25f});
    CHECK(std::abs(g.price - static_cast<double>(ref)) <= 2e-6 * static_cast<double>(ref));
}

TEST_CASE("black: Black-76 reference values and agreement with Black-Scholes") {
    for (const auto& row : test_support::read_csv("black76_cases.csv")) {
        if (row.at("quantity") != "value" || row.at("model") == "garman_kohlhagen")
            continue;
        using test_support::number;
        const auto type = row.at("type") == "call" ? option_type::call : option_type::put;
        const double forward = number(row, "forward"), strike = number(row, "strike");
        double stddev, discount;
        if (row.at("model") == "black76") { // Haug rows: F = S, discount e^{-rT}
            stddev = number(row, "vol") * std::sqrt(number(row, "t"));
            discount = std::exp(-number(row, "r") * number(row, "t"));
        } else {
            stddev = number(row, "stddev");
            discount = number(row, "discount");
        }
        INFO(row.at("case_id"));
        CHECK(std::abs(spiral::black(type, forward, strike, stddev, discount) -
                       number(row, "expected")) <= number(row, "tol"));
    }
    // Black-76 on F = S e^{(r-q)T}, discount e^{-rT} is Black–Scholes.
    for (const auto& p : grid(5)) {
        const auto& in = p.in;
        const double forward = in.spot * std::exp((in.rate - in.dividend) * in.time);
        const double b76 = spiral::black(p.type, forward, in.strike, in.vol * std::sqrt(in.time),
                                         std::exp(-in.rate * in.time));
        const double bs = spiral::black_scholes_price(p.type, in);
        CHECK(std::abs(b76 - bs) <= 1e-13 * std::abs(bs) + 1e-15 * in.spot);
    }
    CHECK(spiral::black(option_type::call, 110.0, 100.0, 0.0, 0.9) == Approx(9.0).epsilon(1e-15));
    CHECK(spiral::black(option_type::put, 110.0, 100.0, 0.0, 0.9) == 0.0);
    CHECK(std::isnan(spiral::black(option_type::put, -1.0, 100.0, 0.2, 0.9)));
    CHECK(std::isnan(spiral::black(option_type::put, 100.0, 100.0, -0.2, 0.9)));
}

} // namespace unit_tests_black_scholes
