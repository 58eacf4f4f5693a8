"""What a speed run page shows: the platform's latency box plots and variant comparison."""
from __future__ import annotations

from ..core.pages import Panel

PAGE = (Panel("speed-variants"),)
