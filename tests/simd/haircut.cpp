// Haircut models on xsimd batches against the same models on scalars, lane by lane (with a
// tolerance: batch and scalar math may round differently), and the SIMD bulk loop against the
// scalar bulk loop, including the padded last batch and error reporting from inside a batch.
#include <spiral/haircut/fat_tailed.hpp>
#include <spiral/haircut/haircut.hpp>
#include <spiral/impact/exponential.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace simd_tests_haircut {

namespace hc = spiral::haircut;
using spiral::collateral;

namespace {

using batch = xsimd::batch<double>;
using batch_f = xsimd::batch<float>;
constexpr std::size_t width = batch::size;

static_assert(spiral::bulk_uses_simd, "spiral::simd linked: batches expected");

struct columns {
    std::vector<double> quantity, price, volatility, correlation;
};

columns random_columns(std::size_t n, std::mt19937_64& rng) {
    std::uniform_real_distribution<double> u(0.0, 1.0);
    columns c;
    for (std::size_t i = 0; i < n; ++i) {
        c.quantity.push_back(u(rng) < 0.05 ? 0.0 : std::pow(10.0, -3 + 7 * u(rng)));
        c.price.push_back(std::pow(10.0, -2 + 5 * u(rng)));
        c.volatility.push_back(u(rng) < 0.05 ? 0.0 : 3 * u(rng));
        c.correlation.push_back(-1 + 2 * u(rng));
    }
    return c;
}

bool close(double a, double b) {
    return std::abs(a - b) <= 2e-15 + 1e-14 * std::abs(b);
}

/// Model on batches vs the same model on each lane's scalar, over `rows` generated holdings.
template <class Model>
void check_lanes(const Model& model, const std::string& name) {
    std::mt19937_64 rng(42);
    const columns c = random_columns(64 * width, rng);
    long mismatches = 0;
    std::string first;
    for (std::size_t i = 0; i < c.quantity.size(); i += width) {
        const collateral<batch> rows{
            batch::load_unaligned(&c.quantity[i]), batch::load_unaligned(&c.price[i]),
            batch::load_unaligned(&c.volatility[i]), batch::load_unaligned(&c.correlation[i])};
        alignas(64) double lanes_out[width];
        model(rows).store_aligned(lanes_out);
        for (std::size_t k = 0; k < width; ++k) {
            const double scalar = model(collateral<double>{
                c.quantity[i + k], c.price[i + k], c.volatility[i + k], c.correlation[i + k]});
            if (!close(lanes_out[k], scalar) && mismatches++ == 0)
                first = std::to_string(lanes_out[k]) + " vs " + std::to_string(scalar);
        }
    }
    INFO(SPIRAL_TEST_ARCH_NAME << " " << name << ": first mismatch " << first);
    CHECK(mismatches == 0);
}

} // namespace

TEST_CASE("haircut models: batch lanes equal scalar evaluations") {
    const spiral::impact::exponential curve{1e-3};
    check_lanes(hc::fixed{0.3}, "fixed");
    check_lanes(hc::volatility{.confidence = 0.995, .horizon_days = 3}, "volatility");
    check_lanes(hc::basel_scaled{.h10 = 0.15, .remargin_days = 3}, "basel_scaled");
    check_lanes(hc::liquidity{curve}, "liquidity");
    check_lanes(hc::wrong_way{.exposure_volatility = 0.7, .horizon_days = 5}, "wrong_way");
    check_lanes(hc::depeg{.jump_size = 0.1, .jump_probability = 0.004}, "depeg");
    check_lanes(hc::prepare(hc::fat_tailed{.degrees_of_freedom = 3.5}), "fat_tailed prepared");
    check_lanes(hc::cap(hc::max(hc::volatility{} + hc::liquidity{curve}, hc::wrong_way{0.5}), 0.7),
                "cap(max(volatility + liquidity, wrong_way))");
    check_lanes(hc::prepare(hc::floor(hc::depeg{0.2, 0.02} + hc::fixed{0.01}, 0.05)),
                "prepared floor(depeg + fixed)");
}

TEST_CASE("haircut models: float batches") {
    const collateral<batch_f> rows{batch_f(10.0f), batch_f(1.0f), batch_f(0.8f), batch_f(0.3f)};
    const auto model = hc::wrong_way{.exposure_volatility = 0.5} + hc::volatility{};
    const float scalar = model(collateral<float>{10.0f, 1.0f, 0.8f, 0.3f});
    alignas(64) float lanes_out[batch_f::size];
    model(rows).store_aligned(lanes_out);
    for (float v : lanes_out)
        CHECK(v == Approx(scalar).epsilon(1e-6));
}

TEST_CASE("haircut::apply: SIMD loop vs scalar loop, every remainder") {
    std::mt19937_64 rng(9);
    const auto model =
        hc::cap(hc::max(hc::volatility{} + hc::liquidity{spiral::impact::exponential{2e-4}},
                        hc::wrong_way{0.9}),
                0.8);
    std::vector<std::size_t> sizes;
    for (std::size_t n = 0; n <= 3 * width + 1; ++n)
        sizes.push_back(n);
    sizes.push_back(1001);
    for (std::size_t n : sizes) {
        const columns c = random_columns(n, rng);
        for (bool with_correlation : {true, false}) {
            const hc::collateral_columns in{c.quantity, c.price, c.volatility,
                                            with_correlation
                                                ? std::span<const double>(c.correlation)
                                                : std::span<const double>()};
            std::vector<double> simd(n, -1.0), scalar(n, -2.0);
            hc::apply(model, in, simd);
            hc::detail::apply_columns<spiral::scalar_bulk_target>(hc::prepare(model), in, scalar);
            long mismatches = 0;
            for (std::size_t i = 0; i < n; ++i)
                mismatches += !close(simd[i], scalar[i]);
            INFO(SPIRAL_TEST_ARCH_NAME << " n " << n << " correlation " << with_correlation);
            CHECK(mismatches == 0);
        }
    }
}

TEST_CASE("haircut::apply: SIMD loop reports the first bad row, in a batch or the remainder") {
    std::mt19937_64 rng(10);
    const std::size_t n = 4 * width + width / 2 + 1; // full batches and a remainder
    columns c = random_columns(n, rng);
    std::vector<double> out(n);
    const auto message = [&](std::vector<double>& column, std::size_t row, double value) {
        const double saved = column[row];
        column[row] = value;
        std::string what;
        try {
            hc::apply(hc::volatility{}, {c.quantity, c.price, c.volatility, c.correlation}, out);
        } catch (const spiral::invalid_argument& e) {
            what = e.what();
        }
        column[row] = saved;
        return what;
    };
    const std::size_t in_batch = width + 1, in_remainder = n - 1;
    CHECK(message(c.volatility, in_batch, -1.0) == "spiral: haircut::apply: volatility[" +
                                                       std::to_string(in_batch) +
                                                       "] = -1 (must be finite and >= 0)");
    CHECK(message(c.correlation, in_remainder, 2.0) == "spiral: haircut::apply: correlation[" +
                                                           std::to_string(in_remainder) +
                                                           "] = 2 (must be in [-1, 1])");
    CHECK(message(c.price, 0, std::numeric_limits<double>::quiet_NaN()) ==
          "spiral: haircut::apply: price[0] = nan (must be finite and > 0)");
    CHECK(message(c.quantity, in_remainder, -std::numeric_limits<double>::infinity()) ==
          "spiral: haircut::apply: quantity[" + std::to_string(in_remainder) +
              "] = -inf (must be finite and >= 0)");

    // Steps before the bad row's step are written; the bad row and every later one are not.
    const std::size_t step = spiral::lanes<spiral::bulk::step_t<spiral::bulk_target, double>>;
    columns longer = random_columns(3 * step + 1, rng);
    std::vector<double> written(longer.quantity.size(), -1.0);
    longer.volatility[2 * step + 1] = -1.0;
    CHECK_THROWS_AS(
        hc::apply(hc::volatility{}, {longer.quantity, longer.price, longer.volatility}, written),
        spiral::invalid_argument);
    CHECK(written[2 * step - 1] >= 0.0);
    for (std::size_t i = 2 * step + 1; i < written.size(); ++i)
        CHECK(written[i] == -1.0);
}

} // namespace simd_tests_haircut
