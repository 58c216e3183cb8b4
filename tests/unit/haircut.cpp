// Haircut models, combinators and the bulk entry point (std-only parts): closed forms written
// out here, the Basel II worked examples, validate() messages, and properties over generated
// inputs (fixed seed): every haircut in [0, 1], non-decreasing in volatility, horizon,
// quantity and wrong-way correlation, for the models and for combinations of them.
#include <spiral/haircut/haircut.hpp>
// impact/ curves, when present, are tested as liquidity curves too.
#include <spiral/impact/constant_product.hpp>
#include <spiral/impact/exponential.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace unit_tests_haircut {

namespace hc = spiral::haircut;
using spiral::collateral;

namespace {

constexpr double qnan = std::numeric_limits<double>::quiet_NaN();
constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double z99 = 2.3263478740408408; // Phi^-1(0.99), 17 digits (Abramowitz & Stegun 26.2)

/// exp(-alpha q) impact, with proceeds (1 - exp(-alpha q)) / alpha written with expm1 so that
/// small q keep their accuracy. Defined here so the tests do not depend on impact/.
struct exponential_curve {
    double alpha;
    template <spiral::real T>
    T price_factor(T q) const noexcept {
        return std::exp(-alpha * q);
    }
    template <spiral::real T>
    T proceeds(T q) const noexcept {
        return -std::expm1(-alpha * q) / alpha;
    }
};

/// 1 - lambda q down to 0 at q = 1/lambda; constexpr, for exact closed forms.
struct linear_curve {
    double lambda;
    template <spiral::real T>
    constexpr T price_factor(T q) const noexcept {
        return spiral::max(T(0), T(1) - T(lambda) * q);
    }
    template <spiral::real T>
    constexpr T proceeds(T q) const noexcept {
        const T sold = spiral::min(q, T(1 / lambda));
        return sold - T(0.5 * lambda) * sold * sold;
    }
};

/// Curve with a validate(), to see liquidity pass it on.
struct checked_curve : linear_curve {
    void validate() const {
        if (!(lambda > 0))
            throw spiral::invalid_argument("checked_curve: lambda must be > 0");
    }
};

collateral<double> holding(double volatility, double correlation = 0, double quantity = 1,
                           double price = 1) {
    return {quantity, price, volatility, correlation};
}

} // namespace

// ---------------------------------------------------------------------------- models

TEST_CASE("haircut::fixed: the rate, clamped; validate names rate") {
    CHECK(hc::fixed{0.25}(holding(0.9)) == 0.25);
    CHECK(hc::fixed{0.25}(holding(qnan)) == 0.25); // reads no field
    CHECK(hc::fixed{1.5}(holding(0)) == 1.0);
    CHECK(hc::fixed{-0.5}(holding(0)) == 0.0);
    CHECK(hc::fixed{0.25}(collateral<float>{1, 1, 0.5f, 0}) == 0.25f);
    CHECK_NOTHROW(hc::fixed{0}.validate());
    CHECK_NOTHROW(hc::fixed{1}.validate());
    CHECK_THROWS_AS(hc::fixed{1.5}.validate(), spiral::invalid_argument);
    CHECK_THROWS_WITH(hc::fixed{1.5}.validate(),
                      "spiral: haircut::fixed: rate = 1.5 (must be in [0, 1])");
    CHECK_THROWS_WITH(hc::fixed{qnan}.validate(), Catch::Contains("rate = nan"));
}

TEST_CASE("haircut::volatility: z sigma sqrt(h / days)") {
    // 80% annual volatility, one day, 99%: 2.3263 * 0.8 / sqrt(365).
    CHECK(hc::volatility{}(holding(0.8)) == Approx(z99 * 0.8 / std::sqrt(365.0)).epsilon(1e-15));
    const hc::volatility ten_day{.confidence = 0.99, .horizon_days = 10, .days_per_year = 250};
    CHECK(ten_day(holding(0.3)) == Approx(z99 * 0.3 * std::sqrt(10.0 / 250.0)).epsilon(1e-15));
    CHECK(hc::volatility{.confidence = 0.975}(holding(0.5)) ==
          Approx(1.959963984540054 * 0.5 / std::sqrt(365.0)).epsilon(1e-15));
    CHECK(hc::volatility{}(holding(0)) == 0.0);
    CHECK(hc::volatility{.horizon_days = 0}(holding(2)) == 0.0);
    CHECK(hc::volatility{.horizon_days = 365}(holding(5)) == 1.0); // clamped
    CHECK(hc::volatility{.confidence = 0.3}(holding(0.8)) == 0.0); // below the median: no loss
    CHECK(std::isnan(hc::volatility{}(holding(qnan))));
    const float f = hc::volatility{}(collateral<float>{1, 1, 0.8f, 0});
    CHECK(f == Approx(z99 * 0.8 / std::sqrt(365.0)).epsilon(1e-6));
}

TEST_CASE("haircut::volatility::validate names the field and the value") {
    CHECK_NOTHROW(hc::volatility{}.validate());
    CHECK_THROWS_WITH(hc::volatility{.confidence = 1.5}.validate(),
                      "spiral: haircut::volatility: confidence = 1.5 (must be in (0, 1))");
    CHECK_THROWS_WITH(hc::volatility{.confidence = 0}.validate(),
                      Catch::Contains("confidence = 0 (must be in (0, 1))"));
    CHECK_THROWS_WITH(hc::volatility{.confidence = 1}.validate(),
                      Catch::Contains("confidence = 1 "));
    CHECK_THROWS_WITH(hc::volatility{.confidence = qnan}.validate(),
                      Catch::Contains("confidence = nan"));
    CHECK_THROWS_WITH(hc::volatility{.horizon_days = -1}.validate(),
                      Catch::Contains("haircut::volatility: horizon_days = -1 (must be finite "
                                      "and >= 0)"));
    CHECK_THROWS_WITH(hc::volatility{.horizon_days = inf}.validate(),
                      Catch::Contains("horizon_days = inf"));
    CHECK_THROWS_WITH(hc::volatility{.days_per_year = 0}.validate(),
                      Catch::Contains("days_per_year = 0 (must be finite and > 0)"));
}

TEST_CASE("haircut::basel_scaled: Basel II paragraphs 151, 167-169 worked examples") {
    // Paragraph 151 table (10-day haircuts).
    using hc::basel::issuer;
    using hc::basel::rating;
    CHECK(hc::basel::debt_h10(issuer::sovereign, rating::aaa_to_aa, 0.5) == 0.005);
    CHECK(hc::basel::debt_h10(issuer::sovereign, rating::aaa_to_aa, 1.0) == 0.005);
    CHECK(hc::basel::debt_h10(issuer::sovereign, rating::aaa_to_aa, 3.0) == 0.02);
    CHECK(hc::basel::debt_h10(issuer::sovereign, rating::aaa_to_aa, 7.0) == 0.04);
    CHECK(hc::basel::debt_h10(issuer::sovereign, rating::a_to_bbb, 0.2) == 0.01);
    CHECK(hc::basel::debt_h10(issuer::sovereign, rating::a_to_bbb, 5.0) == 0.03);
    CHECK(hc::basel::debt_h10(issuer::sovereign, rating::a_to_bbb, 10.0) == 0.06);
    CHECK(hc::basel::debt_h10(issuer::sovereign, rating::bb, 10.0) == 0.15);
    CHECK(hc::basel::debt_h10(issuer::other, rating::aaa_to_aa, 0.9) == 0.01);
    CHECK(hc::basel::debt_h10(issuer::other, rating::aaa_to_aa, 4.0) == 0.04);
    CHECK(hc::basel::debt_h10(issuer::other, rating::aaa_to_aa, 30.0) == 0.08);
    CHECK(hc::basel::debt_h10(issuer::other, rating::a_to_bbb, 1.0) == 0.02);
    CHECK(hc::basel::debt_h10(issuer::other, rating::a_to_bbb, 2.0) == 0.06);
    CHECK(hc::basel::debt_h10(issuer::other, rating::a_to_bbb, 6.0) == 0.12);
    CHECK(std::isnan(hc::basel::debt_h10(issuer::other, rating::bb, 1.0))); // not eligible
    CHECK(std::isnan(hc::basel::debt_h10(issuer::sovereign, rating::aaa_to_aa, -1.0)));
    CHECK(hc::basel::main_index_equity_or_gold == 0.15);
    CHECK(hc::basel::other_listed_equity == 0.25);

    // Paragraph 168 route, computed differently: the haircut over the minimum holding period
    // H_M = H10 sqrt(T_M / 10) (square root of time from 10 days), then
    // H = H_M sqrt((N_R + T_M - 1) / T_M).
    const auto via_paragraph_168 = [](double h10, double n_r, double t_m) {
        const double h_m = h10 * std::sqrt(t_m / 10.0);
        return h_m * std::sqrt((n_r + t_m - 1.0) / t_m);
    };
    struct example {
        double h10, n_r, t_m, expected;
    };
    const example examples[] = {
        {0.15, 1, hc::basel::repo_style, 0.10606601717798213},       // 15% sqrt(1/2)
        {0.15, 1, hc::basel::capital_market, 0.15},                  // the table value itself
        {0.15, 1, hc::basel::secured_lending, 0.21213203435596426},  // 15% sqrt(2)
        {0.25, 5, hc::basel::capital_market, 0.29580398915498080},   // weekly: 25% sqrt(1.4)
        {0.04, 20, hc::basel::secured_lending, 0.07899367063252599}, // monthly: 4% sqrt(3.9)
    };
    for (const auto& e : examples) {
        const hc::basel_scaled model{.h10 = e.h10, .remargin_days = e.n_r, .holding_days = e.t_m};
        INFO("h10 " << e.h10 << " N_R " << e.n_r << " T_M " << e.t_m);
        CHECK(model(holding(0.5)) == Approx(e.expected).epsilon(1e-15));
        CHECK(model.value() == Approx(via_paragraph_168(e.h10, e.n_r, e.t_m)).epsilon(1e-15));
    }
    CHECK(hc::basel_scaled{.h10 = 0.9, .remargin_days = 30}(holding(0)) == 1.0); // clamped
}

TEST_CASE("haircut::basel_scaled::validate") {
    CHECK_NOTHROW(hc::basel_scaled{.h10 = 0.15}.validate());
    CHECK_THROWS_WITH(hc::basel_scaled{.h10 = 15}.validate(),
                      "spiral: haircut::basel_scaled: h10 = 15 (must be in [0, 1])");
    CHECK_THROWS_WITH((hc::basel_scaled{.h10 = 0.15, .remargin_days = 0}.validate()),
                      Catch::Contains("remargin_days = 0 (must be finite and >= 1)"));
    CHECK_THROWS_WITH(
        (hc::basel_scaled{.h10 = 0.15, .remargin_days = 1, .holding_days = -5}.validate()),
        Catch::Contains("holding_days = -5"));
}

TEST_CASE("haircut::liquidity: 1 - proceeds(q) / q") {
    // Linear impact 1 - lambda q: proceeds q - lambda q^2 / 2, so H = lambda q / 2 until the
    // curve runs dry at q = 1/lambda, then proceeds stay 1 / (2 lambda): H = 1 - 1/(2 lambda q).
    const hc::liquidity lin{linear_curve{0.001}};
    CHECK(lin(holding(0.5, 0, 100)) == Approx(0.05).epsilon(1e-14));
    CHECK(lin(holding(0.5, 0, 1000)) == Approx(0.5).epsilon(1e-14));
    CHECK(lin(holding(0.5, 0, 4000)) == Approx(1.0 - 1.0 / 8.0).epsilon(1e-14));
    CHECK(lin(holding(0.5, 0, 0)) == 0.0);
    CHECK(std::isnan(lin(holding(0.5, 0, qnan))));
    // Exponential impact exp(-alpha q): H = 1 - (1 - e^{-x}) / x, x = alpha q; here from the
    // series x/2 - x^2/6 + x^3/24 - ... for small x and in long double for large x. For small x
    // 1 - proceeds/q cancels: H is accurate to a few ulps of 1 (absolutely), not relatively.
    const hc::liquidity expo{exponential_curve{1e-4}};
    for (double q : {1e-6, 1e-2, 1.0, 50.0}) {
        const double x = 1e-4 * q;
        double series = 0, term = 1; // sum over k >= 1 of (-1)^(k+1) x^k / (k+1)!
        for (int k = 1; k <= 12; ++k) {
            term *= (k == 1 ? 1.0 : -1.0) * x / (k + 1);
            series += term;
        }
        CHECK(expo(holding(0.1, 0, q)) == Approx(series).epsilon(0).margin(5e-16));
    }
    for (double q : {1e4, 3e4, 1e6}) {
        const long double x = 1e-4L * q;
        const auto expected = static_cast<double>(1.0L - (1.0L - std::exp(-x)) / x);
        CHECK(expo(holding(0.1, 0, q)) == Approx(expected).epsilon(1e-14));
    }
    // validate() is the curve's.
    CHECK_NOTHROW(hc::liquidity{checked_curve{{0.1}}}.validate());
    CHECK_THROWS_WITH(hc::liquidity{checked_curve{{-0.1}}}.validate(),
                      Catch::Contains("lambda must be > 0"));
    CHECK_NOTHROW(expo.validate()); // no validate() on the curve: nothing to check
}

// The library's own curves, when impact/ provides them.
TEST_CASE("haircut::liquidity over impact::exponential") {
    // H = 1 - (1 - e^{-x}) / x, x = alpha q: series for small x, long double for large x.
    const hc::liquidity model{spiral::impact::exponential{2e-4}};
    CHECK_NOTHROW(model.validate());
    CHECK_THROWS_WITH(hc::liquidity{spiral::impact::exponential{-1}}.validate(),
                      Catch::Contains("alpha"));
    for (double q : {1e-3, 1.0, 10.0, 1e3, 2e4, 1e6}) {
        const long double x = 2e-4L * q;
        long double expected = 0;
        if (x < 0.01L) {
            long double term = 1;
            for (int k = 1; k <= 12; ++k) {
                term *= (k == 1 ? 1.0L : -1.0L) * x / (k + 1);
                expected += term;
            }
        } else {
            expected = 1.0L - (1.0L - std::exp(-x)) / x;
        }
        INFO("q " << q);
        CHECK(model(holding(0.5, 0, q)) ==
              Approx(static_cast<double>(expected)).epsilon(1e-14).margin(5e-16));
    }
    CHECK(model(holding(0.5, 0, 0)) == 0.0);
}

TEST_CASE("haircut::liquidity over impact::constant_product (Uniswap v2)") {
    // Uniswap v2 getAmountOut with the 0.3% fee: out = 997 q y / (1000 x + 997 q), against
    // the pre-trade value q y / x. H starts at the fee and rises with the size sold.
    const double x = 1000, y = 3e6;
    const hc::liquidity model{spiral::impact::constant_product{x, y, 0.003}};
    CHECK_NOTHROW(model.validate());
    for (double q : {1e-6, 1.0, 50.0, 1000.0, 1e5}) {
        const double out = 997 * q * y / (1000 * x + 997 * q);
        INFO("q " << q);
        CHECK(model(holding(0.5, 0, q)) == Approx(1 - out / (q * y / x)).epsilon(1e-13));
    }
    CHECK(model(holding(0.5, 0, 1e-9)) == Approx(0.003).epsilon(1e-6));
}

TEST_CASE("haircut::wrong_way: incremental quantile of exposure plus collateral") {
    const double tau = 10.0 / 365.0;
    const hc::wrong_way model{.exposure_volatility = 0.6, .confidence = 0.99, .horizon_days = 10};
    const double sc = 0.5, se = 0.6;
    const double standalone = hc::volatility{.horizon_days = 10}(holding(sc));
    // rho = 1, same-asset: the full standalone haircut, z sqrt(tau) sc.
    CHECK(model(holding(sc, 1.0)) == Approx(z99 * std::sqrt(tau) * sc).epsilon(1e-14));
    CHECK(model(holding(sc, 1.0)) == Approx(standalone).epsilon(1e-14));
    // rho = 0: z sqrt(tau) (hypot(sc, se) - se), a credit against the standalone haircut.
    const double uncorrelated = z99 * std::sqrt(tau) * (std::hypot(sc, se) - se);
    CHECK(model(holding(sc, 0.0)) == Approx(uncorrelated).epsilon(1e-14));
    CHECK(model(holding(sc, 0.0)) < standalone);
    // General rho via the law of cosines form: |a + b|^2 = a^2 + b^2 + 2 a b cos.
    for (double rho : {-0.3, 0.25, 0.7}) {
        const double combined = std::sqrt(sc * sc + se * se + 2 * rho * sc * se);
        CHECK(model(holding(sc, rho)) ==
              Approx(z99 * std::sqrt(tau) * (combined - se)).epsilon(1e-13));
    }
    // Right-way: 0 once sc <= -2 rho se.
    CHECK(model(holding(0.5, -0.5)) == 0.0);
    CHECK(model(holding(1.2, -1.0)) == 0.0);
    CHECK(model(holding(0.6, -1.0)) == 0.0);
    // A fixed exposure: the plain volatility haircut whatever rho.
    const hc::wrong_way fixed_exposure{.exposure_volatility = 0, .horizon_days = 10};
    for (double rho : {-1.0, 0.0, 0.4, 1.0})
        CHECK(fixed_exposure(holding(sc, rho)) == Approx(standalone).epsilon(1e-14));
    CHECK(std::isnan(model(holding(qnan, 0.2))));
    CHECK(std::isnan(model(holding(0.2, qnan))));
    CHECK_THROWS_WITH(hc::wrong_way{.exposure_volatility = -0.1}.validate(),
                      "spiral: haircut::wrong_way: exposure_volatility = -0.1 "
                      "(must be finite and >= 0)");
    CHECK_THROWS_WITH((hc::wrong_way{.exposure_volatility = 0.1, .confidence = 2}.validate()),
                      Catch::Contains("haircut::wrong_way: confidence = 2"));
}

TEST_CASE("haircut::depeg: diffusive quantile plus the jump's expected shortfall") {
    const double s = 0.05 * std::sqrt(7.0 / 365.0);
    const auto model = [](double jump, double p) {
        return hc::depeg{.jump_size = jump, .jump_probability = p, .horizon_days = 7};
    };
    // p >= 1 - alpha: the whole jump.
    CHECK(model(0.2, 0.05)(holding(0.05)) == Approx(0.2 + z99 * s).epsilon(1e-14));
    CHECK(model(0.2, 1.0)(holding(0.05)) == Approx(0.2 + z99 * s).epsilon(1e-14));
    CHECK(model(0.2, 0.01)(holding(0.05)) == Approx(0.2 + z99 * s).epsilon(1e-14));
    // Below: its pro-rata share p / (1 - alpha).
    CHECK(model(0.2, 0.004)(holding(0.05)) == Approx(0.2 * 0.4 + z99 * s).epsilon(1e-13));
    // No jump: the volatility haircut.
    CHECK(model(0.0, 0.5)(holding(0.05)) ==
          Approx(hc::volatility{.horizon_days = 7}(holding(0.05))).epsilon(1e-15));
    CHECK(model(0.3, 0.0)(holding(0.05)) ==
          Approx(hc::volatility{.horizon_days = 7}(holding(0.05))).epsilon(1e-15));
    CHECK(model(0.9, 1.0)(holding(2.0)) == 1.0); // clamped
    CHECK(model(0.2, 0.5).jump_charge() == 0.2);
    CHECK(std::isnan(model(0.2, 0.5)(holding(qnan))));
    CHECK_THROWS_WITH(model(1.5, 0.1).validate(),
                      "spiral: haircut::depeg: jump_size = 1.5 (must be in [0, 1])");
    CHECK_THROWS_WITH(model(0.1, -0.1).validate(), Catch::Contains("jump_probability = -0.1"));
    CHECK_THROWS_WITH(
        (hc::depeg{.jump_size = 0.1, .jump_probability = 0.1, .horizon_days = -1}.validate()),
        Catch::Contains("haircut::depeg: horizon_days = -1"));
}

// ---------------------------------------------------------------------------- combinators

TEST_CASE("haircut combinators: values, clamping, NaN, validation") {
    const auto c = holding(0.8, 0.5, 200);
    const hc::volatility vol{};
    const hc::liquidity liq{linear_curve{0.001}};
    const double v = vol(c), l = liq(c);
    REQUIRE(l == Approx(0.1));

    const auto both = vol + liq;
    static_assert(
        std::is_same_v<decltype(both), const hc::sum<hc::volatility, hc::liquidity<linear_curve>>>);
    CHECK(both(c) == v + l);
    CHECK(hc::sum{vol, liq}(c) == v + l);
    CHECK((hc::fixed{0.7} + hc::fixed{0.6})(c) == 1.0); // clamped

    CHECK(hc::max(vol, liq)(c) == l);
    CHECK(hc::max(liq, vol)(c) == l);
    CHECK(hc::cap(both, 0.12)(c) == 0.12);
    CHECK(hc::cap(both, 0.9)(c) == v + l);
    CHECK(hc::floor(vol, 0.5)(c) == 0.5);
    CHECK(hc::floor(vol, 0.01)(c) == v);
    CHECK(hc::floor(hc::cap(both, 0.12), 0.2)(c) == 0.2);

    // NaN in any part comes out, wherever it is.
    const auto bad = holding(qnan);
    CHECK(std::isnan(hc::max(vol, hc::fixed{0.3})(bad)));
    CHECK(std::isnan(hc::max(hc::fixed{0.3}, vol)(bad)));
    CHECK(std::isnan((hc::fixed{0.3} + vol)(bad)));
    CHECK(std::isnan(hc::cap(vol, 0.5)(bad)));
    CHECK(std::isnan(hc::floor(vol, 0.5)(bad)));

    // validate(): the parts' messages, and the limits'.
    CHECK_NOTHROW((vol + liq).validate());
    CHECK_THROWS_WITH((hc::volatility{.confidence = 3} + liq).validate(),
                      Catch::Contains("haircut::volatility: confidence = 3"));
    CHECK_THROWS_WITH(hc::max(liq, hc::fixed{2}).validate(),
                      Catch::Contains("haircut::fixed: rate = 2"));
    CHECK_THROWS_WITH(hc::cap(vol, 1.5).validate(),
                      "spiral: haircut::capped: limit = 1.5 (must be in [0, 1])");
    CHECK_THROWS_WITH(hc::floor(vol, -0.1).validate(),
                      Catch::Contains("haircut::floored: limit = -0.1"));
    CHECK_THROWS_WITH(hc::floor(hc::cap(hc::volatility{.horizon_days = -2}, 0.5), 0.1).validate(),
                      Catch::Contains("horizon_days = -2"));

    // prepare() keeps the values.
    const auto combo = hc::cap(hc::max(hc::depeg{0.1, 0.02} + liq, hc::wrong_way{0.4}), 0.9);
    const auto prepared = hc::prepare(combo);
    for (double sigma : {0.0, 0.3, 1.1})
        CHECK(prepared(holding(sigma, 0.3, 500)) == combo(holding(sigma, 0.3, 500)));
}

// ---------------------------------------------------------------------------- properties

namespace {

/// One generated holding: quantity across seven decades (and sometimes 0), volatility in
/// [0, 3] (sometimes 0), correlation in [-1, 1] (sometimes exactly -1, 0 or 1).
collateral<double> random_holding(std::mt19937_64& rng) {
    std::uniform_real_distribution<double> u(0.0, 1.0);
    const double pick = u(rng);
    collateral<double> c{};
    c.quantity = pick < 0.05 ? 0.0 : std::pow(10.0, -3.0 + 7.0 * u(rng));
    c.price = std::pow(10.0, -2.0 + 5.0 * u(rng));
    c.volatility = pick > 0.95 ? 0.0 : 3.0 * u(rng);
    const double r = u(rng);
    c.correlation = r < 0.05 ? -1.0 : r < 0.1 ? 1.0 : r < 0.15 ? 0.0 : -1.0 + 2.0 * u(rng);
    return c;
}

/// A value at least as large, by a random amount (sometimes none).
double larger(double x, double at_most, std::mt19937_64& rng) {
    std::uniform_real_distribution<double> u(0.0, 1.0);
    const double pick = u(rng);
    if (pick < 0.1)
        return x;
    if (pick < 0.2)
        return std::nextafter(x, inf) < at_most ? std::nextafter(x, inf) : x;
    return x + (at_most - x) * u(rng) * u(rng);
}

struct property_report {
    std::string name;
    long checks = 0, failures = 0;
    std::string first;

    void check(bool ok, const std::string& what, const collateral<double>& c, double a, double b) {
        ++checks;
        if (ok)
            return;
        if (failures++ == 0) {
            std::ostringstream out;
            out.precision(17);
            out << what << " at q=" << c.quantity << " sigma=" << c.volatility
                << " rho=" << c.correlation << ": " << a << " then " << b;
            first = out.str();
        }
    }
};

/// Monotonicity holds up to rounding: later evaluations may be below earlier ones by at most
/// this (the haircuts are fractions of value; 2e-15 is a few ulps of 1).
constexpr double rounding = 2e-15;

/// For one family `make(horizon_days)` of models: [0, 1] and non-decreasing in volatility,
/// quantity, correlation and horizon, at `holdings` generated holdings.
template <class Make>
void check_family(property_report& report, const Make& make, std::mt19937_64& rng, int holdings) {
    std::uniform_real_distribution<double> u(0.0, 1.0);
    for (int i = 0; i < holdings; ++i) {
        const double horizon = 30.0 * u(rng) * u(rng);
        const auto model = make(horizon);
        const collateral<double> c = random_holding(rng);
        const double h = model(c);
        report.check(h >= 0.0 && h <= 1.0, "in [0, 1]", c, h, h);

        collateral<double> more = c;
        more.volatility = larger(c.volatility, 4.0, rng);
        report.check(model(more) >= h - rounding, "volatility", c, h, model(more));
        more = c;
        more.quantity = larger(c.quantity, 2e4, rng);
        report.check(model(more) >= h - rounding, "quantity", c, h, model(more));
        more = c;
        more.correlation = larger(c.correlation, 1.0, rng);
        report.check(model(more) >= h - rounding, "correlation", c, h, model(more));
        const double later = make(larger(horizon, 60.0, rng))(c);
        report.check(later >= h - rounding, "horizon", c, h, later);
    }
}

} // namespace

TEST_CASE("haircut properties over generated inputs: [0, 1] and monotone") {
    std::mt19937_64 rng(20240603);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    const auto confidence = [&] { return u(rng) < 0.2 ? 0.99 : 0.5 + 0.4999 * u(rng); };
    const auto curve = [&] { return exponential_curve{std::pow(10.0, -6.0 + 5.0 * u(rng))}; };
    const auto linear = [&] { return linear_curve{std::pow(10.0, -6.0 + 5.0 * u(rng))}; };

    std::vector<property_report> reports;
    constexpr int parameter_draws = 200, holdings = 20;
    const auto run = [&](const std::string& name, auto draw_family) {
        property_report report{name, 0, 0, {}};
        for (int k = 0; k < parameter_draws; ++k)
            check_family(report, draw_family(), rng, holdings);
        reports.push_back(report);
    };

    run("fixed", [&] {
        const double rate = u(rng);
        return [rate](double) { return hc::fixed{rate}; };
    });
    run("volatility", [&] {
        const double a = confidence(), days = u(rng) < 0.5 ? 365.0 : 252.0;
        return [a, days](double h) { return hc::volatility{a, h, days}; };
    });
    run("basel_scaled", [&] {
        const double h10 = 0.3 * u(rng), t_m = 1.0 + 19.0 * u(rng);
        return [h10, t_m](double h) { return hc::basel_scaled{h10, 1.0 + h, t_m}; };
    });
    run("liquidity", [&] {
        const auto curve_ = curve();
        return [curve_](double) { return hc::liquidity{curve_}; };
    });
    run("liquidity (linear)", [&] {
        const auto curve_ = linear();
        return [curve_](double) { return hc::liquidity{curve_}; };
    });
    run("wrong_way", [&] {
        const double se = u(rng) < 0.1 ? 0.0 : 3.0 * u(rng), a = confidence();
        return [se, a](double h) { return hc::wrong_way{se, a, h}; };
    });
    run("depeg", [&] {
        const double j = u(rng), p = u(rng) < 0.5 ? u(rng) : 0.02 * u(rng), a = confidence();
        return [j, p, a](double h) { return hc::depeg{j, p, a, h}; };
    });
    run("volatility + liquidity", [&] {
        const double a = confidence();
        const auto curve_ = curve();
        return [a, curve_](double h) { return hc::volatility{a, h} + hc::liquidity{curve_}; };
    });
    run("max(wrong_way, depeg)", [&] {
        const double se = 2.0 * u(rng), j = 0.5 * u(rng), p = 0.05 * u(rng);
        return [se, j, p](double h) {
            return hc::max(hc::wrong_way{.exposure_volatility = se, .horizon_days = h},
                           hc::depeg{.jump_size = j, .jump_probability = p, .horizon_days = h});
        };
    });
    run("cap(depeg + liquidity + wrong_way)", [&] {
        const double j = 0.3 * u(rng), p = u(rng), se = u(rng), limit = u(rng);
        const auto curve_ = linear();
        return [=](double h) {
            return hc::cap(hc::depeg{j, p, 0.99, h} + hc::liquidity{curve_} +
                               hc::wrong_way{se, 0.975, h},
                           limit);
        };
    });
    run("floor(max(volatility, basel_scaled))", [&] {
        const double h10 = 0.2 * u(rng), limit = 0.3 * u(rng);
        return [h10, limit](double h) {
            return hc::floor(
                hc::max(hc::volatility{.horizon_days = h}, hc::basel_scaled{h10, 1.0 + h}), limit);
        };
    });
    run("prepared cap(floor(volatility + wrong_way))", [&] {
        const double se = u(rng), lo = 0.1 * u(rng), hi = 0.5 + 0.5 * u(rng);
        return [=](double h) {
            return hc::prepare(
                hc::cap(hc::floor(hc::volatility{0.99, h} + hc::wrong_way{se, 0.99, h}, lo), hi));
        };
    });

    for (const auto& r : reports) {
        INFO(r.name << ": " << r.failures << " of " << r.checks
                    << " checks failed; first: " << r.first);
        CHECK(r.failures == 0);
        CHECK(r.checks == 5L * parameter_draws * holdings);
    }
}

TEST_CASE("haircut: monotone in rho and horizon exactly, not only up to rounding") {
    // The formulas are written so that rho and the horizon enter through monotone roundings.
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    long violations = 0;
    for (int i = 0; i < 20000; ++i) {
        const hc::wrong_way model{3 * u(rng), 0.5 + 0.5 * u(rng) * 0.999, 30 * u(rng)};
        auto c = holding(3 * u(rng), -1 + 2 * u(rng));
        const double before = model(c);
        c.correlation = std::nextafter(c.correlation, 2.0);
        violations += model(c) < before;
        const hc::volatility vol{0.99, 10 * u(rng)};
        const hc::volatility longer{0.99, std::nextafter(vol.horizon_days, inf)};
        violations += longer(c) < vol(c);
    }
    CHECK(violations == 0);
}

// ---------------------------------------------------------------------------- bulk (scalar build)

TEST_CASE("haircut::apply (scalar): equals the model row by row") {
    std::mt19937_64 rng(11);
    const std::size_t n = 1003;
    std::vector<double> q(n), p(n), v(n), r(n), out(n), again(n);
    for (std::size_t i = 0; i < n; ++i) {
        const auto c = random_holding(rng);
        q[i] = c.quantity;
        p[i] = c.price;
        v[i] = c.volatility;
        r[i] = c.correlation;
    }
    const auto model = hc::cap(hc::max(hc::volatility{} + hc::liquidity{exponential_curve{1e-3}},
                                       hc::wrong_way{0.8, 0.99, 3}),
                               0.75);
    hc::apply(model, {q, p, v, r}, out);
    for (std::size_t i = 0; i < n; ++i)
        CHECK(out[i] == model(collateral<double>{q[i], p[i], v[i], r[i]}));

    // Without a correlation column every row has correlation 0.
    hc::apply(model, {.quantity = q, .price = p, .volatility = v}, out);
    for (std::size_t i = 0; i < n; i += 97)
        CHECK(out[i] == model(collateral<double>{q[i], p[i], v[i], 0.0}));

    // The output may be an input column.
    std::vector<double> vol_copy = v;
    hc::apply(hc::volatility{}, {q, p, vol_copy}, vol_copy);
    for (std::size_t i = 0; i < n; i += 13)
        CHECK(vol_copy[i] == hc::volatility{}(holding(v[i])));

    // Empty columns: nothing to do.
    CHECK_NOTHROW(hc::apply(hc::volatility{}, {}, std::span<double>{}));
}

TEST_CASE("haircut::apply: sizes, values and parameters are checked") {
    std::vector<double> q{1, 2, 3}, p{1, 1, 1}, v{0.1, 0.2, 0.3}, r{0, 0, 0}, out(3);
    std::vector<double> short_column{1, 2};
    const hc::volatility model{};
    // the row count is the first column's length (quantity), as in every bulk entry point
    CHECK_THROWS_WITH(hc::apply(model, {short_column, p, v}, out),
                      "spiral: haircut::apply: price.size() = 3 (must equal quantity.size() = 2)");
    CHECK_THROWS_WITH(hc::apply(model, {q, short_column, v}, out),
                      Catch::Contains("price.size() = 2"));
    CHECK_THROWS_WITH(hc::apply(model, {q, p, short_column}, out),
                      Catch::Contains("volatility.size() = 2"));
    CHECK_THROWS_WITH(hc::apply(model, {q, p, v, short_column}, out),
                      Catch::Contains("correlation.size() = 2 (must be 0 or 3)"));
    CHECK_THROWS_WITH(hc::apply(model, {q, p, v}, std::span<double>(out).first(2)),
                      "spiral: haircut::apply: out.size() = 2 (must equal quantity.size() = 3)");
    CHECK_THROWS_WITH(hc::apply(hc::volatility{.confidence = 7}, {q, p, v}, out),
                      Catch::Contains("haircut::volatility: confidence = 7"));

    const auto bad = [&](std::vector<double>& column, std::size_t row, double value) {
        const double saved = column[row];
        column[row] = value;
        std::string message;
        try {
            hc::apply(model, {q, p, v, r}, out);
        } catch (const spiral::invalid_argument& e) {
            message = e.what();
        }
        column[row] = saved;
        return message;
    };
    CHECK(bad(q, 1, -1) == "spiral: haircut::apply: quantity[1] = -1 (must be finite and >= 0)");
    CHECK(bad(q, 2, qnan) == "spiral: haircut::apply: quantity[2] = nan (must be finite and >= 0)");
    CHECK(bad(p, 0, 0) == "spiral: haircut::apply: price[0] = 0 (must be finite and > 0)");
    CHECK(bad(p, 2, inf) == "spiral: haircut::apply: price[2] = inf (must be finite and > 0)");
    CHECK(bad(v, 1, -0.5) ==
          "spiral: haircut::apply: volatility[1] = -0.5 (must be finite and >= 0)");
    CHECK(bad(r, 2, 1.5) == "spiral: haircut::apply: correlation[2] = 1.5 (must be in [-1, 1])");
    CHECK(bad(r, 0, qnan) == "spiral: haircut::apply: correlation[0] = nan (must be in [-1, 1])");
}

} // namespace unit_tests_haircut
