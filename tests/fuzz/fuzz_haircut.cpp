// Fuzz target for haircut/: every model's validate() and kernel, the combinators, and the bulk
// entry point haircut::apply. First byte: the model. Contract: validate() throws
// spiral::invalid_argument, or every holding with finite fields (quantity >= 0) gets a haircut
// in [0, 1]; NaN in a field the model reads gives NaN; haircut::apply throws
// spiral::invalid_argument or writes exactly what the model gives row by row.
#include <spiral/haircut/fat_tailed.hpp>
#include <spiral/haircut/haircut.hpp>
#include <spiral/impact/constant_product.hpp>
#include <spiral/impact/exponential.hpp>
#include <spiral/impact/power_law.hpp>
#include <spiral/impact/stableswap.hpp>

#include "fuzz_input.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace hc = spiral::haircut;
namespace impact = spiral::impact;
using spiral::collateral;

namespace {

constexpr const char* target = "haircut";
std::string model_name;

spiral::collateral<double> holding(fuzz::input& in) {
    return {in.mostly(0, 1e9), in.mostly(1e-6, 1e9), in.mostly(0, 10), in.mostly(-1, 1)};
}

template <class Model>
void check_model(fuzz::input& in, const Model& model) {
    if (!fuzz::accepted(target, [&] { model.validate(); }))
        return;
    const std::size_t rows = in.count(1, 8);
    std::vector<double> q, p, v, c, out(rows);
    for (std::size_t i = 0; i < rows; ++i) {
        const collateral<double> h = holding(in);
        const double value = model(h);
        const bool finite = std::isfinite(h.quantity) && h.quantity >= 0 &&
                            std::isfinite(h.price) && std::isfinite(h.volatility) &&
                            h.volatility >= 0 && std::isfinite(h.correlation) &&
                            std::abs(h.correlation) <= 1;
        if (finite)
            fuzz::require(value >= 0 && value <= 1, target,
                          "haircut " + fuzz::text(value) + " outside [0, 1] for quantity " +
                              fuzz::text(h.quantity) + ", vol " + fuzz::text(h.volatility) +
                              ", correlation " + fuzz::text(h.correlation) + " (" + model_name +
                              ")");
        q.push_back(h.quantity);
        p.push_back(h.price);
        v.push_back(h.volatility);
        c.push_back(h.correlation);
    }
    // The bulk entry point: throws, or agrees with the model row by row.
    const hc::collateral_columns columns{q, p, v, c};
    if (!fuzz::accepted(target, [&] { hc::apply(model, columns, out); }))
        return;
    for (std::size_t i = 0; i < rows; ++i) {
        const double expected = model(collateral<double>{q[i], p[i], v[i], c[i]});
        fuzz::require(fuzz::close(out[i], expected, 1e-12, 1e-300) ||
                          (std::isnan(out[i]) && std::isnan(expected)),
                      target,
                      "apply row " + std::to_string(i) + " = " + fuzz::text(out[i]) +
                          ", model = " + fuzz::text(expected) + " (" + model_name + ")");
        fuzz::require(out[i] >= 0 && out[i] <= 1, target, "apply wrote a value outside [0, 1]");
    }
}

template <class Model>
void check_with_combinators(fuzz::input& in, const Model& model) {
    switch (in.byte() % 4) {
    case 0:
        return check_model(in, model);
    case 1:
        return check_model(in, model + hc::fixed{in.mostly(0, 1)});
    case 2:
        return check_model(in, hc::capped{model, in.mostly(0, 1)});
    default:
        return check_model(in, hc::floored{model, in.mostly(0, 1)});
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::input in(data, size);
    static const char* names[] = {"fixed",
                                  "volatility",
                                  "basel_scaled",
                                  "fat_tailed",
                                  "liquidity exponential",
                                  "liquidity power_law",
                                  "liquidity constant_product",
                                  "liquidity stableswap",
                                  "wrong_way",
                                  "depeg"};
    const std::size_t which = in.byte() % 10;
    model_name = names[which];
    const double confidence = in.mostly(1e-3, 0.999999);
    const double horizon = in.mostly(0, 365);
    const double days = in.mostly(1, 366);
    switch (which) {
    case 0:
        check_with_combinators(in, hc::fixed{in.mostly(0, 1)});
        break;
    case 1:
        check_with_combinators(in, hc::volatility{confidence, horizon, days});
        break;
    case 2:
        check_with_combinators(
            in, hc::basel_scaled{in.mostly(0, 1), in.mostly(1, 30), in.mostly(1, 30)});
        break;
    case 3: {
        hc::fat_tailed m;
        m.law = static_cast<hc::tail_law>(in.byte() % 3);
        m.confidence = confidence;
        m.horizon_days = horizon;
        m.days_per_year = days;
        m.degrees_of_freedom = in.mostly(2, 100);
        m.skewness = in.mostly(-2, 2);
        m.excess_kurtosis = in.mostly(0, 20);
        check_with_combinators(in, m);
        break;
    }
    case 4:
        check_with_combinators(in, hc::liquidity{impact::exponential{in.mostly(0, 1)}});
        break;
    case 5:
        check_with_combinators(
            in, hc::liquidity{
                    impact::power_law{in.mostly(0, 5), in.mostly(1e-6, 1e12), in.mostly(1e-3, 5)}});
        break;
    case 6:
        check_with_combinators(
            in, hc::liquidity{impact::constant_product{in.mostly(1e-6, 1e15), in.mostly(1e-6, 1e15),
                                                       in.mostly(0, 0.5)}});
        break;
    case 7:
        check_with_combinators(
            in, hc::liquidity{impact::stableswap{in.mostly(1e-6, 1e6), in.mostly(1e-6, 1e15),
                                                 in.mostly(1e-6, 1e15), in.mostly(0, 0.5)}});
        break;
    case 8:
        check_with_combinators(in, hc::wrong_way{in.mostly(0, 10), confidence, horizon, days});
        break;
    default:
        check_with_combinators(
            in, hc::depeg{in.mostly(0, 1), in.mostly(0, 1), confidence, horizon, days});
        break;
    }
    return 0;
}
