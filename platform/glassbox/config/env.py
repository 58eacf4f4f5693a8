"""Strict environment-variable parsing: a wrong value stops start-up and names the variable."""
from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_str(name: str, default: str | None = None, *, choices: tuple[str, ...] | None = None) -> str | None:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if choices is not None and value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} is not accepted; use one of: {', '.join(choices)}")
    return value


def env_required(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in production")
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean; use one of: 1, 0, true, false, yes, no, on, off")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} must be at least {minimum}")
    return number


def env_float(name: str, default: float, *, minimum: float | None = None) -> float:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a number") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} must be at least {minimum}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_paths(name: str, default: list[Path]) -> list[Path]:
    """Absolute, resolved directories from a `os.pathsep`-separated variable."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return [p.resolve() for p in default]
    return [Path(item).expanduser().resolve() for item in value.split(os.pathsep) if item.strip()]


def env_url(name: str, default: str, *, schemes: tuple[str, ...]) -> str:
    value = os.environ.get(name) or default
    scheme = value.split("://", 1)[0] if "://" in value else ""
    if scheme not in schemes:
        raise ImproperlyConfigured(f"{name}={value!r} has an unsupported scheme; use one of: "
                                   + ", ".join(f"{s}://" for s in schemes))
    return value


RATE_PERIODS = ("second", "minute", "hour", "day")


def env_rate(name: str, default: str | None) -> str | None:
    """Return a request rate in Django REST framework's form ('120/minute'), or None for 'off'."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    value = value.strip()
    if value.lower() == "off":
        return None
    count, _, period = value.partition("/")
    # DRF reads only the period's first letter, so '5/month' would silently mean five a minute.
    if not (count.isascii() and count.isdigit() and int(count) > 0 and period in RATE_PERIODS):
        raise ImproperlyConfigured(f"{name}={value!r} is not a rate; use <requests>/<{'|'.join(RATE_PERIODS)}> "
                                   "such as 120/minute, or off")
    return value
