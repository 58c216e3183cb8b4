"""ctest `packaging_conan_syntax`: the Conan recipes without Conan.

    python3 packaging/check-conan.py --version <project version> --out <scratch dir> CONANFILE...

Byte-compiles every CONANFILE given, then loads packaging/conan/conanfile.py (the first one)
against stand-ins for the `conan` modules and checks its own logic: in the repository,
set_version() gives <project version> (the one in CMakeLists.txt) and refuses a --version that
disagrees; as a release (with the conandata.yml scripts/release writes), the version is
conandata's, nothing is exported and source() fetches the tarball by URL and SHA256. Conan itself
is not needed: this checks syntax and the recipe's logic, not Conan's handling of it.
"""

import argparse
import importlib.util
import os
import py_compile
import sys
import types


class _StubError(Exception):
    pass


_calls = []  # (function name, kwargs) of the conan.tools.files functions the recipe called


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

    class ConanFile:  # the attributes conan.ConanFile defaults
        version = None
        conan_data = None

    module("conan", ConanFile=ConanFile)
    module("conan.errors", ConanException=_StubError, ConanInvalidConfiguration=_StubError)
    for name in ("conan.tools", "conan.tools.build", "conan.tools.layout", "conan.tools.cmake"):
        module(name)

    def recorder(name):
        return lambda conanfile, *args, **kwargs: _calls.append((name, args, kwargs))

    module("conan.tools.files", copy=recorder("copy"), get=recorder("get"))


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
    _calls.clear()
    _recipe(recipe, recipe_folder=folder, version=args.version, conan_data=None,
            export_sources_folder="/export").export_sources()
    if not any(name == "copy" for name, _, _ in _calls):
        sys.exit("in the repository, export_sources() copied nothing")

    # as a release: conandata.yml names the version and the tarball
    release = {"url": "file:///release/spiral.tar.gz", "sha256": "0" * 64}
    data = {"sources": {"9.8.7": release}}
    conanfile = _recipe(recipe, recipe_folder="/nowhere", version=None, conan_data=data)
    conanfile.set_version()
    if conanfile.version != "9.8.7":
        sys.exit(f"release: set_version() gave {conanfile.version}, conandata.yml says 9.8.7")
    _calls.clear()
    conanfile.export_sources()
    conanfile.source()
    if _calls != [("get", (), dict(release, strip_root=True))]:
        sys.exit(f"release: export_sources() and source() called {_calls}, expected one get()")

    # the test_package: the version it checks is the tested reference's
    for i, path in enumerate(args.conanfiles[1:]):
        parse = getattr(_load(os.path.abspath(path), f"conanfile_{i + 1}"), "tested_version", None)
        if parse is not None:
            for reference in ("spiral/1.2.3", "spiral/1.2.3@user/channel#0123abcd"):
                if parse(reference) != "1.2.3":
                    sys.exit(f"{path}: tested_version({reference!r}) = {parse(reference)!r}")
            print(f"{path}: tested_version() OK")
    print(f"packaging_conan_syntax: recipe version {args.version} OK; release recipe OK")


if __name__ == "__main__":
    main()
