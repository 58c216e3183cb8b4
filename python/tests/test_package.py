"""The package as a whole: imports, version, errors, docstrings."""

import re

import pytest

import spiral


def test_submodules_import_like_packages():
    import spiral.cascade
    import spiral.haircut
    import spiral.haircut.basel
    import spiral.impact
    import spiral.margin
    import spiral.margin.venues
    import spiral.risk
    import spiral.stress
    from spiral.haircut import liquidity, volatility  # noqa: F401

    assert spiral.impact.constant_product is spiral._core.impact.constant_product
    assert spiral.stress.run is spiral._core.stress.run


def test_version_is_the_headers(source_dir):
    text = (source_dir / "include/spiral/version.hpp").read_text()
    parts = [re.search(rf"SPIRAL_VERSION_{p} (\d+)", text).group(1) for p in ("MAJOR", "MINOR", "PATCH")]
    assert spiral.__version__ == ".".join(parts)


def test_invalid_argument_is_a_value_error_with_the_library_message():
    assert issubclass(spiral.invalid_argument, ValueError)
    with pytest.raises(spiral.invalid_argument) as caught:
        spiral.black_scholes("call", 100.0, 100.0, 1.0, 0.0, 0.0, -0.2)
    assert str(caught.value) == "spiral: black_scholes: vol[0] = -0.2 (must be 0 or in [1e-08, 100])"
    with pytest.raises(ValueError, match=r"spiral: cascade::rules: close_factor = 0 \(must be in \(0, 1\]\)"):
        spiral.cascade.rules(close_factor=0).validate()


def test_simd_targets_are_named():
    assert spiral.simd_target() in {"avx512bw", "fma3+avx2", "sse2", "arm64+neon", "scalar"}
    assert spiral.build_target in {"avx512bw", "fma3+avx2", "sse2", "arm64+neon", "scalar"}


def public_callables():
    for module in (spiral, spiral.impact, spiral.haircut, spiral.margin, spiral.risk, spiral.cascade,
                   spiral.stress):
        for name in dir(module):
            if name.startswith("_"):
                continue
            value = getattr(module, name)
            if callable(value) and not isinstance(value, type(spiral.call)):
                yield module.__name__, name, value


def test_every_public_callable_has_a_docstring():
    missing = [f"{m}.{n}" for m, n, v in public_callables() if not (v.__doc__ or "").strip()]
    assert not missing, missing


def test_every_binding_is_exercised_by_the_tests(source_dir):
    """Each public name of every family appears in at least one test file."""
    text = "\n".join(p.read_text() for p in (source_dir / "python/tests").glob("test_*.py"))
    unused = [f"{m}.{n}" for m, n, _ in public_callables() if not re.search(rf"\b{n}\b", text.replace("test_every_binding", ""))]
    assert not unused, unused


def test_to_frame_builds_a_table_from_results():
    table = spiral.to_frame([spiral.margin.scenario(0.1, 1), spiral.margin.scenario(-0.1, -1, 0.5)])
    assert list(table.columns) == ["price_move", "vol_direction", "weight"]
    assert table["weight"].tolist() == [1.0, 0.5]
