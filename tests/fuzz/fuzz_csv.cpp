// Fuzz target for the examples' CSV reader (examples/csv_table.hpp), which reads the demo's
// books and is meant for the spiral-stress command line. The input is the file's text.
// Contract: example::input_error with a "FILE:LINE: what" or "FILE: what" message, or a table
// whose wanted columns are present, as long as the rows, and finite.
#include "csv_table.hpp"

#include "fuzz_input.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <unistd.h>

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
    try {
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
