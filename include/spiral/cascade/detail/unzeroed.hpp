// Scratch arrays whose new elements are left uninitialised.
#pragma once

#include <algorithm>
#include <cstddef>
#include <memory>
#include <span>
#include <type_traits>

namespace spiral::cascade::detail {

/// A growable array of a trivial type whose new elements are not initialised: for scratch
/// that is always written before it is read, where zeroing it first (as std::vector::resize
/// does) would cost a pass of its own, and where a fresh allocation should map memory pages
/// only where they are written.
template <class T>
requires std::is_trivial_v<T>
class unzeroed {
public:
    T* data() noexcept { return data_.get(); }
    std::size_t size() const noexcept { return size_; }
    void clear() noexcept { size_ = 0; }
    std::span<const T> elements() const noexcept { return {data_.get(), size_}; }

    /// Storage for at least `n` elements, addressed directly (size() is not used).
    T* at_least(std::size_t n) {
        grow(n);
        return data_.get();
    }

    /// Room for `n` more elements after the first size() (which are kept); `commit` then
    /// says how many of them were written.
    T* extend(std::size_t n) {
        grow(size_ + n);
        return data_.get() + size_;
    }
    void commit(std::size_t written) noexcept { size_ += written; }

    void push_back(const T& value) {
        *extend(1) = value;
        ++size_;
    }

private:
    void grow(std::size_t n) {
        if (n <= capacity_)
            return;
        const std::size_t capacity = std::max(n, 2 * capacity_);
        auto bigger = std::make_unique_for_overwrite<T[]>(capacity);
        std::copy_n(data_.get(), size_, bigger.get());
        data_ = std::move(bigger);
        capacity_ = capacity;
    }

    std::unique_ptr<T[]> data_;
    std::size_t size_ = 0, capacity_ = 0;
};

} // namespace spiral::cascade::detail
