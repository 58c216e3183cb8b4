# vcpkg port for spiral (header-only). Checked offline by packaging/check-offline.cmake.
# On release: set REPO to the published repository and SHA512 to the archive's hash.
vcpkg_from_github(
    OUT_SOURCE_PATH SOURCE_PATH
    REPO spiral-authors/spiral
    REF "v${VERSION}"
    SHA512 0
    HEAD_REF main
)

set(VCPKG_BUILD_TYPE release) # header-only: one configuration is enough

vcpkg_check_features(OUT_FEATURE_OPTIONS FEATURE_OPTIONS
    INVERTED_FEATURES
        simd CMAKE_DISABLE_FIND_PACKAGE_xsimd
)

vcpkg_cmake_configure(
    SOURCE_PATH "${SOURCE_PATH}"
    OPTIONS
        ${FEATURE_OPTIONS}
        -DSPIRAL_BUILD_TESTS=OFF
        -DSPIRAL_BUILD_EXAMPLES=OFF
        -DSPIRAL_BUILD_BENCH=OFF
        -DSPIRAL_BUILD_PYTHON=OFF
        -DSPIRAL_INSTALL=ON
)
vcpkg_cmake_install()
vcpkg_cmake_config_fixup(PACKAGE_NAME spiral CONFIG_PATH share/cmake/spiral)
vcpkg_fixup_pkgconfig()

file(REMOVE_RECURSE "${CURRENT_PACKAGES_DIR}/share/doc")
vcpkg_install_copyright(FILE_LIST "${SOURCE_PATH}/LICENSE")
