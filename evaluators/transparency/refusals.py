"""Disclosures that say nothing beyond "not disclosed".

The FMTI experts score such a text 0 (301 of the 305 non-empty ones in the December 2025 reports,
the one in May 2024 too), so the bench leaves them out of its documents, the exemplar banks leave
them out, and a suggestion whose matched passage is one scores 0 (suggest.py).
"""
from __future__ import annotations

import re

NOTHING = re.compile(r"^\W*(no (relevant )?information( is)?( was)? (provided|found|available|disclosed)|"
                     r"not disclosed|n/?a\W*$|none\W*$|(we|the developer|[\w ]{1,40}) (do|does|did) not "
                     r"(publicly )?disclose|we (cannot|can't) disclose|this information is (proprietary|not)"
                     r"|no disclosure)", re.I)
# A sentence whose verb says the thing is not disclosed, wherever it stands ("Compute used to train
# X is not disclosed.", "Amazon does not publish statistics on ...", "No code provided for
# training."). Verbs that also state a practice ("we do not share usage data", "does not provide
# specialised access") are left out: such a sentence can earn the point.
_WITHHELD_PARTICIPLE = r"(disclosed|available|provided|published|reported|specified|documented|made public)"
NOT_DISCLOSED = re.compile(
    r"\b(is|are|was|were|has|have) not (been )?(publicly |currently |yet |explicitly )?" + _WITHHELD_PARTICIPLE + r"\b"
    r"|\b(do|does|did) not (publicly |currently |explicitly )?(disclose|publish|report|specify|document|make public)\b"
    r"|^\W*no (\w+ ){0,5}(is |are |was |were |has been |have been )?" + _WITHHELD_PARTICIPLE + r"\b", re.I)
# A second clause that qualifies the refusal ("..., though the report notes ...") says something.
CONTRAST = re.compile(r"\b(though|although|however|but|while|whereas|except|beyond|instead|apart from|other than)\b",
                      re.I)
# A sentence ends at . ! ? ; or : followed by white space, or at a line break.
SENTENCE_BREAK = re.compile(r"[.!?;:]\s|\n")


def nothing_disclosed(text: str) -> bool:
    """Return True when a disclosure text says nothing beyond "not disclosed".

    That is: the text is empty, or it is one sentence (no sentence break: . ! ? ; or : followed
    by white space, or a line break, once trailing punctuation and white space are stripped) that
    opens with a non-disclosure phrase (NOTHING: "No information provided", "Not disclosed",
    "We do not disclose", "This information is proprietary", ...) or whose verb says the thing is
    not disclosed (NOT_DISCLOSED: "X is not disclosed", "X does not publish Y", "No code
    provided for training"), and contains no contrast word
    (CONTRAST: though, however, but, beyond, ...). What such a sentence adds after the phrase is
    its topic or reason ("about data acquisition", "publicly", "to protect intellectual
    property"), not a disclosure. A second sentence, a line, a link or a contrast clause after
    the refusal may carry content ("No disclosure. Updated: we ran a Private Beta ..."), so the
    text is kept.
    """
    body = text.strip().rstrip(".!?;:\"' \t\n\u00a0")
    if not body:
        return True
    refusal = NOTHING.search(body) or NOT_DISCLOSED.search(body)
    return bool(refusal) and not SENTENCE_BREAK.search(body) and not CONTRAST.search(body)
