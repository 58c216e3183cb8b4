"""Conan 2 recipe for spiral, a header-only C++20 library.

Build/publish from the repository root:  conan create packaging/conan
The version is the repository's: project(spiral VERSION ...) in CMakeLists.txt (set_version()),
and the sources are the working tree's include/, src/dispatch/ and LICENSE (export_sources()).
A release (scripts/release) copies this recipe next to a conandata.yml that names the release
tarball and its SHA256: the version is then conandata's, and source() fetches the tarball.
Consumers: find_package(spiral) -> spiral::spiral, spiral::simd (xsimd; defines SPIRAL_SIMD=1,
which switches every bulk kernel to SIMD batches); pkg-config names spiral, spiral-simd.
The run-time dispatch library (spiral::dispatch) is built from sources by spiral's own CMake
package; the Conan package ships those sources under share/spiral/dispatch.
"""

import os
import re

from conan import ConanFile
from conan.errors import ConanException
from conan.tools.build import check_min_cppstd
from conan.tools.files import copy, get
from conan.tools.layout import basic_layout

required_conan_version = ">=2.0"


def project_version(cmakelists):
    """The version in `project(spiral VERSION x.y.z ...)` of a CMakeLists.txt, or None."""
    try:
        with open(cmakelists, encoding="utf-8") as f:
            text = f.read()
    except OSError:
        return None
    text = re.sub(r"#[^\n]*", "", text)  # CMake comments
    match = re.search(r"\bproject\(\s*spiral\s[^)]*?\bVERSION\s+([0-9]+(?:\.[0-9]+)*)", text)
    return match.group(1) if match else None


class SpiralConan(ConanFile):
    name = "spiral"
    description = (
        "Header-only C++20 library for the collateral value feedback loop in leveraged "
        "markets: option prices and Greeks, price impact, haircuts, margin, risk aggregation "
        "and liquidation cascades."
    )
    license = "MIT"
    topics = ("finance", "risk", "margin", "liquidation", "options", "header-only", "simd")
    package_type = "header-library"
    settings = "os", "arch", "compiler", "build_type"
    options = {"simd": [True, False]}
    default_options = {"simd": True}
    no_copy_source = True

    def _release_sources(self):
        """{version: {url, sha256}} from conandata.yml (a release), or {} (the repository)."""
        return (self.conan_data or {}).get("sources") or {}

    def set_version(self):
        releases = self._release_sources()
        if releases:  # scripts/release: the version its conandata.yml names
            if self.version is None and len(releases) == 1:
                self.version = next(iter(releases))
            if str(self.version) not in releases:
                raise ConanException(
                    f"spiral: version {self.version} not in conandata.yml ({', '.join(releases)})")
            return
        # The sources' own version, the one of the repository this recipe sits in; a --version
        # on the command line must agree with it.
        cmakelists = os.path.join(self.recipe_folder, "..", "..", "CMakeLists.txt")
        version = project_version(cmakelists)
        if version is None:
            raise ConanException(f"spiral: no project(spiral VERSION ...) in {cmakelists}")
        if self.version and str(self.version) != version:
            raise ConanException(
                f"spiral: --version {self.version}, but the sources are {version} (CMakeLists.txt)")
        self.version = version

    def export_sources(self):
        if self._release_sources():
            return  # a release: source() fetches the tarball
        root = os.path.join(self.recipe_folder, "..", "..")
        copy(self, "LICENSE", src=root, dst=self.export_sources_folder)
        copy(self, "include/*", src=root, dst=self.export_sources_folder)
        copy(self, "src/dispatch/*", src=root, dst=self.export_sources_folder)

    def source(self):
        release = self._release_sources().get(str(self.version))
        if release:
            get(self, url=release["url"], sha256=release["sha256"], strip_root=True)

    def layout(self):
        basic_layout(self, src_folder=".")

    def requirements(self):
        if self.options.simd:
            # API used by spiral/simd.hpp: xsimd 8.x (hadd, batch<T, A>)
            self.requires("xsimd/[>=8.1.0 <11]")

    def package_id(self):
        self.info.clear()

    def validate(self):
        if self.settings.get_safe("compiler.cppstd"):
            check_min_cppstd(self, 20)

    def build(self):
        pass  # header-only

    def package(self):
        copy(self, "LICENSE", src=self.source_folder,
             dst=os.path.join(self.package_folder, "licenses"))
        copy(self, "*.hpp", src=os.path.join(self.source_folder, "include"),
             dst=os.path.join(self.package_folder, "include"))
        copy(self, "*", src=os.path.join(self.source_folder, "src", "dispatch"),
             dst=os.path.join(self.package_folder, "share", "spiral", "dispatch"))

    def package_info(self):
        self.cpp_info.set_property("cmake_file_name", "spiral")
        self.cpp_info.set_property("pkg_config_name", "spiral")
        self.cpp_info.bindirs = []
        self.cpp_info.libdirs = []

        core = self.cpp_info.components["core"]
        core.set_property("cmake_target_name", "spiral::spiral")
        core.bindirs = []
        core.libdirs = []

        if self.options.simd:
            simd = self.cpp_info.components["simd"]
            simd.set_property("cmake_target_name", "spiral::simd")
            simd.set_property("pkg_config_name", "spiral-simd")
            simd.requires = ["core", "xsimd::xsimd"]
            # the build, not the include order, decides: every bulk kernel on xsimd batches
            simd.defines = ["SPIRAL_SIMD=1"]
            simd.bindirs = []
            simd.libdirs = []
