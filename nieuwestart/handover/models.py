"""Models of handover."""

from __future__ import annotations
