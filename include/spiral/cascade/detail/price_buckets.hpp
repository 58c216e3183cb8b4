// Open positions of a running cascade, bucketed by liquidation price.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace spiral::cascade::detail {

/// A priority queue specialised for the cascade: positions are put in buckets of
/// geometrically spaced liquidation prices (256 per octave, 0.27% wide, found from the bits
/// of the double: no log), and a round takes every bucket above its reach plus the matching
/// part of the boundary bucket. Insertion is O(1) and a round costs O(positions it takes +
/// buckets it crosses), with no sorting.
class price_buckets {
public:
    /// A position waiting at its liquidation price (trivial, so scratch arrays of entries need
    /// not be zeroed).
    struct entry {
        double price;
        std::uint32_t position;
    };

    /// Starts empty; prices at or above `top_price` share the first bucket.
    void reset(double top_price) {
        top_bits_ = std::bit_cast<std::uint64_t>(top_price);
        if (buckets_.empty())
            buckets_.resize(bucket_count);
        for (std::size_t i = first_; i <= last_ && i < bucket_count; ++i)
            buckets_[i].clear();
        first_ = bucket_count;
        last_ = 0;
        size_ = 0;
    }

    bool empty() const noexcept { return size_ == 0; }

    void push(double price, std::uint32_t position) {
        const std::size_t i = index(price);
        buckets_[i].push_back({price, position});
        first_ = i < first_ ? i : first_;
        last_ = i > last_ ? i : last_;
        ++size_;
    }

    /// push() for many entries at once (the bookkeeping stays in registers).
    void push_all(std::span<const entry> entries) {
        // In blocks: first the bucket indices and their range (a loop without stores to the
        // buckets, so the range stays in registers), then the appends.
        constexpr std::size_t block = 256;
        std::uint32_t bucket_of[block];
        for (std::size_t start = 0; start < entries.size(); start += block) {
            const std::size_t count = std::min(block, entries.size() - start);
            const entry* e = entries.data() + start;
            std::size_t first = first_, last = last_;
            for (std::size_t j = 0; j < count; ++j) {
                const std::size_t i = index(e[j].price);
                bucket_of[j] = static_cast<std::uint32_t>(i);
                first = i < first ? i : first;
                last = i > last ? i : last;
            }
            first_ = first;
            last_ = last;
            for (std::size_t j = 0; j < count; ++j)
                buckets_[bucket_of[j]].push_back(e[j]);
        }
        size_ += entries.size();
    }

    /// Moves every position priced at or above `reach` to `out` (appends).
    template <class Out>
    void take_at_or_above(double reach, Out& out) {
        if (size_ == 0)
            return;
        const std::size_t boundary = index(reach);
        std::size_t i = first_;
        for (; i < boundary && i <= last_; ++i) {
            for (const entry& e : buckets_[i])
                out.push_back(e.position);
            size_ -= buckets_[i].size();
            buckets_[i].clear();
        }
        if (i == boundary && i <= last_) {
            std::vector<entry>& b = buckets_[i];
            std::size_t kept = 0;
            for (const entry& e : b) {
                if (e.price >= reach)
                    out.push_back(e.position);
                else
                    b[kept++] = e;
            }
            size_ -= b.size() - kept;
            b.resize(kept);
        }
        while (first_ <= last_ && buckets_[first_].empty())
            ++first_;
        if (first_ > last_) {
            first_ = bucket_count;
            last_ = 0;
        }
    }

    /// Takes the buckets from the top down to `reach`, one at a time: each bucket's entries
    /// priced at or above `reach` are removed and passed to `visit` (a span of entry), and
    /// the walk stops when `visit` returns false. Entries must be pushed back only after the
    /// walk (a position pushed during it could be visited twice).
    template <class Visit>
    void drain(double reach, Visit&& visit) {
        if (size_ == 0)
            return;
        const std::size_t boundary = index(reach);
        for (std::size_t i = first_; i <= boundary && i <= last_; ++i) {
            std::vector<entry>& b = buckets_[i];
            if (b.empty())
                continue;
            chunk_.clear();
            std::size_t kept = 0;
            for (const entry& e : b) {
                if (e.price >= reach)
                    chunk_.push_back(e);
                else
                    b[kept++] = e;
            }
            size_ -= b.size() - kept;
            b.resize(kept);
            if (!chunk_.empty() && !visit(std::span<const entry>(chunk_)))
                break;
        }
        while (first_ <= last_ && buckets_[first_].empty())
            ++first_;
        if (first_ > last_) {
            first_ = bucket_count;
            last_ = 0;
        }
    }

private:
    static constexpr unsigned sub_bits = 8;    // 2^8 buckets per octave
    static constexpr std::size_t octaves = 80; // then everything lower shares one
    static constexpr std::size_t bucket_count = (octaves << sub_bits) + 2;

    // Non-negative doubles order like their bit patterns, so the bits' distance below the top
    // price, shifted, is a log-spaced bucket index. NaN never comes here.
    std::size_t index(double price) const noexcept {
        const std::uint64_t bits = std::bit_cast<std::uint64_t>(price < 0 ? 0.0 : price);
        if (bits >= top_bits_)
            return 0;
        const std::uint64_t below = (top_bits_ - bits) >> (52 - sub_bits);
        return below + 1 < bucket_count ? static_cast<std::size_t>(below + 1) : bucket_count - 1;
    }

    std::vector<std::vector<entry>> buckets_;
    std::vector<entry> chunk_;
    std::uint64_t top_bits_ = 0;
    std::size_t first_ = bucket_count, last_ = 0, size_ = 0;
};

} // namespace spiral::cascade::detail
