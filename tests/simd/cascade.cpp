// The cascade's per-position kernels on xsimd batches against the same kernels on scalars,
// lane by lane (with a tolerance: batch and scalar arithmetic may round differently), over
// positions that cover every branch: partial, full, collateral running out, no debt. Then the
// engine itself, which liquidates on batches here, against the plain rescan on random books.
#include <spiral/cascade/analysis.hpp>
#include <spiral/cascade/position.hpp>
#include <spiral/cascade/rules.hpp>

#include "support/cascade_random_books.hpp"
#include "support/path_random.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <random>

namespace simd_tests_cascade {

namespace cascade = spiral::cascade;

namespace {

using batch = xsimd::batch<double>;
constexpr std::size_t width = batch::size;

bool close(double a, double b) {
    return (std::isnan(a) && std::isnan(b)) || a == b ||
           std::abs(a - b) <= 1e-14 * std::max(std::abs(a), std::abs(b));
}

batch load(const std::array<double, width>& v) {
    return batch::load_unaligned(v.data());
}

std::array<double, width> store(batch b) {
    std::array<double, width> v{};
    b.store_unaligned(v.data());
    return v;
}

} // namespace

TEST_CASE("cascade kernels on batches equal the scalar kernels lane by lane",
          "[cascade][" SPIRAL_TEST_ARCH_NAME "]") {
    std::mt19937_64 rng(2020);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    cascade::rules r;
    r.size_by = cascade::sizing::target_health;
    r.target_health = 1.1;
    r.bonus_slope = 0.5;
    r.max_bonus = 0.15;
    int lanes = 0, ran_out = 0;
    for (int trial = 0; trial < 2000; ++trial) {
        std::array<double, width> c{}, d{}, t{}, o{};
        for (std::size_t i = 0; i < width; ++i) {
            c[i] = u(rng) < 0.05 ? 0.0 : std::exp(4 * u(rng) - 2);
            t[i] = 0.5 + 0.5 * u(rng);
            o[i] = 100 * (0.3 + u(rng));
            d[i] = u(rng) < 0.05 ? 0.0 : c[i] * 100 * t[i] / (0.7 + 0.6 * u(rng));
        }
        const batch bc = load(c), bd = load(d), bt = load(t), bo = load(o);
        const auto h = store(cascade::health(bc, bo, bt, bd));
        const auto at = store(cascade::liquidation_price(bc, bd, bt));
        const batch bh = cascade::health(bc, bo, bt, bd);
        const batch bonus = cascade::bonus_at(r, bh);
        const batch f = cascade::close_fraction(r, bh, bt, bonus);
        const auto l = cascade::liquidate(bc, bd, bo, f, bonus);
        const auto seized = store(l.seized), repaid = store(l.repaid), bad = store(l.bad_debt);
        const auto toxic = cascade::is_toxic(bc, bd, bo, batch(0.05));
        for (std::size_t i = 0; i < width; ++i) {
            const double hs = cascade::health(c[i], o[i], t[i], d[i]);
            CHECK(close(h[i], hs));
            CHECK(close(at[i], cascade::liquidation_price(c[i], d[i], t[i])));
            if (!(d[i] > 0))
                continue;
            const double bs = cascade::bonus_at(r, h[i]);
            const double fs = cascade::close_fraction(r, h[i], t[i], bs);
            const auto ls = cascade::liquidate(c[i], d[i], o[i], fs, bs);
            CHECK(close(seized[i], ls.seized));
            CHECK(close(repaid[i], ls.repaid));
            CHECK(close(bad[i], ls.bad_debt));
            CHECK(toxic.get(i) == cascade::is_toxic(c[i], d[i], o[i], 0.05));
            ++lanes;
            ran_out += ls.bad_debt > 0 ? 1 : 0;
        }
    }
    CHECK(lanes > 1000);
    CHECK(ran_out > 10); // the collateral-runs-out branch was exercised
}

TEST_CASE("cascade engine on batches equals the plain rescan on random books", "[cascade]") {
    static_assert(spiral::bulk_uses_simd, "this file tests the batch engine");
    // Small books as in the scalar test, then larger ones, where rounds reach many positions
    // at once and whole batches run.
    spiral::test::fast_engine_equals_rescan(1500, 20200312, 60);
    spiral::test::fast_engine_equals_rescan(300, 19871019, 2000);
}

TEST_CASE("the path engine on batches: one-shot simulate and run equal the plain rescans",
          "[cascade]") {
    spiral::test::one_shot_equals_rescan(2024, 600);
    spiral::test::run_equals_rescan(99, 600,
                                    [](spiral::test::uniform_source&, cascade::path_rules&,
                                       std::size_t, std::vector<double>&) {});
}

} // namespace simd_tests_cascade
