// Compile-time proofs for the stress scenario generators: each single-asset model meets
// stress::path_model, and types that lack a noexcept generate or a validate do not.
// (correlated_gbm needs Eigen, which this target does not link; its multi_path_model check is
// in tests/unit/stress_models.cpp.)
#include <spiral/stress/bootstrap.hpp>
#include <spiral/stress/garch_paths.hpp>
#include <spiral/stress/gbm.hpp>
#include <spiral/stress/merton.hpp>
#include <spiral/stress/path_model.hpp>
#include <spiral/stress/replay.hpp>
#include <spiral/stress/student_t.hpp>

#include <type_traits>

namespace {

namespace stress = spiral::stress;

static_assert(stress::path_model<stress::gbm>);
static_assert(stress::path_model<stress::merton>);
static_assert(stress::path_model<stress::student_t>);
static_assert(stress::path_model<stress::garch_paths>);
static_assert(stress::path_model<stress::bootstrap>);
static_assert(stress::path_model<stress::replay>);

// None of them claims to be a multi-asset model (no assets()).
static_assert(!stress::multi_path_model<stress::gbm>);
static_assert(!stress::multi_path_model<stress::garch_paths>);

// Plain aggregates, copied by value into every worker.
static_assert(std::is_aggregate_v<stress::gbm> && std::is_trivially_copyable_v<stress::gbm>);
static_assert(std::is_aggregate_v<stress::merton> && std::is_trivially_copyable_v<stress::merton>);
static_assert(std::is_aggregate_v<stress::student_t> &&
              std::is_trivially_copyable_v<stress::student_t>);
static_assert(std::is_aggregate_v<stress::garch_paths> &&
              std::is_trivially_copyable_v<stress::garch_paths>);
static_assert(std::is_trivially_copyable_v<stress::bootstrap>);
static_assert(std::is_trivially_copyable_v<stress::replay>);

// A generate that may throw is not a path model...
struct throwing_generate {
    void generate(spiral::splitmix64&, const stress::path_spec&, double*) const {}
    void validate() const {}
};
static_assert(!stress::path_model<throwing_generate>);

// ...nor is one without validate(), nor one whose generate takes the wrong arguments.
struct no_validate {
    void generate(spiral::splitmix64&, const stress::path_spec&, double*) const noexcept {}
};
static_assert(!stress::path_model<no_validate>);

struct float_prices {
    void generate(spiral::splitmix64&, const stress::path_spec&, float*) const noexcept {}
    void validate() const {}
};
static_assert(!stress::path_model<float_prices>);

// A multi-asset model must say how many assets it writes, without throwing.
struct throwing_assets {
    std::size_t assets() const { return 2; }
    void generate(spiral::splitmix64&, const stress::path_spec&, double*) const noexcept {}
    void validate() const {}
};
static_assert(stress::path_model<throwing_assets>);
static_assert(!stress::multi_path_model<throwing_assets>);

// merton's Poisson draw: a mean of 0 draws nothing and consumes no uniform; a tiny mean gives
// 0 unless the uniform falls in the top e^-mean tail.
constexpr bool zero_mean_draws_nothing() {
    spiral::splitmix64 g{1};
    const auto n = stress::detail::poisson_variate(g, 0.0);
    return n == 0 && g.state == 1;
}
static_assert(zero_mean_draws_nothing());

// The generators run in constant expressions: a GBM with vol 0 is its drift path,
// spot e^{mu k dt} (dt = 1/365 here), to the constexpr exp's accuracy.
constexpr bool drift_only_path() {
    const stress::path_spec spec{.spot = 100, .steps = 3, .step_days = 1};
    double p[4] = {};
    spiral::splitmix64 g{7};
    stress::gbm{.drift = 0.365, .vol = 0}.generate(g, spec, p);
    // e^{0.001 k}: 1.0010005001667084, 1.0020020013340003, 1.0030045045033771
    const double expected[4] = {100, 100.10005001667084, 100.20020013340003, 100.30045045033771};
    for (int k = 0; k < 4; ++k)
        if (!(p[k] - expected[k] < 1e-11 && expected[k] - p[k] < 1e-11))
            return false;
    return true;
}
static_assert(drift_only_path());

} // namespace
