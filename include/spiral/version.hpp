// spiral — version of the headers, for checks at compile time.
/// \file
/// \ingroup core
/// \brief The version of the headers, for checks at compile time.
// Kept equal to project(spiral VERSION ...) in CMakeLists.txt, the one place the version is set:
// configuring spiral fails when they disagree.
#pragma once

#define SPIRAL_VERSION_MAJOR 0 ///< Major version of the headers.
#define SPIRAL_VERSION_MINOR 2 ///< Minor version of the headers.
#define SPIRAL_VERSION_PATCH 0 ///< Patch version of the headers.
/// One integer that orders releases: 10000 * major + 100 * minor + patch.
#define SPIRAL_VERSION                                                                             \
    (SPIRAL_VERSION_MAJOR * 10000 + SPIRAL_VERSION_MINOR * 100 + SPIRAL_VERSION_PATCH)
