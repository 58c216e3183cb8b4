// What the cascade and stress fuzz targets share: a book and a rule set read from the fuzzer's
// bytes, mostly inside the documented domains with a chance of values outside them.
#pragma once

#include <spiral/cascade/book.hpp>
#include <spiral/cascade/rules.hpp>

#include "fuzz_input.hpp"

#include <cstddef>

namespace fuzz {

inline spiral::cascade::book read_book(input& in, std::size_t max_rows) {
    namespace cascade = spiral::cascade;

    const std::size_t n = in.count(0, max_rows);
    cascade::book b;
    b.collateral = in.values(n, 0, 1e6);
    b.debt = in.values(n, 0, 1e8);
    b.threshold = in.values(n, 1e-3, 1);
    if (in.byte() == 255) // a mismatched column now and then
        b.debt.push_back(1);
    return b;
}

inline spiral::cascade::rules read_rules(input& in) {
    namespace cascade = spiral::cascade;
    cascade::rules r;
    if (in.flag())
        return r;
    r.close_factor = in.mostly(1e-3, 1);
    r.full_close_below = in.mostly(0, 1.5);
    r.bonus = in.mostly(0, 0.5);
    r.size_by = static_cast<cascade::sizing>(in.byte() % 4); // 3: outside the enum
    r.target_health = in.mostly(1, 3);
    r.bonus_slope = in.mostly(0, 2);
    r.max_bonus = r.bonus + in.mostly(0, 1);
    r.max_rounds = in.count(1, 2000);
    if (in.flag())
        r.max_liquidations_per_round = in.count(1, 50);
    if (in.flag())
        r.max_collateral_per_round = in.mostly(1e-9, 1e6);
    r.oracle_delay = in.count(0, 3);
    r.round_days = in.mostly(1e-4, 1);
    if (in.flag()) {
        r.tightening.sensitivity = in.mostly(0, 2);
        r.tightening.base_vol = in.mostly(0, 2);
        r.tightening.min_multiplier = in.mostly(0.01, 1);
        r.tightening.window_days = in.mostly(1e-3, 10);
        r.tightening.days_per_year = in.mostly(1, 366);
    }
    return r;
}

} // namespace fuzz
