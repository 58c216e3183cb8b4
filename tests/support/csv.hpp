// Minimal CSV reading for the reference tables in tests/data (quoted fields allowed).
#pragma once

#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace test_support {

using csv_row = std::map<std::string, std::string>;

inline std::vector<std::string> split_csv_line(const std::string& line) {
    std::vector<std::string> fields(1);
    bool quoted = false;
    for (char c : line) {
        if (c == '"')
            quoted = !quoted;
        else if (c == ',' && !quoted)
            fields.emplace_back();
        else if (c != '\r')
            fields.back() += c;
    }
    return fields;
}

/// Rows of `tests/data/<name>` keyed by the header's column names.
inline std::vector<csv_row> read_csv(const std::string& name) {
    std::ifstream in(std::string(SPIRAL_TEST_DATA_DIR) + "/" + name);
    if (!in)
        throw std::runtime_error("cannot open test data " + name);
    std::string line;
    std::getline(in, line);
    const auto header = split_csv_line(line);
    std::vector<csv_row> rows;
    while (std::getline(in, line)) {
        if (line.empty())
            continue;
        const auto fields = split_csv_line(line);
        csv_row row;
        for (std::size_t i = 0; i < header.size() && i < fields.size(); ++i)
            row[header[i]] = fields[i];
        rows.push_back(std::move(row));
    }
    return rows;
}

inline double number(const csv_row& row, const std::string& column) {
    return std::stod(row.at(column));
}

} // namespace test_support
