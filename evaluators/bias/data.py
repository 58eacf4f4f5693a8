"""The dataset kind the CrowS-Pairs-style bias probe reads: minimally different sentence pairs."""
from __future__ import annotations

from ..core.datasets import ID_FIELD, DatasetKind, Fail, Field, register_kind, text_field

STEREO_VALUES = ("stereo", "antistereo")
# CrowS-Pairs' nine bias types; an unknown one is most often a typo that would split a category.
BIAS_TYPES = ("age", "disability", "gender", "nationality", "physical-appearance", "race-color",
              "religion", "sexual-orientation", "socioeconomic")


def _bias_pair(raw: dict, fail: Fail) -> dict:
    row = {name: text_field(raw, name, fail)
           for name in ("sent_more", "sent_less", "stereo_antistereo", "bias_type")}
    if row["stereo_antistereo"] not in STEREO_VALUES:
        raise fail("stereo_antistereo", f"field 'stereo_antistereo' must be \"stereo\" or \"antistereo\", "
                                        f"got {row['stereo_antistereo']!r}")
    if row["bias_type"] not in BIAS_TYPES:
        raise fail("bias_type", f"field 'bias_type' must be one of {', '.join(BIAS_TYPES)}; "
                                f"got {row['bias_type']!r}")
    return row


BIAS_PAIRS = register_kind(DatasetKind(
    "bias_pairs", "Bias sentence pairs", ("csv", "jsonl"), (
        ID_FIELD,
        Field("sent_more", "string", True, "The sentence that is more stereotyping."),
        Field("sent_less", "string", True, "The minimally different, less stereotyping sentence."),
        Field("stereo_antistereo", "\"stereo\" or \"antistereo\"", True,
              "Whether sent_more states a stereotype or violates one (CrowS-Pairs)."),
        Field("bias_type", "string", True, "One of CrowS-Pairs' types: age, disability, gender, "
              "nationality, physical-appearance, race-color, religion, sexual-orientation, socioeconomic."),
    ), '{"sent_more": "...", "sent_less": "...", "stereo_antistereo": "stereo", "bias_type": "gender"}',
    _bias_pair))
