// What the examples share: the command line (CLI11), the rules for exit codes, the output
// directory, and gnuplot.
//
// Every example program behaves the same way on its command line:
//   --help / -h        lists every flag with its default and domain; exit 0
//   --flag value, --flag=value
//   an unknown flag, a value that is not a number or outside its domain: a message on stderr
//                      naming the flag, exit 2
//   bad input data (a CSV book, parameters the library rejects): the message, exit 2
//   anything else that goes wrong: the message, exit 1; no exception leaves main.
#pragma once

#include <spiral/core/error.hpp>

#include <CLI/CLI.hpp>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>

namespace example {

/// Exit codes: 0 success, 1 an unexpected failure, 2 a usage or input error.
inline constexpr int exit_failure = 1;
inline constexpr int exit_usage = 2;

/// Bad input the user can fix (a malformed CSV file, an empty book): exit 2 with the message.
struct input_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// Parses `text` whole as a finite double (std::from_chars: no leading spaces, no trailing
/// characters, no "nan" or "inf"). False when it is not one.
inline bool parse_number(std::string_view text, double& value) {
    if (text.empty())
        return false;
    const char* first = text.data();
    const char* last = text.data() + text.size();
    if (*first == '+') // from_chars takes no '+'; a number may still carry one
        ++first;
    const auto [end, error] = std::from_chars(first, last, value);
    return error == std::errc() && end == last && std::isfinite(value);
}

/// A CLI11 check of a number flag: finite and within the bounds, each closed or open
/// ("a number in [0, 1)"); infinite bounds are open.
inline CLI::Validator number_in(double lo, double hi, bool lo_open = false, bool hi_open = false) {
    const auto bound = [](double v) {
        char text[32];
        const auto end = std::to_chars(text, text + sizeof text, v).ptr;
        return std::string(text, end);
    };
    std::string description = "a number";
    if (std::isfinite(lo) && std::isfinite(hi))
        description += std::string(" in ") + (lo_open ? "(" : "[") + bound(lo) + ", " + bound(hi) +
                       (hi_open ? ")" : "]");
    else if (std::isfinite(lo))
        description += (lo_open ? " > " : " >= ") + bound(lo);
    else if (std::isfinite(hi))
        description += (hi_open ? " < " : " <= ") + bound(hi);
    return CLI::Validator(
        [=](std::string& text) -> std::string {
            double v = 0;
            if (!parse_number(text, v))
                return "'" + text + "' is not a number";
            const bool above = lo_open ? v > lo : v >= lo;
            const bool below = hi_open ? v < hi : v <= hi;
            if (!(above && below))
                return text + " is not " + description;
            return {};
        },
        description);
}

/// A CLI11 check of a whole-number flag: digits only, within [lo, hi].
inline CLI::Validator count_in(unsigned long long lo, unsigned long long hi) {
    const std::string description =
        "a whole number in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
    return CLI::Validator(
        [=](std::string& text) -> std::string {
            unsigned long long v = 0;
            const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), v);
            if (text.empty() || error != std::errc() || end != text.data() + text.size() ||
                v < lo || v > hi)
                return "'" + text + "' is not " + description;
            return {};
        },
        description);
}

/// Parses the command line into `app`. Returns -1 when the program should go on, else the exit
/// code to return: 0 after --help (printed on stdout), 2 after a usage error (printed on
/// stderr with a pointer to --help).
inline int parse_command_line(CLI::App& app, int argc, char** argv) {
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) { // --help
            std::fputs(app.help().c_str(), stdout);
            return 0;
        }
        std::fprintf(stderr, "%s: %s\nRun with --help for the flags.\n", app.get_name().c_str(),
                     e.what());
        return exit_usage;
    }
    return -1;
}

/// Runs `body` (which returns the exit code) and turns every exception into a message on
/// stderr and an exit code: 2 for input the user can fix (spiral::invalid_argument,
/// example::input_error), 1 for anything else.
template <class Body>
int guarded_main(const char* program, Body&& body) noexcept {
    try {
        return std::forward<Body>(body)();
    } catch (const spiral::invalid_argument& e) {
        std::fprintf(stderr, "%s: %s\n", program, e.what());
        return exit_usage;
    } catch (const input_error& e) {
        std::fprintf(stderr, "%s: %s\n", program, e.what());
        return exit_usage;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: error: %s\n", program, e.what());
        return exit_failure;
    } catch (...) {
        std::fprintf(stderr, "%s: error: unknown exception\n", program);
        return exit_failure;
    }
}

/// Adds the --out flag every example that writes files has.
inline void add_output_flag(CLI::App& app, std::string& dir) {
    app.add_option("--out", dir, "Directory for the CSV files and plots (created if needed)")
        ->capture_default_str();
}

/// Creates `dir` if needed; on failure throws example::input_error saying why.
inline std::filesystem::path output_directory(const std::string& dir) {
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    if (error)
        throw input_error("cannot create " + dir + ": " + error.message());
    return dir;
}

/// gnuplot is installed (Debian: gnuplot-nox); the examples keep their CSV files without it.
inline bool has_gnuplot() {
    return std::system("gnuplot --version > /dev/null 2>&1") == 0;
}

/// gnuplot has the anti-aliased pngcairo terminal (else the plain png one is used).
inline bool gnuplot_has_cairo() {
    return std::system("gnuplot -e 'set terminal pngcairo' > /dev/null 2>&1") == 0;
}

/// Runs gnuplot on `script`, which writes `png`; says which, or that it failed.
inline bool run_gnuplot(const char* program, const std::filesystem::path& script,
                        const std::filesystem::path& png) {
    const std::string command = "gnuplot '" + script.string() + "'";
    if (std::system(command.c_str()) != 0) {
        std::fprintf(stderr, "%s: gnuplot failed on %s\n", program, script.string().c_str());
        return false;
    }
    std::printf("wrote %s\n", png.string().c_str());
    return true;
}

} // namespace example
