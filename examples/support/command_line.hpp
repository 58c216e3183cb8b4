// The examples' command line: each flag declared with its type and domain, parsed by CLI11.
//
// CLI11 is header-only and heavy (about 12 s of compiler time in a program that only parses one
// flag); here it is compiled once, in command_line.cpp (the static library
// `spiral_example_command_line`), and the examples see only this declaration.
//
//   --help / -h        lists every flag with its default and domain; exit 0
//   --flag value, --flag=value
//   an unknown flag, a value that is not a number or outside its domain: a message on stderr
//                      naming the flag, exit 2
#pragma once

#include <cstddef>
#include <memory>
#include <string>

namespace CLI {
class App;
}

namespace example {

/// The domain of a number flag: finite and within [lo, hi], each end closed or open; an
/// infinite end is open ("a number in [0, 1)").
struct number_domain {
    double lo;
    double hi;
    bool lo_open = false;
    bool hi_open = false;
};

inline constexpr number_domain number_in(double lo, double hi, bool lo_open = false,
                                         bool hi_open = false) {
    return {lo, hi, lo_open, hi_open};
}

/// The domain of a whole-number flag: digits only, within [lo, hi].
struct count_domain {
    unsigned long long lo;
    unsigned long long hi;
};

inline constexpr count_domain count_in(unsigned long long lo, unsigned long long hi) {
    return {lo, hi};
}

/// A program's flags. Each `add` binds a flag to a variable, whose value is the default shown
/// by --help; `parse` writes the given values into them.
class command_line {
public:
    command_line(const std::string& description, const std::string& program);
    ~command_line();
    command_line(const command_line&) = delete;
    command_line& operator=(const command_line&) = delete;

    void add(const std::string& flag, double& value, const std::string& help, number_domain domain);
    void add(const std::string& flag, unsigned long& value, const std::string& help,
             count_domain domain);
    void add(const std::string& flag, unsigned long long& value, const std::string& help,
             count_domain domain);
    /// A text flag; --help shows its default unless `show_default` is false.
    void add(const std::string& flag, std::string& value, const std::string& help,
             bool show_default = true);
    /// A flag without a value: present sets `value` to true.
    void add_switch(const std::string& flag, bool& value, const std::string& help);
    /// --out: the directory for the CSV files and plots.
    void add_output(std::string& dir);
    /// --data: the directory of the market data (data/ of the repository).
    void add_data(std::string& dir);

    /// The flags added after this call, until `end_group`, are listed under `name` in --help;
    /// returns the group's number for `given_in_group`.
    std::size_t group(const std::string& name, const std::string& description);
    /// The flags added after this call belong to the program again.
    void end_group();
    /// After `parse`: how many of group `group`'s flags the command line gave.
    std::size_t given_in_group(std::size_t group) const;

    /// Returns -1 when the program should go on, else its exit code: 0 after --help (printed
    /// on stdout), 2 after a usage error (printed on stderr with a pointer to --help).
    int parse(int argc, char** argv);

private:
    struct state;
    std::unique_ptr<state> state_;
};

/// `command_line::parse`'s rule for a CLI11 application a program builds itself (spiral-stress,
/// with its subcommands).
int parse_command_line(CLI::App& app, int argc, char** argv);

} // namespace example
