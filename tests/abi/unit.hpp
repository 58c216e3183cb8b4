// What one translation unit of tests/abi computes with the header-only bulk entry points,
// compiled once per CPU target (SPIRAL_ABI_UNIT names the function: run_avx2, run_avx512,
// run_baseline). main.cpp runs each unit the CPU can run and compares with the element kernels.
#pragma once

#include <spiral/options/black_scholes.hpp>

#include <string_view>
#include <vector>

namespace abi_test {

struct book {
    std::vector<spiral::option_type> type;
    std::vector<double> spot, strike, time, rate, dividend, vol, quantity;
};

struct results {
    std::string_view arch; // spiral::bulk_arch_name in the unit
    bool simd = false;     // spiral::bulk_uses_simd in the unit
    std::vector<double> price, delta, implied, haircut, initial, grid_pnl;
    double cascade_final_price = 0;
};

results run_avx2(const book& b);
results run_avx512(const book& b);
results run_baseline(const book& b);

} // namespace abi_test
