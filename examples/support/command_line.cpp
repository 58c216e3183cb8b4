// The one unit that compiles CLI11 for the examples (see command_line.hpp).
#include "command_line.hpp"

#include "../example_support.hpp"

#include <CLI/CLI.hpp>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>
#include <system_error>
#include <vector>

namespace example {

namespace {

std::string bound_text(double v) {
    char text[32];
    const auto end = std::to_chars(text, text + sizeof text, v).ptr;
    return std::string(text, end);
}

CLI::Validator number_validator(number_domain d) {
    std::string description = "a number";
    if (std::isfinite(d.lo) && std::isfinite(d.hi))
        description += std::string(" in ") + (d.lo_open ? "(" : "[") + bound_text(d.lo) + ", " +
                       bound_text(d.hi) + (d.hi_open ? ")" : "]");
    else if (std::isfinite(d.lo))
        description += (d.lo_open ? " > " : " >= ") + bound_text(d.lo);
    else if (std::isfinite(d.hi))
        description += (d.hi_open ? " < " : " <= ") + bound_text(d.hi);
    return CLI::Validator(
        [=](std::string& text) -> std::string {
            double v = 0;
            if (!parse_number(text, v))
                return "'" + text + "' is not a number";
            const bool above = d.lo_open ? v > d.lo : v >= d.lo;
            const bool below = d.hi_open ? v < d.hi : v <= d.hi;
            if (!(above && below))
                return text + " is not " + description;
            return {};
        },
        description);
}

CLI::Validator count_validator(count_domain d) {
    const std::string description =
        "a whole number in [" + std::to_string(d.lo) + ", " + std::to_string(d.hi) + "]";
    return CLI::Validator(
        [=](std::string& text) -> std::string {
            unsigned long long v = 0;
            const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), v);
            if (text.empty() || error != std::errc() || end != text.data() + text.size() ||
                v < d.lo || v > d.hi)
                return "'" + text + "' is not " + description;
            return {};
        },
        description);
}

/// Adds `flag` to `to`, --help showing the variable's value as the default, checked by `check`.
template <class Value>
void add_checked(CLI::App& to, const std::string& flag, Value& value, const std::string& help,
                 const CLI::Validator& check) {
    to.add_option(flag, value, help)->capture_default_str()->check(check);
}

} // namespace

struct command_line::state {
    CLI::App app;
    CLI::App* current; // where `add` puts a flag: the application or the latest group
    std::vector<CLI::Option_group*> groups;

    state(const std::string& description, const std::string& program)
        : app(description, program), current(&app) {}
};

command_line::command_line(const std::string& description, const std::string& program)
    : state_(std::make_unique<state>(description, program)) {}

command_line::~command_line() = default;

void command_line::add(const std::string& flag, double& value, const std::string& help,
                       number_domain domain) {
    add_checked(*state_->current, flag, value, help, number_validator(domain));
}

void command_line::add(const std::string& flag, unsigned long& value, const std::string& help,
                       count_domain domain) {
    add_checked(*state_->current, flag, value, help, count_validator(domain));
}

void command_line::add(const std::string& flag, unsigned long long& value, const std::string& help,
                       count_domain domain) {
    add_checked(*state_->current, flag, value, help, count_validator(domain));
}

void command_line::add(const std::string& flag, std::string& value, const std::string& help,
                       bool show_default) {
    CLI::Option* option = state_->current->add_option(flag, value, help);
    if (show_default)
        option->capture_default_str();
}

void command_line::add_switch(const std::string& flag, bool& value, const std::string& help) {
    state_->current->add_flag(flag, value, help);
}

void command_line::add_output(std::string& dir) {
    add("--out", dir, "Directory for the CSV files and plots (created if needed)");
}

void command_line::add_data(std::string& dir) {
    add("--data", dir, "Directory of the market data (data/ of the repository)");
}

std::size_t command_line::group(const std::string& name, const std::string& description) {
    CLI::Option_group* group = state_->app.add_option_group(name, description);
    state_->groups.push_back(group);
    state_->current = group;
    return state_->groups.size() - 1;
}

void command_line::end_group() {
    state_->current = &state_->app;
}

std::size_t command_line::given_in_group(std::size_t group) const {
    return state_->groups.at(group)->count_all();
}

int command_line::parse(int argc, char** argv) {
    return parse_command_line(state_->app, argc, argv);
}

int parse_command_line(CLI::App& app, int argc, char** argv) {
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

} // namespace example
