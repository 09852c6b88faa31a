"""Access matrix rows of indicators (tests/test_access_matrix.py)."""

from __future__ import annotations

from typing import Any

API_MATRIX: list[tuple[Any, ...]] = []
WEB_MATRIX: list[tuple[Any, ...]] = []
