// What the examples share: command-line options, the output directory, and gnuplot.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <system_error>

namespace example {

/// The value after `flag` on the command line, or `fallback`.
inline std::string option_value(int argc, char** argv, const char* flag, const char* fallback) {
    for (int i = 1; i + 1 < argc; ++i)
        if (std::strcmp(argv[i], flag) == 0)
            return argv[i + 1];
    return fallback;
}

/// The directory named by --out (default: the current one), created if needed. On failure
/// prints why, naming `program`, and returns false.
inline bool output_directory(int argc, char** argv, const char* program,
                             std::filesystem::path& dir) {
    dir = option_value(argc, argv, "--out", ".");
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    if (error)
        std::fprintf(stderr, "%s: cannot create %s: %s\n", program, dir.string().c_str(),
                     error.message().c_str());
    return !error;
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
