# shellcheck shell=bash
# Debian packages spiral needs to build, test, benchmark and run its demo; sourced by scripts/test
# and scripts/demo. Nothing else is downloaded: every dependency is a Debian package.

SPIRAL_DEBIAN_PACKAGES=(
    g++ clang cmake make pkg-config
    libxsimd-dev libboost-dev libboost-math-dev libeigen3-dev
    catch2 libbenchmark-dev libquantlib0-dev libcli11-dev
    gnuplot-nox clang-format
    # the API reference (docs/Doxyfile.in) and its ctest api_reference
    doxygen
    # the stress family: threads (oneTBB), MPI (Open MPI), spiral-stress's config files (toml++)
    libtbb-dev libopenmpi-dev openmpi-bin libtomlplusplus-dev
    # the Python module (python/) and its tests, examples and benchmark
    python3-dev python3-numpy pybind11-dev python3-pytest python3-hypothesis
    python3-pandas python3-matplotlib python3-scipy
)

# spiral_ensure_deps: install what is missing (as root) or say how to and exit 1 (otherwise).
spiral_ensure_deps() {
    local packages=("${SPIRAL_DEBIAN_PACKAGES[@]}")
    if ! command -v dpkg-query >/dev/null 2>&1; then
        echo "spiral: not a Debian system; make sure the equivalents of these are installed:" >&2
        echo "  ${packages[*]}" >&2
        return 0
    fi
    local missing=() pkg status
    for pkg in "${packages[@]}"; do
        status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
        if [[ $status != "install ok installed" ]]; then
            missing+=("$pkg")
        fi
    done
    if [[ ${#missing[@]} -eq 0 ]]; then
        echo "spiral: all ${#packages[@]} Debian packages present"
        return 0
    fi
    if [[ $(id -u) -eq 0 ]]; then
        echo "spiral: installing missing Debian packages: ${missing[*]}"
        apt-get update
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
    else
        echo "spiral: missing Debian packages: ${missing[*]}" >&2
        echo "install them as root with:" >&2
        echo "  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}" >&2
        exit 1
    fi
}
