# vcpkg port for spiral (header-only). This is the template: scripts/release fills in the
# placeholders (the tarball's URL and SHA512, the ref and commit it was made from) and writes the
# port to <out>/ports/spiral (default build/release/ports/spiral), next to the tarball. The filled
# port lives only there, never in the repository: it carries the SHA512 of the `git archive`
# tarball, and a tarball cannot contain its own hash. Checked offline, filled, against the
# tarball by packaging/check-offline.cmake (ctest packaging_vcpkg_offline).
#
# Source: spiral-${VERSION}.tar.gz, `git archive` of @SPIRAL_REF@ (commit @SPIRAL_COMMIT@).
vcpkg_download_distfile(ARCHIVE
    URLS "@SPIRAL_ARCHIVE_URL@"
    FILENAME "spiral-${VERSION}.tar.gz"
    SHA512 @SPIRAL_ARCHIVE_SHA512@
)
vcpkg_extract_source_archive(SOURCE_PATH
    ARCHIVE "${ARCHIVE}"
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
        -DSPIRAL_BUILD_TOOLS=OFF
        -DSPIRAL_INSTALL=ON
)
vcpkg_cmake_install()
vcpkg_cmake_config_fixup(PACKAGE_NAME spiral CONFIG_PATH share/cmake/spiral)
vcpkg_fixup_pkgconfig()

file(REMOVE_RECURSE "${CURRENT_PACKAGES_DIR}/share/doc")
vcpkg_install_copyright(FILE_LIST "${SOURCE_PATH}/LICENSE")
