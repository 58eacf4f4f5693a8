"""The workers' tests use the same runs, models and datasets as the evaluations' tests."""
from tests.evaluations.conftest import (code_version, enqueued, private_storage, text_file,  # noqa: F401
                                        text_version, tiny_model, tiny_model_dir)
