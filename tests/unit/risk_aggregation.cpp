// risk/: aggregation of weighted sensitivities (plain, Euler, bucketed SIMM-style), risk
// weights and diversified collateral pools.
//
// References: the formulas written out here as direct double sums over every pair, small
// cases by hand (z sigma sqrt(h) with z to 17 digits from A&S 26.2),
// and properties over generated portfolios (fixed seeds): homogeneity, monotonicity in |ws|,
// subadditivity for positive semidefinite rho, Euler allocations summing to the total.
#include <spiral/risk/risk.hpp>

#include <catch2/catch.hpp>

#include <Eigen/Dense>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <random>
#include <span>
#include <vector>

namespace unit_tests_risk_aggregation {

namespace risk = spiral::risk;
using Catch::Matchers::Contains;

namespace {

/// A random positive semidefinite correlation matrix: normalised Gram matrix of k factors
/// plus noise, entries of both signs unless `nonnegative`.
Eigen::MatrixXd random_correlation(Eigen::Index n, std::mt19937_64& rng, bool nonnegative) {
    std::normal_distribution<double> normal;
    Eigen::MatrixXd f(n, 4);
    for (Eigen::Index i = 0; i < n; ++i)
        for (Eigen::Index j = 0; j < 4; ++j)
            f(i, j) = nonnegative ? std::abs(normal(rng)) : normal(rng);
    Eigen::MatrixXd c = f * f.transpose();
    c.diagonal().array() += 0.5;
    const Eigen::VectorXd s = c.diagonal().cwiseSqrt().cwiseInverse();
    c = s.asDiagonal() * c * s.asDiagonal();
    c = 0.5 * (c + c.transpose()).eval();
    c.diagonal().setOnes();
    return c;
}

/// sum_i sum_j ws_i rho_ij ws_j, every pair written out.
double double_sum(const std::vector<double>& ws, const Eigen::MatrixXd& rho) {
    double sum = 0;
    for (std::size_t i = 0; i < ws.size(); ++i)
        for (std::size_t j = 0; j < ws.size(); ++j)
            sum += ws[i] * rho(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) * ws[j];
    return sum;
}

/// The bucketed formula as a direct double sum over all pairs of factors and of buckets,
/// from individual rows (factor, sensitivity): an implementation independent of the
/// library's per-bucket member lists and once-per-pair loops.
double bucketed_direct(const std::vector<std::uint32_t>& factor, const std::vector<double>& sens,
                       const risk::bucketed_model& m) {
    const std::size_t nf = m.bucket.size(), nb = m.within.size();
    std::vector<double> net(nf, 0.0);
    for (std::size_t i = 0; i < factor.size(); ++i)
        net[factor[i]] += sens[i];
    // position of each factor within its bucket (for matrix correlations)
    std::vector<Eigen::Index> position(nf);
    for (std::size_t k = 0; k < nf; ++k) {
        Eigen::Index p = 0;
        for (std::size_t l = 0; l < k; ++l)
            p += m.bucket[l] == m.bucket[k];
        position[k] = p;
    }
    std::vector<double> cr(nf, 1.0), bucket_cr(nb, 1.0);
    for (std::size_t b = 0; b < nb; ++b) {
        double sum = 0;
        for (std::size_t k = 0; k < nf; ++k)
            if (m.bucket[k] == b)
                sum += net[k];
        if (m.concentration == risk::concentration_scope::per_bucket)
            bucket_cr[b] = std::max(1.0, std::sqrt(std::abs(sum) / m.threshold[b]));
    }
    for (std::size_t k = 0; k < nf; ++k) {
        if (m.concentration == risk::concentration_scope::per_factor)
            cr[k] = std::max(1.0, std::sqrt(std::abs(net[k]) / m.threshold[k]));
        if (m.concentration == risk::concentration_scope::per_bucket)
            cr[k] = bucket_cr[m.bucket[k]];
    }
    std::vector<double> ws(nf);
    for (std::size_t k = 0; k < nf; ++k)
        ws[k] = m.risk_weight[k] * net[k] * cr[k];
    std::vector<double> kb(nb), sb(nb);
    for (std::size_t b = 0; b < nb; ++b) {
        double k2 = 0, sum = 0;
        for (std::size_t k = 0; k < nf; ++k) {
            if (m.bucket[k] != b)
                continue;
            sum += ws[k];
            for (std::size_t l = 0; l < nf; ++l) {
                if (m.bucket[l] != b)
                    continue;
                if (k == l) {
                    k2 += ws[k] * ws[k];
                } else {
                    const Eigen::MatrixXd& w = m.within[b];
                    const double rho = w.rows() == 1 ? w(0, 0) : w(position[k], position[l]);
                    const double f = std::min(cr[k], cr[l]) / std::max(cr[k], cr[l]);
                    k2 += rho * f * ws[k] * ws[l];
                }
            }
        }
        kb[b] = std::sqrt(std::max(0.0, k2));
        sb[b] = std::max(std::min(sum, kb[b]), -kb[b]);
    }
    double total = 0, residual = 0;
    for (std::size_t b = 0; b < nb; ++b) {
        if (b == m.residual_bucket) {
            residual = kb[b];
            continue;
        }
        for (std::size_t c = 0; c < nb; ++c) {
            if (c == m.residual_bucket)
                continue;
            if (b == c) {
                total += kb[b] * kb[b];
            } else {
                const double g =
                    std::min(bucket_cr[b], bucket_cr[c]) / std::max(bucket_cr[b], bucket_cr[c]);
                total += m.across(static_cast<Eigen::Index>(b), static_cast<Eigen::Index>(c)) * g *
                         sb[b] * sb[c];
            }
        }
    }
    return std::sqrt(std::max(0.0, total)) + residual;
}

struct generated_book {
    risk::bucketed_model model;
    std::vector<std::uint32_t> factor;
    std::vector<double> sensitivity;
};

/// 5 buckets (the last one residual), 40 factors, `rows` trades; bucket 1 and 3 use
/// correlation matrices, the others one constant each.
generated_book make_book(std::uint64_t seed, risk::concentration_scope scope, std::size_t rows,
                         bool same_sign = false) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> u(0, 1);
    std::normal_distribution<double> normal;
    generated_book out;
    auto& m = out.model;
    const std::size_t nf = 40, nb = 5;
    std::vector<Eigen::Index> members(nb, 0);
    for (std::size_t k = 0; k < nf; ++k) {
        const std::size_t b = static_cast<std::size_t>(u(rng) * nb) % nb;
        m.bucket.push_back(b);
        ++members[b];
        m.risk_weight.push_back(5 + 60 * u(rng));
    }
    for (std::size_t b = 0; b < nb; ++b) {
        if ((b == 1 || b == 3) && members[b] > 0)
            m.within.push_back(random_correlation(members[b], rng, same_sign));
        else
            m.within.push_back(Eigen::MatrixXd::Constant(1, 1, same_sign ? 0.35 : 0.6 - u(rng)));
    }
    m.across = random_correlation(static_cast<Eigen::Index>(nb), rng, same_sign);
    m.residual_bucket = nb - 1;
    m.concentration = scope;
    const std::size_t thresholds = scope == risk::concentration_scope::none         ? 0
                                   : scope == risk::concentration_scope::per_factor ? nf
                                                                                    : nb;
    for (std::size_t i = 0; i < thresholds; ++i)
        m.threshold.push_back(i % 7 == 3 ? std::numeric_limits<double>::infinity()
                                         : 20 + 200 * u(rng));
    for (std::size_t i = 0; i < rows; ++i) {
        out.factor.push_back(static_cast<std::uint32_t>(u(rng) * nf) % nf);
        const double s = 10 * normal(rng);
        out.sensitivity.push_back(same_sign ? std::abs(s) : s);
    }
    return out;
}

constexpr double z99 = 2.3263478740408408; // Phi^-1(0.99)

} // namespace

// ------------------------------------------------------------------ plain aggregation

TEST_CASE("aggregate: direct double sum, by hand, Euler allocation", "[risk]") {
    // by hand: ws = (3, 4), rho = 0.5: K^2 = 9 + 16 + 2 * 0.5 * 12 = 37
    Eigen::MatrixXd rho2(2, 2);
    rho2 << 1, 0.5, 0.5, 1;
    const std::vector<double> ws2{3, 4};
    CHECK(risk::aggregate(ws2, rho2) == Approx(std::sqrt(37.0)).epsilon(1e-15));

    std::mt19937_64 rng(5);
    std::normal_distribution<double> normal;
    for (int trial = 0; trial < 20; ++trial) {
        const Eigen::Index n = 2 + trial;
        const Eigen::MatrixXd rho = random_correlation(n, rng, false);
        std::vector<double> ws(static_cast<std::size_t>(n));
        for (double& w : ws)
            w = 100 * normal(rng);
        const double k = risk::aggregate(ws, rho);
        CHECK(k == Approx(std::sqrt(double_sum(ws, rho))).epsilon(1e-13));
        std::vector<double> c(ws.size());
        CHECK(risk::euler_contributions(ws, rho, c) == Approx(k).epsilon(1e-14));
        double sum = 0;
        for (std::size_t i = 0; i < c.size(); ++i) {
            sum += c[i];
            // c_i = ws_i dK/dws_i, by a central difference
            std::vector<double> up = ws, down = ws;
            const double h = 1e-4 * std::max(1.0, std::abs(ws[i]));
            up[i] += h;
            down[i] -= h;
            const double derivative =
                (std::sqrt(double_sum(up, rho)) - std::sqrt(double_sum(down, rho))) / (2 * h);
            CHECK(c[i] == Approx(ws[i] * derivative).epsilon(1e-6).margin(1e-9 * k));
        }
        CHECK(sum == Approx(k).epsilon(1e-12));
    }
}

TEST_CASE("aggregate: homogeneous, monotone in |ws|, subadditive for PSD rho", "[risk]") {
    std::mt19937_64 rng(17);
    std::normal_distribution<double> normal;
    std::uniform_real_distribution<double> u(0, 1);
    for (int trial = 0; trial < 200; ++trial) {
        const Eigen::Index n = 2 + trial % 15;
        const bool nonnegative = trial % 2 == 0;
        const Eigen::MatrixXd rho = random_correlation(n, rng, nonnegative);
        std::vector<double> a(static_cast<std::size_t>(n)), b(a.size());
        for (std::size_t i = 0; i < a.size(); ++i) {
            a[i] = nonnegative ? std::abs(normal(rng)) : normal(rng);
            b[i] = normal(rng);
        }
        const double ka = risk::aggregate(a, rho), kb = risk::aggregate(b, rho);
        // homogeneity and symmetry
        std::vector<double> scaled = a, negated = a;
        for (std::size_t i = 0; i < a.size(); ++i) {
            scaled[i] *= 2.5;
            negated[i] = -a[i];
        }
        CHECK(risk::aggregate(scaled, rho) == Approx(2.5 * ka).epsilon(1e-14));
        CHECK(risk::aggregate(negated, rho) == Approx(ka).epsilon(1e-15));
        // subadditivity: K(a + b) <= K(a) + K(b) (a norm when rho is PSD)
        std::vector<double> sum(a.size());
        for (std::size_t i = 0; i < a.size(); ++i)
            sum[i] = a[i] + b[i];
        CHECK(risk::aggregate(sum, rho) <= ka + kb + 1e-12 * (ka + kb));
        // monotone in |ws_k| when correlations and sensitivities are all >= 0
        if (nonnegative) {
            std::vector<double> more = a;
            const auto k = static_cast<std::size_t>(u(rng) * double(a.size())) % a.size();
            more[k] += u(rng);
            CHECK(risk::aggregate(more, rho) >= ka);
        }
    }
}

TEST_CASE("aggregate: bad input", "[risk]") {
    Eigen::MatrixXd rho(2, 2);
    rho << 1, 0.5, 0.5, 1;
    const std::vector<double> three{1, 2, 3};
    CHECK_THROWS_WITH(risk::aggregate(three, rho), Contains("ws.size()"));
    const std::vector<double> nan{1, std::numeric_limits<double>::quiet_NaN()};
    CHECK_THROWS_WITH(risk::aggregate(nan, rho), Contains("ws[1]"));
    Eigen::MatrixXd bad = rho;
    bad(1, 0) = 0.4;
    CHECK_THROWS_WITH(risk::aggregate(std::vector<double>{1, 2}, bad),
                      Contains("rho(1, 0)") && Contains("not symmetric"));
    const Eigen::MatrixXd rect(2, 3);
    CHECK_THROWS_AS(risk::aggregate(three, rect), spiral::invalid_argument);
}

// ------------------------------------------------------------------ bucketed

TEST_CASE("aggregate_bucketed: two buckets by hand", "[risk]") {
    // bucket 0: factors 0, 1 (RW 1, 2), rho 0.5; bucket 1: factor 2 (RW 1); gamma = 0.2.
    risk::bucketed_model m;
    m.bucket = {0, 0, 1};
    m.risk_weight = {1, 2, 1};
    m.within = {Eigen::MatrixXd::Constant(1, 1, 0.5), Eigen::MatrixXd::Constant(1, 1, 0.0)};
    m.across = Eigen::MatrixXd(2, 2);
    m.across << 1, 0.2, 0.2, 1;
    const std::vector<std::uint32_t> factor{0, 1, 1, 2, 0};
    const std::vector<double> s{1, 1, 1, -10, 2}; // net: 3, 2, -10
    const auto r = risk::aggregate_bucketed(factor, s, m);
    // WS = 3, 4, -10; K_0 = sqrt(9 + 16 + 2 * 0.5 * 12) = sqrt(37), S_0 = min(7, K_0) = K_0
    // K_1 = 10, S_1 = -10; total^2 = 37 + 100 + 2 * 0.2 * sqrt(37) * (-10)
    CHECK(r.margin[0] == Approx(std::sqrt(37.0)).epsilon(1e-15));
    CHECK(r.margin[1] == Approx(10.0).epsilon(1e-15));
    CHECK(r.weighted_sum[0] == Approx(7.0).epsilon(1e-15));
    CHECK(r.total == Approx(std::sqrt(137 - 4 * std::sqrt(37.0))).epsilon(1e-14));

    // the same with bucket 1 as the residual: added linearly
    m.residual_bucket = 1;
    CHECK(risk::aggregate_bucketed(factor, s, m).total ==
          Approx(std::sqrt(37.0) + 10).epsilon(1e-14));

    // concentration per factor: T = 1 for factor 0 (|s| = 3: CR = sqrt(3)), none elsewhere
    m.residual_bucket = risk::bucketed_model::no_residual;
    m.concentration = risk::concentration_scope::per_factor;
    const double inf = std::numeric_limits<double>::infinity();
    m.threshold = {1, inf, inf};
    const auto c = risk::aggregate_bucketed(factor, s, m);
    const double cr = std::sqrt(3.0), ws0 = 3 * cr, f = 1 / cr;
    const double k0 = std::sqrt(ws0 * ws0 + 16 + 2 * 0.5 * f * ws0 * 4);
    CHECK(c.concentration[0] == Approx(cr).epsilon(1e-15));
    CHECK(c.margin[0] == Approx(k0).epsilon(1e-14));
}

TEST_CASE("aggregate_bucketed equals the direct double sum", "[risk]") {
    using scope = risk::concentration_scope;
    for (auto sc : {scope::none, scope::per_factor, scope::per_bucket})
        for (std::uint64_t seed = 1; seed <= 6; ++seed) {
            INFO("scope " << static_cast<int>(sc) << ", seed " << seed);
            const auto book = make_book(seed, sc, 3000);
            const double direct = bucketed_direct(book.factor, book.sensitivity, book.model);
            const auto r = risk::aggregate_bucketed(book.factor, book.sensitivity, book.model);
            CHECK(r.total == Approx(direct).epsilon(1e-12));
            CHECK(r.total > 0);
            // and netting first gives the same
            std::vector<double> net(book.model.factor_count(), 0.0);
            risk::net_sensitivities(book.factor, book.sensitivity, net);
            CHECK(risk::aggregate_bucketed(net, book.model).total == Approx(r.total));
        }
}

TEST_CASE("aggregate_bucketed: monotone in |s| with non-negative correlations", "[risk]") {
    using scope = risk::concentration_scope;
    for (auto sc : {scope::none, scope::per_factor, scope::per_bucket})
        for (std::uint64_t seed = 1; seed <= 5; ++seed) {
            const auto book = make_book(100 + seed, sc, 400, true);
            std::vector<double> net(book.model.factor_count(), 0.0);
            risk::net_sensitivities(book.factor, book.sensitivity, net);
            double previous = risk::aggregate_bucketed(net, book.model).total;
            for (std::size_t k = 0; k < net.size(); k += 3) {
                net[k] *= 1.7;
                const double now = risk::aggregate_bucketed(net, book.model).total;
                INFO("scope " << static_cast<int>(sc) << ", seed " << seed << ", factor " << k);
                CHECK(now >= previous * (1 - 1e-14));
                previous = now;
            }
        }
}

TEST_CASE("aggregate_bucketed: bad input names row, factor or entry", "[risk]") {
    auto book = make_book(3, risk::concentration_scope::per_factor, 50);
    book.factor[7] = 40; // only 40 factors
    CHECK_THROWS_WITH(risk::aggregate_bucketed(book.factor, book.sensitivity, book.model),
                      Contains("factor[7]"));
    book.factor[7] = 1;
    book.sensitivity[9] = std::numeric_limits<double>::quiet_NaN();
    CHECK_THROWS_WITH(risk::aggregate_bucketed(book.factor, book.sensitivity, book.model),
                      Contains("sensitivity[9]"));
    book.sensitivity[9] = 1;
    std::vector<double> no_factors;
    CHECK_THROWS_WITH(risk::net_sensitivities(book.factor, book.sensitivity, no_factors),
                      Contains("factor[0]"));
    auto m = book.model;
    m.threshold[2] = 0;
    CHECK_THROWS_WITH(m.validate(), Contains("threshold[2]"));
    m = book.model;
    m.threshold.pop_back();
    CHECK_THROWS_WITH(m.validate(), Contains("threshold.size()"));
    m = book.model;
    m.within[0] = Eigen::MatrixXd::Constant(1, 1, 1.5);
    CHECK_THROWS_WITH(m.validate(), Contains("within[0](0, 0)"));
    m = book.model;
    m.bucket[4] = 9;
    CHECK_THROWS_WITH(m.validate(), Contains("bucket[4]"));
    m = book.model;
    m.across(0, 2) = 0.9;
    CHECK_THROWS_WITH(m.validate(), Contains("across") && Contains("not symmetric"));
    m = book.model;
    m.within[1] = Eigen::MatrixXd::Zero(2, 3); // neither 1x1 nor the bucket's order
    CHECK_THROWS_WITH(m.validate(), Contains("within[1].rows()"));
}

// ------------------------------------------------------------------ risk weights and pools

TEST_CASE("risk weights: closed forms and their limits", "[risk]") {
    const risk::stress_horizon s{.confidence = 0.99, .horizon_days = 10};
    const double h = std::sqrt(10.0 / 365);
    CHECK(risk::beta_risk_weight(0.6, 0.7, s) == Approx(z99 * 0.7 * 0.6 * h).epsilon(1e-15));
    CHECK(risk::beta_risk_weight(0.6, -0.2, s) == 0.0);
    CHECK(risk::beta_risk_weight(9.0, 1.0, s) == 1.0);
    CHECK(std::isnan(risk::beta_risk_weight(std::numeric_limits<double>::quiet_NaN(), 0.5, s)));
    // stand-alone: z sigma sqrt(h) (computed by haircut::volatility)
    CHECK(risk::standalone_risk_weight(0.6, s) == Approx(z99 * 0.6 * h).epsilon(1e-15));
    CHECK(risk::standalone_risk_weight(9.0, s) == 1.0);
    // quantile-based: median idiosyncratic part = beta; rho = 1 = stand-alone
    CHECK(risk::quantile_risk_weight(0.6, 0.7, s) == Approx(risk::beta_risk_weight(0.6, 0.7, s)));
    CHECK(risk::quantile_risk_weight(0.6, 1.0, s) == Approx(risk::standalone_risk_weight(0.6, s)));
    const risk::stress_horizon joint{.confidence = 0.99, .idiosyncratic_confidence = 0.95};
    const double z95 = 1.6448536269514729;
    CHECK(risk::quantile_risk_weight(0.5, 0.6, joint) ==
          Approx((0.6 * z99 + 0.8 * z95) * 0.5 * std::sqrt(1 / 365.0)).epsilon(1e-14));
    CHECK_THROWS_WITH(risk::stress_horizon{.confidence = 1.0}.validate(), Contains("confidence"));
    static_assert(risk::beta_risk_weight(0.5, -0.1, risk::stress_horizon{}) == 0.0);
}

TEST_CASE("pool_haircut: closed form, Euler sum, diversification", "[risk]") {
    const risk::stress_horizon s{.confidence = 0.99, .horizon_days = 1};
    const double z = z99 * std::sqrt(1 / 365.0);
    // BTC and ETH, 0.85 correlated
    Eigen::MatrixXd rho2(2, 2);
    rho2 << 1, 0.85, 0.85, 1;
    const std::vector<double> v2{600, 400}, vol2{0.55, 0.75};
    const auto p2 = risk::pool_haircut(v2, vol2, rho2, s);
    const double x1 = 600 * 0.55, x2 = 400 * 0.75;
    CHECK(p2.requirement ==
          Approx(z * std::sqrt(x1 * x1 + x2 * x2 + 2 * 0.85 * x1 * x2)).epsilon(1e-14));
    CHECK(p2.standalone == Approx(z * (x1 + x2)).epsilon(1e-14));
    CHECK(p2.contribution[0] + p2.contribution[1] == Approx(p2.requirement).epsilon(1e-14));
    CHECK(p2.requirement < p2.standalone);

    // add a tokenised treasury (vol 2%, correlation 0.05): the pool's haircut falls, by
    // more than its share of value would dilute it alone
    Eigen::MatrixXd rho3(3, 3);
    rho3 << 1, 0.85, 0.05, 0.85, 1, 0.05, 0.05, 0.05, 1;
    const std::vector<double> v3{600, 400, 500}, vol3{0.55, 0.75, 0.02};
    const auto p3 = risk::pool_haircut(v3, vol3, rho3, s);
    CHECK(p3.haircut() < p2.haircut());
    CHECK(p3.contribution[2] < 0.01 * p3.requirement);
    double sum = 0;
    for (double c : p3.contribution)
        sum += c;
    CHECK(sum == Approx(p3.requirement).epsilon(1e-14));
    // adding a correlated, more volatile asset raises it
    Eigen::MatrixXd rho3b = rho3;
    rho3b(0, 2) = rho3b(2, 0) = rho3b(1, 2) = rho3b(2, 1) = 0.9;
    const std::vector<double> vol3b{0.55, 0.75, 1.2};
    CHECK(risk::pool_haircut(v3, vol3b, rho3b, s).haircut() > p2.haircut());

    // capped at the pool's value
    const auto capped =
        risk::pool_haircut(v2, std::vector<double>{40, 40}, rho2, {.horizon_days = 365});
    CHECK(capped.requirement == Approx(1000));
    CHECK(capped.contribution[0] + capped.contribution[1] == Approx(1000).epsilon(1e-14));
}

TEST_CASE("pool_haircut: diversified never above stand-alone (generated pools)", "[risk]") {
    std::mt19937_64 rng(31);
    std::uniform_real_distribution<double> u(0, 1);
    for (int trial = 0; trial < 100; ++trial) {
        const Eigen::Index n = 2 + trial % 9;
        const Eigen::MatrixXd rho = random_correlation(n, rng, false);
        std::vector<double> v, vol;
        for (Eigen::Index i = 0; i < n; ++i) {
            v.push_back(1000 * u(rng));
            vol.push_back(0.01 + 1.5 * u(rng));
        }
        const auto p = risk::pool_haircut(v, vol, rho, {.horizon_days = 5});
        CHECK(p.requirement <= p.standalone * (1 + 1e-14));
        CHECK(p.diversification_benefit() >= -1e-12 * p.standalone);
    }
}

TEST_CASE("pool_haircut: bad input", "[risk]") {
    Eigen::MatrixXd rho(2, 2);
    rho << 1, 0.5, 0.5, 1;
    CHECK_THROWS_WITH(
        risk::pool_haircut(std::vector<double>{1, -2}, std::vector<double>{1, 1}, rho),
        Contains("values[1]"));
    CHECK_THROWS_WITH(
        risk::pool_haircut(std::vector<double>{1, 2}, std::vector<double>{std::nan(""), 1}, rho),
        Contains("vols[0]"));
    Eigen::MatrixXd indefinite(3, 3);
    indefinite << 1, 0.9, -0.9, 0.9, 1, 0.9, -0.9, 0.9, 1;
    CHECK_THROWS_WITH(
        risk::pool_haircut(std::vector<double>{1, 2, 3}, std::vector<double>{1, 1, 1}, indefinite),
        Contains("eigenvalue") && Contains("not positive semidefinite"));
}

} // namespace unit_tests_risk_aggregation
