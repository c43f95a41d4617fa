"""PsoasCare: self-care for the psoas and the low back."""

from __future__ import annotations

__version__ = "0.1.0"
