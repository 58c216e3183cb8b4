// Columns of options for the bulk tests: a book to fill row by row and the six result columns.
// Include after <spiral/options/bulk.hpp> (and after <spiral/simd.hpp> where batches are wanted).
#pragma once

#include <spiral/options/black_scholes.hpp>
#include <spiral/options/bulk.hpp>

#include <cstddef>
#include <vector>

namespace test_support {

struct option_book {
    std::vector<spiral::option_type> type;
    std::vector<double> spot, strike, time, rate, dividend, vol;

    void add(spiral::option_type t, const spiral::bs_input<double>& in) {
        type.push_back(t);
        spot.push_back(in.spot);
        strike.push_back(in.strike);
        time.push_back(in.time);
        rate.push_back(in.rate);
        dividend.push_back(in.dividend);
        vol.push_back(in.vol);
    }
    std::size_t size() const { return type.size(); }
    spiral::bs_input<double> row(std::size_t i) const {
        return {spot[i], strike[i], time[i], rate[i], dividend[i], vol[i]};
    }
    spiral::bs_columns columns() const { return {type, spot, strike, time, rate, dividend, vol}; }
};

struct greeks_results {
    std::vector<double> price, delta, gamma, vega, theta, rho;
    explicit greeks_results(std::size_t n, double fill = 0.0)
        : price(n, fill), delta(n, fill), gamma(n, fill), vega(n, fill), theta(n, fill),
          rho(n, fill) {}
    spiral::greeks_columns columns() { return {price, delta, gamma, vega, theta, rho}; }
};

} // namespace test_support
