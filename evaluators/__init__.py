"""Glassbox's evaluation library. It never imports Django or Celery, and keeps
torch and transformers out of `import evaluators` so the web process starts fast."""
from .core import registry
from .core.base import Cancelled, EvaluationError, Evaluator, Metric, ModelRef, RunContext
from .core.specs import SpecError

__version__ = "0.1.0"

# Each evaluator module registers itself; its heavy imports happen inside its functions.
from . import perplexity  # noqa: E402,F401
from . import codegen  # noqa: E402,F401
from . import bias  # noqa: E402,F401
from . import bbq  # noqa: E402,F401
from . import truthfulqa  # noqa: E402,F401
from . import speed  # noqa: E402,F401
from . import medusa  # noqa: E402,F401
from . import passk  # noqa: E402,F401
from . import glitch  # noqa: E402,F401

__all__ = ["Cancelled", "EvaluationError", "Evaluator", "Metric", "ModelRef", "RunContext",
           "SpecError", "registry", "__version__"]
