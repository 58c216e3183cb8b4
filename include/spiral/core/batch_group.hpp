// N batches treated as one `real`, so that one loop step carries N independent dependency
// chains. A long kernel (Black–Scholes: sqrt, exp, log, exp, a rational, a division...) runs a
// single batch at a fraction of the core's throughput; N = 4 was fastest with AVX-512 and AVX2
// (1.9x and 1.6x over N = 1, see docs/performance.md).
//
// Each operation applies the same operation to every part, found for the part by argument-
// dependent lookup (xsimd's functions for xsimd batches). Supporting one more lane-wise
// function is one line here (SPIRAL_GROUP_FUNCTION) and its wrapper in <spiral/core/math.hpp>.
/// \file
/// \ingroup core
/// \brief N SIMD batches as one `real`: N independent dependency chains per loop step.
#pragma once

#include <spiral/core/detail/lane_ops.hpp>
#include <spiral/core/real.hpp>

#include <array>
#include <cstddef>
#include <utility>

namespace spiral {
namespace detail {

/// `f(0), ..., f(N - 1)` as the parts of an R.
template <class R, std::size_t N, class F>
R generate_parts(F&& f) noexcept {
    return [&]<std::size_t... k>(std::index_sequence<k...>) {
        return R{{f(k)...}};
    }
    (std::make_index_sequence<N>{});
}

template <class M, std::size_t N>
struct batch_group_mask {
    std::array<M, N> part;

    friend batch_group_mask operator&&(const batch_group_mask& a,
                                       const batch_group_mask& b) noexcept {
        return generate_parts<batch_group_mask, N>(
            [&](std::size_t k) { return a.part[k] && b.part[k]; });
    }
    friend batch_group_mask operator||(const batch_group_mask& a,
                                       const batch_group_mask& b) noexcept {
        return generate_parts<batch_group_mask, N>(
            [&](std::size_t k) { return a.part[k] || b.part[k]; });
    }
    friend batch_group_mask operator!(const batch_group_mask& a) noexcept {
        return generate_parts<batch_group_mask, N>([&](std::size_t k) { return !a.part[k]; });
    }
    /// True when every lane of every part is set.
    friend bool all(const batch_group_mask& a) noexcept {
        auto every = a.part[0];
        for (std::size_t k = 1; k < N; ++k)
            every = every && a.part[k];
        return lane_ops::call_all(every);
    }
    /// True when some lane of some part is set.
    friend bool any(const batch_group_mask& a) noexcept {
        auto some = a.part[0];
        for (std::size_t k = 1; k < N; ++k)
            some = some || a.part[k];
        return lane_ops::call_any(some);
    }
};

template <class B, std::size_t N>
struct batch_group {
    using value_type = typename batch_traits<B>::scalar;
    using mask = batch_group_mask<typename batch_traits<B>::mask, N>;
    static constexpr std::size_t size = N * batch_traits<B>::size;
    std::array<B, N> part;

    batch_group() noexcept = default;
    batch_group(value_type value) noexcept // NOLINT(google-explicit-constructor): like a batch
        : part(generate_parts<batch_group, N>([value](std::size_t) { return B(value); }).part) {}
    explicit batch_group(const std::array<B, N>& parts) noexcept : part(parts) {}

    static batch_group load_unaligned(const value_type* from) noexcept {
        return generate_parts<batch_group, N>(
            [from](std::size_t k) { return B::load_unaligned(from + k * batch_traits<B>::size); });
    }
    static batch_group load_aligned(const value_type* from) noexcept {
        return generate_parts<batch_group, N>(
            [from](std::size_t k) { return B::load_aligned(from + k * batch_traits<B>::size); });
    }
    void store_unaligned(value_type* to) const noexcept {
        for (std::size_t k = 0; k < N; ++k)
            part[k].store_unaligned(to + k * batch_traits<B>::size);
    }
    void store_aligned(value_type* to) const noexcept {
        for (std::size_t k = 0; k < N; ++k)
            part[k].store_aligned(to + k * batch_traits<B>::size);
    }

#define SPIRAL_GROUP_BINARY(op, result)                                                            \
    friend result operator op(const batch_group& a, const batch_group& b) noexcept {               \
        return generate_parts<result, N>([&](std::size_t k) { return a.part[k] op b.part[k]; });   \
    }
    SPIRAL_GROUP_BINARY(+, batch_group)
    SPIRAL_GROUP_BINARY(-, batch_group)
    SPIRAL_GROUP_BINARY(*, batch_group)
    SPIRAL_GROUP_BINARY(/, batch_group)
    SPIRAL_GROUP_BINARY(<, mask)
    SPIRAL_GROUP_BINARY(<=, mask)
    SPIRAL_GROUP_BINARY(>, mask)
    SPIRAL_GROUP_BINARY(>=, mask)
    SPIRAL_GROUP_BINARY(==, mask)
    SPIRAL_GROUP_BINARY(!=, mask)
#undef SPIRAL_GROUP_BINARY
    friend batch_group operator-(const batch_group& a) noexcept {
        return generate_parts<batch_group, N>([&](std::size_t k) { return -a.part[k]; });
    }
    batch_group& operator+=(const batch_group& b) noexcept {
        return *this = *this + b;
    }
    batch_group& operator-=(const batch_group& b) noexcept {
        return *this = *this - b;
    }
    batch_group& operator*=(const batch_group& b) noexcept {
        return *this = *this * b;
    }

    // Lane-wise functions, each the part's own function found by argument-dependent lookup.
#define SPIRAL_GROUP_FUNCTION(name)                                                                \
    friend batch_group name(const batch_group& x) noexcept {                                       \
        return generate_parts<batch_group, N>(                                                     \
            [&](std::size_t k) { return lane_ops::call_##name(x.part[k]); });                      \
    }
    SPIRAL_GROUP_FUNCTION(abs)
    SPIRAL_GROUP_FUNCTION(exp)
    SPIRAL_GROUP_FUNCTION(log)
    SPIRAL_GROUP_FUNCTION(sqrt)
#undef SPIRAL_GROUP_FUNCTION
    friend batch_group min(const batch_group& a, const batch_group& b) noexcept {
        return generate_parts<batch_group, N>(
            [&](std::size_t k) { return lane_ops::call_min(a.part[k], b.part[k]); });
    }
    friend batch_group max(const batch_group& a, const batch_group& b) noexcept {
        return generate_parts<batch_group, N>(
            [&](std::size_t k) { return lane_ops::call_max(a.part[k], b.part[k]); });
    }
    friend batch_group select(const mask& m, const batch_group& a, const batch_group& b) noexcept {
        return generate_parts<batch_group, N>(
            [&](std::size_t k) { return lane_ops::call_select(m.part[k], a.part[k], b.part[k]); });
    }
};

} // namespace detail

template <class B, std::size_t N>
struct batch_traits<detail::batch_group<B, N>> {
    using group = detail::batch_group<B, N>;
    using scalar = typename group::value_type;
    using mask = typename group::mask;
    static constexpr bool is_batch = true;
    static constexpr std::size_t size = group::size;
    static constexpr bool has_fma = batch_traits<B>::has_fma;

    static group fma(const group& a, const group& b, const group& c) noexcept {
        return detail::generate_parts<group, N>(
            [&](std::size_t k) { return batch_traits<B>::fma(a.part[k], b.part[k], c.part[k]); });
    }

    /// Each part's own power_of_two, where its traits have one.
    static group power_of_two(const group& k) noexcept requires requires(const B& b) {
        batch_traits<B>::power_of_two(b);
    }
    {
        return detail::generate_parts<group, N>(
            [&](std::size_t j) { return batch_traits<B>::power_of_two(k.part[j]); });
    }
};

} // namespace spiral
