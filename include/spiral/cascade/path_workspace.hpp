// cascade::path_workspace — scratch memory reused from one path run to the next.
/// \file
/// \ingroup cascade
/// \brief cascade::path_workspace: scratch memory reused from one path run to the next.
#pragma once

#include <spiral/cascade/detail/path_engine.hpp>

namespace spiral::cascade {

/// Scratch memory for cascade::run: pass the same workspace to many runs and, once grown, it
/// allocates nothing. Not for use by two runs at once.
class path_workspace {
public:
    path_workspace() = default;

    /// The engine's scratch (internal).
    detail::path_scratch& scratch() noexcept { return scratch_; }

private:
    detail::path_scratch scratch_;
};

} // namespace spiral::cascade
