// What the examples share: the rules for exit codes, the output directory, and gnuplot. The
// command line is support/command_line.hpp.
//
// Exit codes of every example program:
//   0 success (and after --help)
//   2 a usage error (an unknown flag, a value outside its domain) or bad input data (a CSV book,
//     parameters the library rejects): the message on stderr
//   1 anything else that goes wrong: the message; no exception leaves main.
#pragma once

#include <spiral/core/error.hpp>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
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
