"""Which indicator a passage is about, learned from the exemplar bank: a logistic regression over
the passage's TF-IDF words and its sentence embedding, trained on the exemplars' texts with the
indicator each was written for. Its log-probabilities join BM25 and embedding relevance when
passages are matched to indicators, and are features of the score calibration."""
from __future__ import annotations

C = 10.0  # weak regularisation: ~10 exemplars per indicator, many distinctive words
FLOOR = -20.0  # log-probability of an indicator that has no exemplar to learn from


class TopicModel:
    """Fitted on one bank, with one developer's exemplars left out (or none)."""

    def __init__(self, bank, embedder, exclude: str | None) -> None:
        import numpy as np
        from scipy.sparse import csr_matrix, hstack
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        keep = np.flatnonzero(bank.keep_mask(exclude))
        self.left_out = len(bank.items) - len(keep)
        texts = [bank.items[k].text for k in keep]
        vectors = np.asarray(bank.embeddings(embedder), dtype=np.float32)[keep]
        positions = [bank.items[k].position for k in keep]
        self.model = None
        if len(set(positions)) < 2:
            return  # nothing to tell apart: every indicator stays equally likely
        self.words = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), stop_words="english")
        features = hstack([self.words.fit_transform(texts), csr_matrix(vectors)]).tocsr()
        self.model = LogisticRegression(C=C, max_iter=300).fit(features, positions)
        self._stack = lambda texts, emb: hstack([self.words.transform(texts), csr_matrix(emb)]).tocsr()

    def log_probability(self, count: int, texts: list[str], embeddings):
        """Return (indicators, passages): log P(indicator | passage)."""
        import numpy as np

        if self.model is None:
            return np.zeros((count, len(texts)))
        out = np.full((count, len(texts)), FLOOR)
        if texts:
            out[self.model.classes_] = self.model.predict_log_proba(self._stack(texts, embeddings)).T
        return np.maximum(out, FLOOR)


def topic_model(bank, embedder, exclude: str | None = None) -> TopicModel:
    """Return the topic model of a bank without `exclude`'s exemplars, fitted once per bank and embedder."""
    key = (id(embedder), exclude)
    if key not in bank.topics:
        bank.topics[key] = TopicModel(bank, embedder, exclude)
    return bank.topics[key]
