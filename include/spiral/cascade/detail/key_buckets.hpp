// Positions of a running cascade kept whole (state inline) in buckets of liquidation price.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <type_traits>
#include <vector>

namespace spiral::cascade::detail {

/// A position waiting in the queue: its liquidation price (`key`), its state and its book row.
/// Trivial, 40 bytes: the queue moves whole positions, so taking a bucket streams their state
/// instead of gathering it from arrays indexed by position.
struct queued_position {
    double key;        ///< liquidation price debt / (collateral threshold): due at or below it
    double collateral; ///< asset units
    double debt;       ///< debt units
    double threshold;
    std::uint32_t row;   ///< book row
    std::uint32_t since; ///< the step it was first seen due and not yet served (latency); 0: none
};
static_assert(std::is_trivial_v<queued_position>);

/// A monotone queue of positions keyed by liquidation price, in two levels of geometrically
/// spaced buckets below a top price (found from the bits of the double: no logarithm):
/// coarse buckets of 1/16 octave (4.4%), and 16 fine buckets (0.27%) for the one coarse bucket
/// a step's reach last fell in, split when the reach enters it. Every bucket is a list of
/// fixed-size blocks from a pool that the queue keeps: appending writes to the tail block of
/// one of a cache-sized set of buckets (filling the queue with a whole book streams), taking
/// a bucket returns its blocks, and once the pool has grown nothing is allocated. A step
/// takes every bucket above its reach and filters the boundary fine bucket: it costs the
/// positions it takes plus one split of each coarse bucket the reach enters. No sorting.
/// Prices at or above the top share the first coarse bucket and prices more than 80 octaves
/// below it the last one (both never split).
class position_queue {
public:
    using entry = queued_position;
    static constexpr std::size_t coarse_count = (std::size_t{80} << 4) + 2;
    static constexpr std::size_t fine_per_coarse = 16;

    /// Starts empty; prices at or above `top_price` (> 0) share the first bucket. The pool
    /// is kept for reuse.
    void reset(double top_price) {
        top_bits_ = std::bit_cast<std::uint64_t>(top_price);
        if (coarse_.size() != coarse_count)
            coarse_.assign(coarse_count, list{});
        for (std::size_t i = first_; i <= last_ && i < coarse_count; ++i)
            release(coarse_[i]);
        for (list& f : fine_)
            release(f);
        split_ = none;
        first_ = coarse_count;
        last_ = 0;
        size_ = 0;
    }

    bool empty() const noexcept { return size_ == 0; }
    std::size_t size() const noexcept { return size_; }
    /// Blocks the pool holds (in use or free).
    std::size_t pool_blocks() const noexcept { return slabs_.size() << slab_bits; }

    /// Fine buckets over the whole range: fine_per_coarse for each coarse bucket.
    static constexpr std::size_t bucket_count = coarse_count * fine_per_coarse;

    /// The fine bucket of `price` over the whole range (0: at or above the top): its coarse
    /// bucket times fine_per_coarse plus its place there (0 in the open-ended first and last
    /// coarse buckets, which are never split). NaN never comes here.
    std::size_t bucket_index(double price) const noexcept {
        // coarse (below >> 48) + 1, place (below >> 44) & 15: together (below >> 44) + 16
        constexpr std::uint64_t last = (coarse_count - 1) * fine_per_coarse;
        const std::uint64_t below = distance(price);
        const std::uint64_t b = (below >> 44) + fine_per_coarse;
        return static_cast<std::size_t>(below == at_top ? 0 : b < last ? b : last);
    }

    /// The coarse bucket of `price` (0: at or above the top).
    std::size_t coarse_index(double price) const noexcept {
        return bucket_index(price) / fine_per_coarse;
    }

    void push(const entry& e) {
        const std::size_t b = bucket_index(e.key), c = b / fine_per_coarse;
        append(c == split_ ? fine_[b % fine_per_coarse] : coarse_[c], e);
        first_ = c < first_ ? c : first_;
        last_ = c > last_ ? c : last_;
        ++size_;
    }

    /// True when no position can be priced at or above `reach`: every non-empty bucket lies
    /// wholly below it. O(1); a step with nothing to do costs only this.
    bool nothing_at_or_above(double reach) const noexcept {
        return size_ == 0 || coarse_index(reach) < first_;
    }

    /// Removes every position priced at or above `reach` and passes each to `take` (an entry).
    template <class Take>
    void take_at_or_above(double reach, Take&& take) {
        auto each = [&](std::span<entry> part) {
            for (const entry& e : part)
                take(e);
            return true;
        };
        walk(reach, each, false);
    }

    /// Takes the buckets from the top down to `reach` in price order: each bucket's entries
    /// priced at or above `reach` are removed and passed to `visit` as one std::span<entry>
    /// (it may reorder and modify them; every entry of a span is priced above every entry of
    /// the next), and the walk stops when `visit` returns false. Entries must be pushed back
    /// only after the walk.
    template <class Visit>
    void drain(double reach, Visit&& visit) {
        walk(reach, visit, true);
    }

    /// Calls `visit(const entry&)` for every position in the queue (any order).
    template <class Visit>
    void for_each(Visit&& visit) const {
        const auto each = [&](const list& l) {
            for (std::uint32_t id = l.head; id != none_id; id = block_at(id).next)
                for (std::uint32_t j = 0, n = filled(l, id); j < n; ++j)
                    visit(block_at(id).items[j]);
        };
        for (std::size_t i = first_; i <= last_ && i < coarse_count; ++i)
            each(coarse_[i]);
        for (const list& f : fine_)
            each(f);
    }

private:
    static constexpr std::size_t none = static_cast<std::size_t>(-1);
    static constexpr std::uint32_t none_id = 0xffffffffu;
    static constexpr std::uint64_t at_top = ~std::uint64_t{0};
    static constexpr std::uint32_t block_size = 102; // 102 * 40 + 4 = 4084 bytes
    static constexpr unsigned slab_bits = 9;         // 512 blocks (2 MB) per allocation

    struct block {
        entry items[block_size];
        std::uint32_t next;
    };
    struct list {
        std::uint32_t head = none_id, tail = none_id;
        std::uint32_t size = 0; // entries; every block but the tail is full
        double highest = 0;     // no entry is priced above this (filters skip lists below reach)
    };

    block& block_at(std::uint32_t id) noexcept {
        return slabs_[id >> slab_bits][id & ((1u << slab_bits) - 1)];
    }
    const block& block_at(std::uint32_t id) const noexcept {
        return slabs_[id >> slab_bits][id & ((1u << slab_bits) - 1)];
    }
    /// Entries in block `id` of list l.
    static std::uint32_t filled(const list& l, std::uint32_t id) noexcept {
        if (id != l.tail)
            return block_size;
        const std::uint32_t r = l.size % block_size;
        return r == 0 ? block_size : r;
    }

    /// How far below the top `price` lies, in bits of the double (at_top at or above it).
    std::uint64_t distance(double price) const noexcept {
        // Non-negative doubles order like their bit patterns.
        const std::uint64_t bits = std::bit_cast<std::uint64_t>(price < 0 ? 0.0 : price);
        return bits >= top_bits_ ? at_top : top_bits_ - bits;
    }

    /// The fine bucket of `price` within its coarse bucket (0 .. 15; 0 in the open-ended ones).
    std::size_t fine_offset(double price) const noexcept {
        return bucket_index(price) % fine_per_coarse;
    }

    std::uint32_t allocate() {
        if (free_.empty()) {
            const auto base = static_cast<std::uint32_t>(slabs_.size() << slab_bits);
            slabs_.push_back(std::make_unique_for_overwrite<block[]>(std::size_t{1} << slab_bits));
            for (std::uint32_t j = 1u << slab_bits; j-- > 0;)
                free_.push_back(base + j);
        }
        const std::uint32_t id = free_.back();
        free_.pop_back();
        block_at(id).next = none_id;
        return id;
    }

    void append(list& l, const entry& e) {
        const std::uint32_t at = l.size % block_size;
        if (at == 0) { // the tail is full (or there is none)
            const std::uint32_t id = allocate();
            if (l.tail == none_id)
                l.head = id;
            else
                block_at(l.tail).next = id;
            l.tail = id;
        }
        block_at(l.tail).items[at] = e;
        ++l.size;
        l.highest = e.key > l.highest ? e.key : l.highest;
    }

    /// Returns l's blocks to the pool and empties it.
    void release(list& l) {
        for (std::uint32_t id = l.head; id != none_id;) {
            const std::uint32_t next = block_at(id).next;
            free_.push_back(id);
            id = next;
        }
        l = list{};
    }

    /// Splits coarse bucket c into the fine buckets (merging back the one split before).
    void split(std::size_t c) {
        if (split_ == c)
            return;
        if (split_ != none) {
            list merged = coarse_[split_];
            for (list& f : fine_) {
                move_all(f, merged);
                release(f);
            }
            coarse_[split_] = merged;
        }
        split_ = none;
        if (c == 0 || c == coarse_count - 1)
            return; // open-ended buckets: filtered whole
        list whole = coarse_[c];
        coarse_[c] = list{};
        for (std::uint32_t id = whole.head; id != none_id; id = block_at(id).next)
            for (std::uint32_t j = 0, n = filled(whole, id); j < n; ++j) {
                const entry& e = block_at(id).items[j];
                append(fine_[fine_offset(e.key)], e);
            }
        release(whole);
        split_ = c;
    }

    /// Appends every entry of `from` to `to` (from is left as it was).
    void move_all(const list& from, list& to) {
        for (std::uint32_t id = from.head; id != none_id; id = block_at(id).next)
            for (std::uint32_t j = 0, n = filled(from, id); j < n; ++j)
                append(to, block_at(id).items[j]);
    }

    /// Visits list l whole and empties it: block by block, or (`together`) as one span.
    template <class Visit>
    bool visit_whole(list& l, Visit& visit, bool together) {
        if (l.size == 0)
            return true;
        size_ -= l.size;
        bool more = true;
        if (together) {
            chunk_.clear();
            for (std::uint32_t id = l.head; id != none_id; id = block_at(id).next) {
                const entry* items = block_at(id).items;
                chunk_.insert(chunk_.end(), items, items + filled(l, id));
            }
            release(l);
            more = visit(std::span<entry>(chunk_));
        } else {
            for (std::uint32_t id = l.head; id != none_id; id = block_at(id).next)
                visit(std::span<entry>(block_at(id).items, filled(l, id)));
            release(l);
        }
        return more;
    }

    /// Visits the entries of l priced at or above `reach` (as one span) and keeps the others.
    template <class Visit>
    bool visit_filtered(list& l, double reach, Visit& visit) {
        if (l.size == 0 || l.highest < reach)
            return true; // nothing here is reached (a reach hovering over this bucket)
        // Compacts the kept entries in place, block by block (the writer never passes the
        // reader), and frees the blocks left over: no entry is copied twice.
        chunk_.clear();
        std::uint32_t to = l.head, at = 0, kept = 0;
        double highest = 0;
        for (std::uint32_t id = l.head; id != none_id; id = block_at(id).next)
            for (std::uint32_t j = 0, n = filled(l, id); j < n; ++j) {
                const entry e = block_at(id).items[j];
                if (e.key >= reach) {
                    chunk_.push_back(e);
                    continue;
                }
                if (at == block_size) {
                    to = block_at(to).next;
                    at = 0;
                }
                block_at(to).items[at++] = e;
                ++kept;
                highest = e.key > highest ? e.key : highest;
            }
        size_ -= chunk_.size();
        if (kept == 0) {
            release(l);
        } else {
            list rest{block_at(to).next, l.tail, 0, 0};
            block_at(to).next = none_id;
            l.tail = to;
            l.size = kept;
            l.highest = highest;
            release(rest);
        }
        return chunk_.empty() || visit(std::span<entry>(chunk_));
    }

    template <class Visit>
    void walk(double reach, Visit& visit, bool together) {
        if (nothing_at_or_above(reach))
            return;
        const std::size_t boundary = coarse_index(reach);
        bool more = true;
        for (std::size_t c = first_; more && c < boundary && c <= last_; ++c) {
            if (c == split_) {
                for (list& f : fine_)
                    if (more)
                        more = visit_whole(f, visit, together);
            } else {
                more = visit_whole(coarse_[c], visit, together);
            }
        }
        if (more && boundary <= last_) {
            split(boundary);
            if (split_ == boundary) {
                const std::size_t edge = fine_offset(reach);
                for (std::size_t f = 0; more && f < edge; ++f)
                    more = visit_whole(fine_[f], visit, together);
                if (more)
                    visit_filtered(fine_[edge], reach, visit);
            } else { // an open-ended bucket
                visit_filtered(coarse_[boundary], reach, visit);
            }
        }
        tidy();
    }

    bool coarse_empty(std::size_t c) const noexcept {
        if (c != split_)
            return coarse_[c].size == 0;
        for (const list& f : fine_)
            if (f.size != 0)
                return false;
        return true;
    }

    void tidy() noexcept {
        while (first_ <= last_ && coarse_empty(first_))
            ++first_;
        if (first_ > last_) {
            first_ = coarse_count;
            last_ = 0;
        }
    }

    std::uint64_t top_bits_ = 0;
    std::vector<std::unique_ptr<block[]>> slabs_;
    std::vector<std::uint32_t> free_;
    std::vector<list> coarse_;
    std::array<list, fine_per_coarse> fine_{};
    std::vector<entry> chunk_;
    std::size_t split_ = none;
    std::size_t first_ = coarse_count, last_ = 0, size_ = 0;
};

} // namespace spiral::cascade::detail
