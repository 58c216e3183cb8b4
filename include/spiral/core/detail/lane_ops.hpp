// Calls of a batch type's own lane-wise functions by argument-dependent lookup only: xsimd's
// functions for xsimd batches, hidden friends for detail::batch_group, a user's for a vector
// type that opts in through spiral::batch_traits. The deleted declarations stop ordinary
// lookup here, so `spiral::exp` (and friends) can never call themselves by accident.
#pragma once

namespace spiral::detail::lane_ops {

void select() = delete;
void min() = delete;
void max() = delete;
void abs() = delete;
void exp() = delete;
void log() = delete;
void sqrt() = delete;
void any() = delete;
void all() = delete;

#define SPIRAL_LANE_CALL(name)                                                                     \
    template <class... A>                                                                          \
    constexpr auto call_##name(const A&... a) noexcept->decltype(name(a...)) {                     \
        return name(a...);                                                                         \
    }
SPIRAL_LANE_CALL(select)
SPIRAL_LANE_CALL(min)
SPIRAL_LANE_CALL(max)
SPIRAL_LANE_CALL(abs)
SPIRAL_LANE_CALL(exp)
SPIRAL_LANE_CALL(log)
SPIRAL_LANE_CALL(sqrt)
SPIRAL_LANE_CALL(any)
SPIRAL_LANE_CALL(all)
#undef SPIRAL_LANE_CALL

} // namespace spiral::detail::lane_ops
