"""Local development: the embedded default, with debug pages."""
from glassbox.config.env import env_bool

from .base import *  # noqa: F401,F403

DEBUG = env_bool("DJANGO_DEBUG", True)
