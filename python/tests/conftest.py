"""Shared settings of the Python tests: a fixed, short hypothesis profile (the ctest run must
take seconds and give the same cases every time), the repository's data directory, and the
source tree's examples."""

import os
import pathlib

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "spiral",
    max_examples=60,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("spiral")

SOURCE_DIR = pathlib.Path(
    os.environ.get("SPIRAL_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2])
)


@pytest.fixture
def rng():
    return np.random.default_rng(20240611)


@pytest.fixture
def source_dir():
    return SOURCE_DIR
