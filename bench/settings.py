"""Benchmark-only settings: the product's settings plus bench/urls.py, which adds two
baseline endpoints. Never used by the product; only bench/ scripts start servers with it."""

from solidarity.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
