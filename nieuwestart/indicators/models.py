"""Models of indicators."""

from __future__ import annotations
