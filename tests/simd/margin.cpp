// Margin bulk entry points on xsimd batches: the scenario-grid revaluation (groups of batches)
// against the scalar portfolio API and against the same kernel run one option at a time, for
// every remainder of the last partial step; the per-position option rule on batches against
// the element rule; bad rows named from inside a batch. Batch and scalar results are compared
// with a tolerance (the lanes' sums are added in another order), never bitwise.
#include <spiral/margin/bulk.hpp>
#include <spiral/margin/scenario_grid.hpp>

#include "support/option_book.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <string>
#include <vector>

namespace simd_tests_margin {

namespace mg = spiral::margin;
using spiral::option_type;

static_assert(spiral::bulk_uses_simd, "spiral::simd linked: batches expected");

namespace {

struct portfolio {
    test_support::option_book book;
    std::vector<double> quantity;
    std::vector<mg::option_position> positions() const {
        std::vector<mg::option_position> out;
        for (std::size_t i = 0; i < book.size(); ++i)
            out.push_back({book.type[i], book.row(i), quantity[i]});
        return out;
    }
    mg::portfolio_columns columns() const { return {book.columns(), quantity}; }
};

portfolio random_portfolio(std::size_t n, std::mt19937_64& rng) {
    std::uniform_real_distribution<double> u(0.0, 1.0);
    portfolio p;
    for (std::size_t i = 0; i < n; ++i) {
        const double spot = 3000 * (0.9 + 0.2 * u(rng));
        p.book.add(u(rng) < 0.5 ? option_type::call : option_type::put,
                   {spot, spot * (0.5 + u(rng)), u(rng) < 0.05 ? 0.0 : 0.5 * u(rng), 0.02 * u(rng),
                    0.0, u(rng) < 0.05 ? 0.0 : 0.2 + u(rng)});
        p.quantity.push_back(std::round(40 * u(rng) - 20));
    }
    return p;
}

/// |a - b| small against the scale of the portfolio's values.
bool close(double a, double b, double scale) {
    return std::abs(a - b) <= 1e-12 * scale + 1e-9;
}

template <std::size_t N>
void check_grid(const mg::scenario_grid<N>& grid, const char* name) {
    std::mt19937_64 rng(3);
    const std::size_t width = spiral::lanes<spiral::bulk::step_t<spiral::bulk_target, double>>;
    std::vector<std::size_t> sizes;
    for (std::size_t n = 1; n <= 2 * width + 1; ++n)
        sizes.push_back(n);
    sizes.push_back(1001);
    for (std::size_t n : sizes) {
        const portfolio p = random_portfolio(n, rng);
        double scale = 0;
        for (std::size_t i = 0; i < n; ++i)
            scale += std::abs(p.quantity[i]) * p.book.spot[i] * 6; // largest move: +500%
        std::array<double, N> simd{}, element{}, scalar_loop{};
        const auto bulk = mg::grid_margin(grid, p.columns(), simd);
        const auto positions = p.positions();
        const auto reference =
            mg::grid_margin(grid, std::span<const mg::option_position>(positions), {}, element);
        mg::detail::portfolio_pnl<spiral::scalar_bulk_target>(grid, p.columns(),
                                                              scalar_loop.data());
        long mismatches = 0;
        for (std::size_t s = 0; s < N; ++s)
            mismatches +=
                !close(simd[s], element[s], scale) + !close(simd[s], scalar_loop[s], scale);
        INFO(SPIRAL_TEST_ARCH_NAME << " " << name << " n " << n);
        CHECK(mismatches == 0);
        CHECK(close(bulk.margin, reference.margin, scale));
        // the worst scenario agrees unless two scenarios tie within the tolerance
        const double gap =
            std::abs(-grid.scenarios[bulk.worst].weight * element[bulk.worst] - reference.margin);
        CHECK((bulk.worst == reference.worst || gap <= 1e-12 * scale + 1e-9));
    }
}

} // namespace

TEST_CASE("margin grid_margin: SIMD groups vs scalar revaluation, every remainder", "[margin]") {
    check_grid(mg::crypto_pm_parameters{}.grid(), "crypto pm");
    check_grid(mg::span_parameters{.price_scan_range = 0.1, .vol_scan_range = 0.08}.grid(), "span");
}

TEST_CASE("margin option_rule_margin: batches vs element rule; bad row inside a batch",
          "[margin]") {
    std::mt19937_64 rng(8);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    const std::size_t n = 61;
    std::vector<option_type> type(n);
    std::vector<double> q(n), s(n), k(n), mark(n), im(n), mm(n);
    for (std::size_t i = 0; i < n; ++i) {
        type[i] = u(rng) < 0.5 ? option_type::call : option_type::put;
        q[i] = std::round(20 * u(rng) - 10);
        s[i] = 60000 * (0.5 + u(rng));
        k[i] = s[i] * (0.5 + u(rng));
        mark[i] = 0.2 * s[i] * u(rng);
    }
    mg::option_rule_margin(mg::venues::deribit, {type, q, s, k, mark}, im, mm);
    for (std::size_t i = 0; i < n; ++i) {
        const auto e =
            mg::position_requirement(mg::venues::deribit, type[i], q[i], s[i], k[i], mark[i]);
        INFO(SPIRAL_TEST_ARCH_NAME << " row " << i);
        CHECK(std::abs(im[i] - e.initial) <= 1e-12 * std::abs(e.initial) + 1e-9);
        CHECK(std::abs(mm[i] - e.maintenance) <= 1e-12 * std::abs(e.maintenance) + 1e-9);
    }
    s[9] = -3;
    try {
        mg::option_rule_margin(mg::venues::deribit, {type, q, s, k, mark}, im, mm);
        FAIL("no exception");
    } catch (const spiral::invalid_argument& e) {
        CHECK(std::string(e.what()) ==
              "spiral: margin::option_rule_margin: spot[9] = -3 (must be finite and > 0)");
    }
}

} // namespace simd_tests_margin
