// The 50-digit oracle (declared in support/oracle.hpp); no tests here.
#include "oracle.hpp"

#include <boost/math/constants/constants.hpp>
#include <boost/math/special_functions/erf.hpp>

namespace oracle {

real erfc(const real& x) {
    return boost::math::erfc(x);
}

real norm_cdf(const real& x) {
    return boost::math::erfc(-x / sqrt(real(2))) / 2;
}

real norm_pdf(const real& x) {
    return exp(-x * x / 2) / sqrt(2 * boost::math::constants::pi<real>());
}

real norm_quantile(const real& p) {
    return -sqrt(real(2)) * boost::math::erfc_inv(2 * p);
}

real price(const option& o) {
    const real s = o.vol * sqrt(o.time);
    const real d1 = (log(o.spot / o.strike) + (o.rate - o.dividend) * o.time) / s + s / 2;
    const real d2 = d1 - s;
    const real spot_part = o.spot * exp(-o.dividend * o.time);
    const real strike_part = o.strike * exp(-o.rate * o.time);
    return o.call ? spot_part * norm_cdf(d1) - strike_part * norm_cdf(d2)
                  : strike_part * norm_cdf(-d2) - spot_part * norm_cdf(-d1);
}

first_order_greeks greeks_by_formulas(const option& o) {
    const real w = o.call ? 1 : -1;
    const real root_t = sqrt(o.time);
    const real s = o.vol * root_t;
    const real forward_part = o.spot * exp(-o.dividend * o.time);
    const real strike_part = o.strike * exp(-o.rate * o.time);
    const real d1 = log(forward_part / strike_part) / s + s / 2;
    const real d2 = d1 - s;
    const real n1 = norm_pdf(d1);
    const real N1 = norm_cdf(w * d1), N2 = norm_cdf(w * d2);
    first_order_greeks g;
    g.price = w * (forward_part * N1 - strike_part * N2);
    g.delta = w * exp(-o.dividend * o.time) * N1;
    g.gamma = exp(-o.dividend * o.time) * n1 / (o.spot * s);
    g.vega = forward_part * n1 * root_t;
    g.theta = -forward_part * n1 * o.vol / (2 * root_t) - w * o.rate * strike_part * N2 +
              w * o.dividend * forward_part * N1;
    g.rho = w * o.time * strike_part * N2;
    return g;
}

double power_law_haircut(double eta, double volume, double delta, double q) {
    const real u = real(q) / real(volume);
    return static_cast<double>(real(eta) * pow(u, real(delta)) / (real(delta) + 1));
}

namespace {

// Central differences of f(x) in one input, with step h: first, second and third derivative.
template <class F>
real first(F f, const real& h) {
    return (f(h) - f(-h)) / (2 * h);
}
template <class F>
real second(F f, const real& h) {
    return (f(h) - 2 * f(real(0)) + f(-h)) / (h * h);
}
template <class F>
real third(F f, const real& h) {
    return (f(2 * h) - 2 * f(h) + 2 * f(-h) - f(-2 * h)) / (2 * h * h * h);
}

} // namespace

greeks greeks_by_differences(const option& o, bool higher_order) {
    auto shifted = [&](real option::*field, const real& by) {
        option moved = o;
        moved.*field += by;
        return moved;
    };
    auto along = [&](real option::*field) {
        return [&, field](const real& by) { return price(shifted(field, by)); };
    };
    // Steps relative to each input's own size: 1e-15 for first, 1e-12 for second, 1e-10 for
    // third derivatives keep truncation (h^2) and cancellation (1e-50 / h^k) below 1e-19.
    const real hs1 = o.spot * real(1e-15), ht1 = o.time * real(1e-15);
    const real hv1 = o.vol * real(1e-15), hr1 = real(1e-15);
    greeks g;
    g.price = price(o);
    g.delta = first(along(&option::spot), hs1);
    g.vega = first(along(&option::vol), hv1);
    g.theta = -first(along(&option::time), ht1);
    g.rho = first(along(&option::rate), hr1);
    g.dividend_rho = first(along(&option::dividend), hr1);
    if (!higher_order)
        return g;

    const real hs2 = o.spot * real(1e-12), hv2 = o.vol * real(1e-12), ht2 = o.time * real(1e-12);
    const real hs3 = o.spot * real(1e-10), hv3 = o.vol * real(1e-10), ht3 = o.time * real(1e-10);
    g.gamma = second(along(&option::spot), hs2);
    g.volga = second(along(&option::vol), hv2);
    g.speed = third(along(&option::spot), hs3);
    // Mixed derivatives: difference of a first difference.
    auto mixed = [&](real option::*a, const real& ha, real option::*b, const real& hb) {
        auto da = [&](const real& by) {
            const option base = shifted(b, by);
            option up = base, down = base;
            up.*a += ha;
            down.*a -= ha;
            return (price(up) - price(down)) / (2 * ha);
        };
        return first(da, hb);
    };
    g.vanna = mixed(&option::spot, hs2, &option::vol, hv2);
    g.charm = -mixed(&option::spot, hs2, &option::time, ht2);
    g.veta = -mixed(&option::vol, hv2, &option::time, ht2);
    // Gamma's own derivatives: second difference in spot, first in vol or time.
    auto gamma_at = [&](real option::*b, const real& by) {
        const option base = shifted(b, by);
        option up = base, down = base;
        up.spot += hs3;
        down.spot -= hs3;
        return (price(up) - 2 * price(base) + price(down)) / (hs3 * hs3);
    };
    g.zomma = (gamma_at(&option::vol, hv3) - gamma_at(&option::vol, -hv3)) / (2 * hv3);
    g.color = -(gamma_at(&option::time, ht3) - gamma_at(&option::time, -ht3)) / (2 * ht3);
    return g;
}

} // namespace oracle
