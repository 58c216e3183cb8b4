// stress::validate_model — every check a model and a grid can be given before a run.
/// \file
/// \ingroup stress
/// \brief stress::validate_model: a model's own checks, the grid's, and the model's checks
/// against the grid (where it has them, e.g. stress::replay's window length).
#pragma once

#include <spiral/stress/path_model.hpp>

namespace spiral::stress {

/// Validates `model` and `spec` for a run: model.validate(), spec.validate(), then
/// model.validate(spec) where the model has such an overload (a model whose needs depend on
/// the grid, like stress::replay, whose window must fit in its history). Throws
/// spiral::invalid_argument naming the field. Engines call this once, before any scenario,
/// so that generate can trust its input.
template <class M>
requires path_model<M> || multi_path_model<M>
void validate_model(const M& model, const path_spec& spec) {
    model.validate();
    spec.validate();
    if constexpr (requires { model.validate(spec); })
        model.validate(spec);
}

} // namespace spiral::stress
