// The `real` concept: the number types every formula template accepts.
/// \file
/// \ingroup core
/// \brief The `real` concept: the number types every formula template accepts.
#pragma once

#include <concepts>
#include <cstddef>

namespace spiral {

/// Customisation point describing a SIMD batch type. The primary template says
/// "not a batch"; <spiral/core/xsimd_batch.hpp> specialises it for `xsimd::batch<float|double, A>`
/// with the members `scalar`, `mask`, `size` and the lane-wise operations the
/// generic code needs (`select`, `fma`, ...). Other vector types can opt in the same way.
template <class T>
struct batch_traits {
    static constexpr bool is_batch = false; ///< Not a batch.
};

/// float, double, or a batch of them (in a build that links spiral::simd).
template <class T>
concept real = std::floating_point<T> || batch_traits<T>::is_batch;

namespace detail {
template <class T>
struct real_info {
    using scalar = T;
    using mask = bool;
    static constexpr std::size_t size = 1;
};
template <class T>
requires batch_traits<T>::is_batch struct real_info<T> {
    using scalar = typename batch_traits<T>::scalar;
    using mask = typename batch_traits<T>::mask;
    static constexpr std::size_t size = batch_traits<T>::size;
};
} // namespace detail

/// The element type of `T` (`T` itself for scalars).
template <real T>
using scalar_t = typename detail::real_info<T>::scalar;

/// The result type of a comparison of two `T` (`bool` for scalars).
template <real T>
using mask_t = typename detail::real_info<T>::mask;

/// Number of lanes of `T` (1 for scalars).
template <real T>
inline constexpr std::size_t lanes = detail::real_info<T>::size;

} // namespace spiral
