// One unit of the two-target program: every family's bulk entry point, on whatever target the
// flags of this compilation give (see tests/abi/CMakeLists.txt and main.cpp).
#include "unit.hpp"

#include <spiral/cascade/cascade.hpp>
#include <spiral/haircut/haircut.hpp>
#include <spiral/impact/exponential.hpp>
#include <spiral/margin/bulk.hpp>
#include <spiral/options/bulk.hpp>
#include <spiral/options/implied_vol_bulk.hpp>

#include <array>
#include <cstddef>

namespace abi_test {

results SPIRAL_ABI_UNIT(const book& b) {
    const std::size_t n = b.spot.size();
    results r;
    r.arch = spiral::bulk_arch_name;
    r.simd = spiral::bulk_uses_simd;
    r.price.resize(n);
    r.delta.resize(n);
    r.implied.resize(n);
    r.haircut.resize(n);
    r.initial.resize(n);
    const spiral::bs_columns options{b.type, b.spot, b.strike, b.time, b.rate, b.dividend, b.vol};
    spiral::black_scholes(options, {.price = r.price, .delta = r.delta});
    spiral::implied_vol({b.type, r.price, b.spot, b.strike, b.time, b.rate, b.dividend}, r.implied);
    namespace hc = spiral::haircut;
    const auto model = hc::volatility{} + hc::liquidity{spiral::impact::exponential{1e-3}};
    hc::apply(model, {.quantity = b.quantity, .price = b.spot, .volatility = b.vol}, r.haircut);
    namespace mg = spiral::margin;
    std::vector<double> short_quantity(n, -1.0);
    mg::position_requirement(mg::venues::deribit,
                             {b.type, short_quantity, b.spot, b.strike, r.price},
                             {.initial = r.initial});
    const auto grid = mg::span_parameters{}.grid();
    r.grid_pnl.resize(grid.size());
    (void)mg::grid_margin(grid, {.options = options, .quantity = b.quantity}, r.grid_pnl);
    spiral::cascade::book positions{.collateral = b.quantity, .debt = {}, .threshold = {}};
    for (std::size_t i = 0; i < n; ++i) {
        positions.debt.push_back(b.quantity[i] * b.spot[0] * (0.5 + 0.3 * b.vol[i]));
        positions.threshold.push_back(0.85);
    }
    r.cascade_final_price =
        spiral::cascade::simulate(positions, b.spot[0], 0.3, spiral::impact::exponential{1e-4})
            .final_price;
    return r;
}

} // namespace abi_test
