// core/checks.hpp: what each domain accepts, decided at compile time.
#include <spiral/core/checks.hpp>

namespace {
using namespace spiral::detail;
constexpr double inf = __builtin_huge_val();
constexpr double nan = __builtin_nan("");

static_assert(finite.contains(-1e308) && finite.contains(0.0) && !finite.contains(inf) &&
              !finite.contains(-inf) && !finite.contains(nan));
static_assert(positive.contains(5e-324) && !positive.contains(0.0) && !positive.contains(-0.0) &&
              !positive.contains(inf) && !positive.contains(nan));
static_assert(non_negative.contains(0.0) && non_negative.contains(-0.0) &&
              !non_negative.contains(-5e-324) && !non_negative.contains(inf));
static_assert(at_least(1).contains(1.0) && !at_least(1).contains(0.9999999999999999));
static_assert(above(-1).contains(-0.9999999999999999) && !above(-1).contains(-1.0));
static_assert(in_closed(0, 1).contains(0.0) && in_closed(0, 1).contains(1.0) &&
              !in_closed(0, 1).contains(nan));
static_assert(!in_open(0, 1).contains(0.0) && !in_open(0, 1).contains(1.0) &&
              in_open(0, 1).contains(0.5));
static_assert(!in_left_open(0, 1).contains(0.0) && in_left_open(0, 1).contains(1.0));
static_assert(in_right_open(0, 1).contains(0.0) && !in_right_open(0, 1).contains(1.0));
static_assert(in_closed(0, 1) == domain{0, 1, true, true} && positive != non_negative);
static_assert(zero_or(in_closed(1e-8, 100)).contains(0.0) &&
              zero_or(in_closed(1e-8, 100)).contains(-0.0) &&
              !zero_or(in_closed(1e-8, 100)).contains(1e-9) &&
              zero_or(in_closed(1e-8, 100)).contains(1e-8) &&
              !zero_or(in_closed(1e-8, 100)).contains(nan) && !in_closed(1e-8, 100).contains(0.0));

// column_within: a whole column passes when both extremes lie in the domain and no NaN shows
// in its sum; an empty column passes; a domain that also takes 0 never passes whole (a value
// between 0 and its interval would hide between the extremes).
static_assert(column_within(non_negative, column_summary{0.0, 5.0, 12.0}));
static_assert(column_within(non_negative, column_summary{inf, -inf, 0.0}));
static_assert(!column_within(non_negative, column_summary{-5e-324, 5.0, 12.0}));
static_assert(!column_within(non_negative, column_summary{0.0, inf, inf}));
static_assert(!column_within(non_negative, column_summary{0.0, 5.0, nan}));
static_assert(!column_within(in_left_open(0, 1), column_summary{0.0, 1.0, 3.0}));
static_assert(column_within(in_left_open(0, 1), column_summary{5e-324, 1.0, 3.0}));
static_assert(!column_within(zero_or(in_closed(1e-8, 100)), column_summary{0.0, 1.0, 3.0}));
} // namespace
