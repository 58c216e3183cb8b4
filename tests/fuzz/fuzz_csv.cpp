// Fuzz target for the examples' CSV reader (examples/csv_table.hpp), which reads the demo's
// books and the spiral-stress command line's books and histories. The input is the file's
// text; bits 1-2 of its first byte pick the reader: read_csv, read_book or read_prices.
// Contract: example::input_error with a "FILE:LINE: what" or "FILE: what" message, or a table
// whose wanted columns are present, as long as the rows, and finite; a book that validates;
// at least two prices, all finite and > 0.
#include "csv_table.hpp"

#include "fuzz_input.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

constexpr const char* target = "csv";

/// A file of this process's own, rewritten for every input.
const std::string& scratch_path() {
    static const std::string path = "/tmp/spiral_fuzz_csv_" + std::to_string(::getpid()) + ".csv";
    return path;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string& path = scratch_path();
    if (std::FILE* f = std::fopen(path.c_str(), "wb")) {
        if (size > 0)
            std::fwrite(data, 1, size, f);
        std::fclose(f);
    } else {
        return 0;
    }
    const bool allow_extra = size > 0 && (data[0] & 1) != 0;
    const int reader = size > 0 ? (data[0] >> 1) % 3 : 0;
    try {
        if (reader == 1) {
            const spiral::cascade::book b = example::read_book(path, allow_extra);
            fuzz::require(!b.collateral.empty(), target, "an accepted book has no rows");
            b.validate(); // throws spiral::invalid_argument: caught below as a broken contract
            return 0;
        }
        if (reader == 2) {
            const std::vector<double> prices = example::read_prices(path, "price");
            fuzz::require(prices.size() >= 2, target, "fewer than 2 prices accepted");
            for (const double p : prices)
                fuzz::require(std::isfinite(p) && p > 0, target, "a price not finite and > 0");
            return 0;
        }
        const example::csv_table t =
            example::read_csv(path, {"collateral", "debt", "threshold"}, {"owner"}, allow_extra);
        fuzz::require(t.has("collateral") && t.has("debt") && t.has("threshold"), target,
                      "a required column is missing from an accepted table");
        for (const auto& column : t.columns) {
            fuzz::require(column.size() == t.rows(), target, "a column is not as long as the rows");
            for (const double v : column)
                fuzz::require(std::isfinite(v), target, "a value is not finite");
        }
        for (std::size_t i = 1; i < t.lines.size(); ++i)
            fuzz::require(t.lines[i] > t.lines[i - 1], target, "line numbers out of order");
    } catch (const example::input_error& e) {
        const std::string message = e.what();
        fuzz::require(message.rfind(path + ":", 0) == 0, target,
                      "an error that does not start with FILE: " + message);
    } catch (const std::exception& e) {
        fuzz::fail(target, std::string("unexpected exception: ") + e.what());
    }
    return 0;
}
