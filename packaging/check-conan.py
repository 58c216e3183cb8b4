"""ctest `packaging_conan_syntax`: the Conan recipes without Conan.

    python3 packaging/check-conan.py --version <project version> --out <scratch dir> CONANFILE...

Byte-compiles every CONANFILE given, then loads packaging/conan/conanfile.py (the first one)
against stand-ins for the `conan` modules and checks that its set_version() gives <project
version> (the one in CMakeLists.txt) and refuses a --version that disagrees. Conan itself is not
needed: this checks syntax and the recipe's own logic, not Conan's handling of it.
"""

import argparse
import importlib.util
import os
import py_compile
import sys
import types


class _StubError(Exception):
    pass


def _stub_conan():
    """Minimal `conan` package: every name a recipe imports exists, none does anything."""

    def module(name, **attrs):
        mod = types.ModuleType(name)
        mod.__dict__.update(attrs)

        def missing(attr):  # any other imported function: a do-nothing callable
            return lambda *args, **kwargs: None

        mod.__getattr__ = missing
        sys.modules[name] = mod
        return mod

    class ConanFile:  # noqa: D401 - stand-in
        pass

    module("conan", ConanFile=ConanFile)
    module("conan.errors", ConanException=_StubError, ConanInvalidConfiguration=_StubError)
    for name in ("conan.tools", "conan.tools.build", "conan.tools.files", "conan.tools.layout",
                 "conan.tools.cmake"):
        module(name)


def _load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _recipe(cls, **attrs):
    obj = cls.__new__(cls)
    obj.__dict__.update(attrs)
    return obj


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", required=True, help="project(spiral VERSION ...)")
    parser.add_argument("--out", required=True, help="directory for the .pyc files")
    parser.add_argument("conanfiles", nargs="+", help="recipes; the first is spiral's own")
    args = parser.parse_args()

    os.makedirs(args.out, exist_ok=True)
    for i, path in enumerate(args.conanfiles):
        py_compile.compile(path, cfile=os.path.join(args.out, f"conanfile_{i}.pyc"), doraise=True)
        print(f"byte-compiled {path}")

    _stub_conan()
    recipe_path = os.path.abspath(args.conanfiles[0])
    recipe = _load(recipe_path, "spiral_conanfile").SpiralConan
    folder = os.path.dirname(recipe_path)

    conanfile = _recipe(recipe, recipe_folder=folder, version=None)
    conanfile.set_version()
    if conanfile.version != args.version:
        sys.exit(f"set_version() gave {conanfile.version}, CMakeLists.txt says {args.version}")
    conanfile = _recipe(recipe, recipe_folder=folder, version=args.version)
    conanfile.set_version()  # --version equal to the sources': accepted
    try:
        _recipe(recipe, recipe_folder=folder, version="0.0.0-wrong").set_version()
    except _StubError as error:
        print(f"set_version() refuses a wrong --version: {error}")
    else:
        sys.exit("set_version() accepted --version 0.0.0-wrong")
    print(f"packaging_conan_syntax: recipe version {args.version} OK")


if __name__ == "__main__":
    main()
