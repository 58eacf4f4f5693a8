"""Peak memory of one variant: CUDA's allocator peaks on a GPU, the process's peak RSS on the CPU.

On Linux, writing "5" to /proc/self/clear_refs resets the peak RSS (VmHWM) to the current RSS,
so each variant gets its own peak. Where that is refused the figure is the process's peak since
it started, and the report says so.
"""
from __future__ import annotations

from pathlib import Path

_CLEAR_REFS = Path("/proc/self/clear_refs")
_STATUS = Path("/proc/self/status")


def reset_peak(device: str) -> str:
    """Start a new peak; return what the peak will cover ("variant" or "process")."""
    if device.startswith("cuda"):
        import torch

        torch.cuda.reset_peak_memory_stats(device)
        return "variant"
    try:
        _CLEAR_REFS.write_text("5")
        return "variant"
    except OSError:
        return "process"


def read_peak(device: str) -> dict:
    """Return {"peak_memory_bytes", and on CUDA "peak_memory_reserved_bytes"}."""
    if device.startswith("cuda"):
        import torch

        return {"peak_memory_bytes": int(torch.cuda.max_memory_allocated(device)),
                "peak_memory_reserved_bytes": int(torch.cuda.max_memory_reserved(device))}
    return {"peak_memory_bytes": _peak_rss_bytes()}


def _peak_rss_bytes() -> int:
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    import resource

    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024  # kB on Linux
