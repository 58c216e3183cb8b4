"""Conan 2 test_package of spiral: builds main.cpp against the package (CMakeDeps,
CMakeToolchain) and runs it; the program fails unless the headers' SPIRAL_VERSION is the version
of the package under test.

    conan create packaging/conan -s compiler.cppstd=20    (runs this after creating the package)

CMakeLists.txt and main.cpp also build against a plain CMake install of spiral (ctests
install_consumer and packaging_vcpkg_offline do that).
"""

import os

from conan import ConanFile
from conan.tools.build import can_run
from conan.tools.cmake import CMake, cmake_layout


def tested_version(reference):
    """The version in a reference: 'spiral/0.2.0@user/channel#rev' -> '0.2.0'."""
    return reference.split("#", 1)[0].split("@", 1)[0].split("/", 1)[1]


class SpiralTestPackageConan(ConanFile):
    settings = "os", "arch", "compiler", "build_type"
    generators = "CMakeDeps", "CMakeToolchain"

    def requirements(self):
        self.requires(self.tested_reference_str)

    def layout(self):
        cmake_layout(self)

    def build(self):
        cmake = CMake(self)
        cmake.configure()
        cmake.build()

    def test(self):
        if can_run(self):
            program = os.path.join(self.cpp.build.bindir, "test_package")
            version = tested_version(self.tested_reference_str)
            self.run(f"{program} {version}", env="conanrun")
