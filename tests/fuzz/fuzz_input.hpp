// What the fuzz targets share: turning libFuzzer's bytes into the inputs of spiral's entry
// points, and reporting a broken contract.
//
// Each target is one executable per family whose first input byte selects the entry point;
// the rest is read by `fuzz::input` as numbers. A number is either one of the values that
// break numerical code (0, -0, subnormals, the extremes of double, infinities, NaN, values
// next to 0 and 1) or 8 raw bytes, so the fuzzer reaches both structure and bit patterns.
// Past the end of the data every read returns 0 (or the smallest count).
//
// The contract every target checks: a call either throws spiral::invalid_argument, or returns
// finite results that satisfy the family's invariants. Anything else (another exception, a
// NaN where none is documented, a broken invariant) calls fuzz::fail, which prints the
// finding and aborts so that libFuzzer saves the input.
#pragma once

#include <spiral/core/error.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <limits>
#include <string>
#include <vector>

namespace fuzz {

/// Prints what broke and aborts (libFuzzer keeps the input as a crash).
[[noreturn]] inline void fail(const char* target, const std::string& what) {
    std::fprintf(stderr, "spiral fuzz %s: contract broken: %s\n", target, what.c_str());
    std::fflush(stderr);
    std::abort();
}

/// Requires `ok`, else fails with `what`.
inline void require(bool ok, const char* target, const std::string& what) {
    if (!ok) [[unlikely]]
        fail(target, what);
}

inline std::string text(double v) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.17g", v);
    return buffer;
}

/// Sequential reader of the fuzzer's bytes.
class input {
public:
    input(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

    bool empty() const noexcept { return position_ >= size_; }

    std::uint8_t byte() noexcept { return position_ < size_ ? data_[position_++] : 0; }

    std::uint64_t bits() noexcept {
        std::uint64_t v = 0;
        for (int i = 0; i < 8; ++i)
            v = (v << 8) | byte();
        return v;
    }

    /// A count in [lo, hi].
    std::size_t count(std::size_t lo, std::size_t hi) noexcept {
        const std::size_t span = hi - lo + 1;
        const std::uint64_t raw = (std::uint64_t(byte()) << 8) | byte();
        return lo + static_cast<std::size_t>(raw % span);
    }

    bool flag() noexcept { return (byte() & 1) != 0; }

    /// Any double: a special value (about half of the time) or raw bits.
    double any() noexcept {
        static constexpr double special[] = {
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.5,
            2.0,
            std::numeric_limits<double>::denorm_min(),
            std::numeric_limits<double>::min(),
            std::numeric_limits<double>::max(),
            -std::numeric_limits<double>::max(),
            std::numeric_limits<double>::infinity(),
            -std::numeric_limits<double>::infinity(),
            std::numeric_limits<double>::quiet_NaN(),
            std::numeric_limits<double>::epsilon(),
            1.0 - std::numeric_limits<double>::epsilon() / 2,
            1.0 + std::numeric_limits<double>::epsilon(),
            1e-300,
            1e300,
            1e-155,
            1e155,
            1e-8,
            1e8,
            0.01,
            0.99,
            100.0,
            -0.5,
        };
        constexpr std::size_t specials = sizeof special / sizeof special[0];
        const std::uint8_t tag = byte();
        if (tag < 128)
            return special[tag % specials];
        double v;
        const std::uint64_t b = bits();
        std::memcpy(&v, &b, sizeof v);
        return v;
    }

    /// A finite double in [lo, hi]: most often a "reasonable" value spread over the interval
    /// on a log or linear scale, sometimes the ends or a value next to them.
    double in(double lo, double hi) noexcept {
        const std::uint8_t tag = byte();
        const double u = static_cast<double>(bits() >> 11) * 0x1p-53; // [0, 1)
        switch (tag % 8) {
        case 0:
            return lo;
        case 1:
            return hi;
        case 2:
            return std::nextafter(lo, hi);
        case 3:
            return std::nextafter(hi, lo);
        case 4:
        case 5:
            if (lo > 0 && hi > lo) // log scale
                return std::exp(std::log(lo) + u * (std::log(hi) - std::log(lo)));
            [[fallthrough]];
        default: {
            const double v = lo + u * (hi - lo);
            return std::isfinite(v) ? v : lo / 2 + u * (hi / 2 - lo / 2) * 2;
        }
        }
    }

    /// Mostly `in(lo, hi)`, sometimes `any()`: valid inputs with a chance of invalid ones.
    double mostly(double lo, double hi) noexcept { return byte() < 224 ? in(lo, hi) : any(); }

    std::vector<double> values(std::size_t n, double lo, double hi) {
        std::vector<double> v(n);
        for (double& x : v)
            x = mostly(lo, hi);
        return v;
    }

private:
    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t position_ = 0;
};

/// Runs `call`: returns true when it returned, false when it threw spiral::invalid_argument
/// with a message in the library's format; any other exception breaks the contract.
template <class Call>
bool accepted(const char* target, Call&& call) {
    try {
        call();
        return true;
    } catch (const spiral::invalid_argument& e) {
        const std::string message = e.what();
        require(message.rfind("spiral: ", 0) == 0 && message.find(" = ") != std::string::npos,
                target, "badly formed message: " + message);
        return false;
    } catch (const std::exception& e) {
        fail(target, std::string("unexpected exception: ") + e.what());
    } catch (...) {
        fail(target, "unexpected non-standard exception");
    }
}

/// |a - b| <= tolerance * max(|a|, |b|, floor).
inline bool close(double a, double b, double tolerance, double floor = 0) {
    return std::abs(a - b) <= tolerance * std::max({std::abs(a), std::abs(b), floor});
}

} // namespace fuzz
