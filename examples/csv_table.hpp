// A strict reader of numeric CSV tables by column name, shared by the example programs (and
// meant for later command lines such as spiral-stress):
//
//   auto table = example::read_csv("book.csv", {"collateral", "debt", "threshold"});
//   table.column("debt")   // std::vector<double>, one value per data row
//
// Rules:
//   - the first non-empty line is the header: comma-separated column names (surrounding
//     spaces ignored), in any order; each required name must appear exactly once;
//   - a column the caller neither requires nor allows is an error naming it, unless the caller
//     allows extra columns (then it is read past);
//   - every data line has as many fields as the header; every field of a wanted column is a
//     finite number written in full (std::from_chars: "0.8xyz", "", "nan" and "1e999" are
//     errors); empty lines are skipped, a trailing '\r' is dropped;
//   - errors are example::input_error with the message "FILE:LINE: what".
#pragma once

#include "example_support.hpp"

#include <spiral/cascade/book.hpp>

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <fstream>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace example {

/// The numeric columns read from a CSV file, in the order they were asked for.
struct csv_table {
    std::string path;
    std::vector<std::string> names;           ///< the wanted columns present in the file
    std::vector<std::vector<double>> columns; ///< one vector per name, one value per row
    std::vector<std::size_t> lines;           ///< the file line of each row (1-based)
    std::vector<std::string> labels;          ///< the first field of each row (a date, a time)

    std::size_t rows() const noexcept { return lines.size(); }

    /// The column `name`; throws example::input_error when the file has none.
    const std::vector<double>& column(std::string_view name) const {
        for (std::size_t k = 0; k < names.size(); ++k)
            if (names[k] == name)
                return columns[k];
        throw input_error(path + ": no column '" + std::string(name) + "'");
    }

    bool has(std::string_view name) const {
        return std::find(names.begin(), names.end(), name) != names.end();
    }
};

namespace detail {

inline std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

inline std::vector<std::string_view> split_fields(std::string_view line) {
    std::vector<std::string_view> fields;
    for (;;) {
        const std::size_t comma = line.find(',');
        fields.push_back(trim(line.substr(0, comma)));
        if (comma == std::string_view::npos)
            return fields;
        line.remove_prefix(comma + 1);
    }
}

template <class Names>
std::string joined(const Names& names) {
    std::string out;
    for (const std::string_view n : names) {
        if (!out.empty())
            out += ", ";
        out += n;
    }
    return out;
}

} // namespace detail

/// Reads `path` (see the file comment): the `required` columns, and the `optional` ones when
/// present; other columns are an error unless `allow_extra`. (Column names known at run time.)
inline csv_table read_csv(const std::string& path, const std::vector<std::string_view>& required,
                          const std::vector<std::string_view>& optional, bool allow_extra) {
    std::ifstream in(path);
    if (!in)
        throw input_error(path + ": cannot open the file");
    const auto fail = [&](std::size_t line, const std::string& what) {
        throw input_error(path + ":" + std::to_string(line) + ": " + what);
    };
    const std::string expected =
        "expected the columns " + detail::joined(required) +
        (optional.size() ? " (optional: " + detail::joined(optional) + ")" : std::string());

    csv_table table;
    table.path = path;
    std::string text;
    std::size_t line = 0;
    // Header: the first line that is not empty.
    std::vector<std::string_view> header;
    std::string header_text;
    while (std::getline(in, text)) {
        ++line;
        if (!detail::trim(text).empty()) {
            header_text = text;
            header = detail::split_fields(header_text);
            break;
        }
    }
    if (header.empty())
        fail(line == 0 ? 1 : line, "empty file: " + expected + " in a header line");
    const std::size_t header_line = line;

    // Where each wanted column is in the file (npos: absent).
    std::vector<std::string_view> wanted(required);
    wanted.insert(wanted.end(), optional.begin(), optional.end());
    std::vector<std::size_t> position(wanted.size(), std::string_view::npos);
    for (std::size_t f = 0; f < header.size(); ++f) {
        const std::string_view name = header[f];
        if (name.empty())
            fail(header_line, "column " + std::to_string(f + 1) + " has no name; " + expected);
        const auto it = std::find(wanted.begin(), wanted.end(), name);
        if (it == wanted.end()) {
            if (allow_extra)
                continue;
            double number = 0;
            fail(
                header_line,
                "unknown column '" + std::string(name) + "'; " + expected +
                    (parse_number(name, number) ? " (the file seems to have no header line)" : ""));
        }
        const auto k = static_cast<std::size_t>(it - wanted.begin());
        if (position[k] != std::string_view::npos)
            fail(header_line, "column '" + std::string(name) + "' appears twice");
        position[k] = f;
    }
    for (std::size_t k = 0; k < required.size(); ++k)
        if (position[k] == std::string_view::npos)
            fail(header_line, "missing column '" + std::string(wanted[k]) + "'; " + expected);
    for (std::size_t k = 0; k < wanted.size(); ++k)
        if (position[k] != std::string_view::npos) {
            table.names.emplace_back(wanted[k]);
            table.columns.emplace_back();
        }

    while (std::getline(in, text)) {
        ++line;
        if (detail::trim(text).empty())
            continue;
        const std::vector<std::string_view> fields = detail::split_fields(text);
        if (fields.size() != header.size())
            fail(line, std::to_string(fields.size()) + " fields where the header has " +
                           std::to_string(header.size()));
        std::size_t column = 0;
        for (std::size_t k = 0; k < wanted.size(); ++k) {
            if (position[k] == std::string_view::npos)
                continue;
            const std::string_view field = fields[position[k]];
            double value = 0;
            if (!parse_number(field, value))
                fail(line, "column '" + std::string(wanted[k]) + "': '" + std::string(field) +
                               "' is not a finite number");
            table.columns[column++].push_back(value);
        }
        table.lines.push_back(line);
        table.labels.emplace_back(detail::trim(fields[0]));
    }
    return table;
}

/// read_csv with the column names in the source.
inline csv_table read_csv(const std::string& path, std::initializer_list<std::string_view> required,
                          std::initializer_list<std::string_view> optional = {},
                          bool allow_extra = false) {
    return read_csv(path, std::vector<std::string_view>(required),
                    std::vector<std::string_view>(optional), allow_extra);
}

/// A book from a CSV file with the columns collateral, debt, threshold (any order; other
/// columns are an error unless `allow_extra`). No rows, or a row the book rejects
/// (spiral::invalid_argument naming its row), is an input_error naming the file and line.
inline spiral::cascade::book read_book(const std::string& path, bool allow_extra = false) {
    const csv_table table = read_csv(path, {"collateral", "debt", "threshold"}, {}, allow_extra);
    if (table.rows() == 0)
        throw input_error(path + ": no positions (a header line but no rows)");
    spiral::cascade::book b{table.column("collateral"), table.column("debt"),
                            table.column("threshold")};
    try {
        b.validate();
    } catch (const spiral::invalid_argument& e) { // name the file line of the row
        std::string message = e.what();
        const std::size_t open = message.find('['), close = message.find(']');
        if (open != std::string::npos && close > open) {
            const std::size_t row = std::stoul(message.substr(open + 1, close - open - 1));
            if (row < table.rows())
                throw input_error(path + ":" + std::to_string(table.lines[row]) + ": " + message);
        }
        throw input_error(path + ": " + message);
    }
    return b;
}

/// A price history: the first field of each row (its date or time, as written) and one
/// price column.
struct dated_prices {
    std::vector<std::string> dates;
    std::vector<double> prices;
};

/// The column `column` of a price history with each row's first field (other columns are
/// read past): at least two rows, every price > 0 (else an input_error naming the file and
/// line).
inline dated_prices read_dated_prices(const std::string& path, std::string_view column) {
    csv_table table = read_csv(path, {column}, {}, true);
    const std::vector<double>& prices = table.column(column);
    for (std::size_t i = 0; i < prices.size(); ++i)
        if (!(prices[i] > 0)) {
            char text[32];
            const auto end = std::to_chars(text, text + sizeof text, prices[i]).ptr;
            throw input_error(path + ":" + std::to_string(table.lines[i]) + ": column '" +
                              std::string(column) + "': " + std::string(text, end) +
                              " is not a positive price");
        }
    if (prices.size() < 2)
        throw input_error(path + ": " + std::to_string(prices.size()) + " prices in column '" +
                          std::string(column) + "'; at least 2 needed");
    return {std::move(table.labels), prices};
}

/// read_dated_prices without the dates.
inline std::vector<double> read_prices(const std::string& path, std::string_view column) {
    return read_dated_prices(path, column).prices;
}

} // namespace example
