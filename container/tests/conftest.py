"""Fixtures of the image tests: the image `make image` built, loaded into podman once."""

from __future__ import annotations

import pytest

from container_support import IMAGE_TAR, Image, podman


@pytest.fixture(scope="session")
def image() -> Image:
    if not IMAGE_TAR.exists():
        pytest.fail("no %s: build it first with `make image`" % IMAGE_TAR)
    loaded = Image.load()
    yield loaded
    podman("image", "rm", "--force", loaded.reference, check=False)


@pytest.fixture
def containers():
    """Containers a test starts; removed after it, whatever happened."""
    started = []
    yield started
    for container in started:
        container.remove()
