"""The fast scorer gives the trained pipeline's own probabilities (it only skips
scikit-learn's per-call checks), so the understanding's answers do not change."""

from __future__ import annotations

import json

import numpy as np

from medassist.assistant import safety, understand


def test_the_fast_scorer_reproduces_the_pipeline_on_every_evaluation_message():
    m = understand.model()
    assert m.fast is not None
    messages = [
        safety.normalize(json.loads(line)["message"])
        for line in (understand.DATA / "eval.jsonl").open(encoding="utf-8")
        if line.strip()
    ]
    expected = m.pipeline.predict_proba(messages)
    got = np.array([m.fast.proba(t) for t in messages])
    assert np.abs(expected - got).max() < 1e-9
    assert (expected.argmax(axis=1) == got.argmax(axis=1)).all()


def test_a_message_with_no_known_word_gets_the_pipelines_answer_too():
    m = understand.model()
    for text in ["", "qqqq zzzz", "🙂🙂🙂"]:
        np.testing.assert_allclose(
            m.fast.proba(text), m.pipeline.predict_proba([text])[0], rtol=0, atol=1e-9
        )
