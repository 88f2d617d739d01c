"""The package version, in one place: pyproject.toml reads it (``dynamic``), and so do
``feeds --version`` and the build cache's program version."""

__version__ = "0.1.0"
