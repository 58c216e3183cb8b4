// cascade::path_rules as Python values, shared by spiral.cascade.run (cascade_path.cpp, which
// binds these types and defines rules_of) and spiral.stress.run (stress.cpp). The C++ rules
// view their oracles' sources through spans; the Python objects own the prices (a NumPy array
// each) and the spans are taken when a run starts (view).
#pragma once

#include "common.hpp"

#include <spiral/cascade/path_rules.hpp>

#include <string_view>
#include <vector>

namespace spiral::python {

/// cascade::oracle_source owning its prices.
struct owned_source {
    py::array_t<double> prices{0};
    double heartbeat_days = 0;
    double deviation = 0;
};

/// cascade::oracle_rules owning its sources.
struct owned_oracle {
    cascade::oracle_rules rules{}; // its `sources` stays empty here
    std::vector<owned_source> sources;

    /// The rules with their sources as spans into `storage` (which must outlive the result).
    cascade::oracle_rules view(std::vector<cascade::oracle_source>& storage) const {
        storage.clear();
        for (const owned_source& s : sources)
            storage.push_back(
                cascade::oracle_source{span_of(s.prices), s.heartbeat_days, s.deviation});
        cascade::oracle_rules r = rules;
        r.sources = storage;
        return r;
    }
};

/// cascade::path_rules owning its oracles' sources.
struct owned_path_rules {
    cascade::rules liquidation{};
    owned_oracle oracle{}, debt_oracle{};
    cascade::liquidation_terms terms{};
    cascade::keeper_rules keepers{};
    cascade::liquidation_design design = cascade::liquidation_design::keepers;
    cascade::absorb_rules absorb{};
    cascade::clipper_rules clipper{};
    cascade::flipper_rules flipper{};

    /// The C++ rules; the oracles' sources are spans into the two storages.
    cascade::path_rules view(std::vector<cascade::oracle_source>& oracle_storage,
                             std::vector<cascade::oracle_source>& debt_storage) const {
        cascade::path_rules p;
        p.liquidation = liquidation;
        p.oracle = oracle.view(oracle_storage);
        p.debt_oracle = debt_oracle.view(debt_storage);
        p.terms = terms;
        p.keepers = keepers;
        p.design = design;
        p.absorb = absorb;
        p.clipper = clipper;
        p.flipper = flipper;
        return p;
    }
};

/// The path rules a Python object holds (a copy): a spiral.cascade.path_rules, or a
/// spiral.cascade.rules that becomes its liquidation (the rest at their defaults). Raises
/// spiral.invalid_argument "spiral: <what>: rules = <type> (must be a
/// spiral.cascade.path_rules or rules)" for anything else. Defined in cascade_path.cpp.
owned_path_rules rules_of(py::handle rules, std::string_view what);

} // namespace spiral::python
