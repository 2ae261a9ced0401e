"""Standard instruments scored as published: the published bands' edges, PHQ-9 item 9, AUDIT-C's
sex-specific cut-offs, STEADI's any-yes rule."""

from __future__ import annotations

import pytest

from medassist.intake import instruments as ins

FREQ = [c for c, _, _ in ins.FREQUENCY]


def _answers(codes, points):
    return {code: FREQ[p] for code, p in zip(codes, points, strict=True)}


PHQ9 = [c for c, _ in ins.PHQ9_ITEMS]
GAD7 = [c for c, _ in ins.GAD7_ITEMS]


@pytest.mark.parametrize(
    ("points", "total", "band"),
    [
        ([0] * 9, 0, "None-minimal"),
        ([1, 1, 1, 1, 0, 0, 0, 0, 0], 4, "None-minimal"),
        ([1, 1, 1, 1, 1, 0, 0, 0, 0], 5, "Mild"),
        ([1, 1, 1, 1, 1, 1, 1, 1, 1], 9, "Mild"),
        ([2, 2, 2, 2, 1, 1, 0, 0, 0], 10, "Moderate"),
        ([2, 2, 2, 2, 2, 2, 1, 1, 0], 14, "Moderate"),
        ([3, 3, 3, 2, 2, 2, 0, 0, 0], 15, "Moderately severe"),
        ([3, 3, 3, 3, 3, 2, 2, 0, 0], 19, "Moderately severe"),
        ([3, 3, 3, 3, 2, 2, 2, 2, 0], 20, "Severe"),
        ([3] * 9, 27, "Severe"),
    ],
)
def test_phq9_published_bands(points, total, band):
    result = ins.score("phq-9", _answers(PHQ9, points))
    assert (result.total, result.band) == (total, band)
    assert result.alert_clinician is (points[8] > 0)


def test_phq9_item9_alone_alerts_a_clinician_whatever_the_total():
    result = ins.score("phq-9", _answers(PHQ9, [0] * 8 + [1]))
    assert result.total == 1 and result.band == "None-minimal"
    assert result.alert_clinician and result.positive
    assert result.flags == ("Item 9 positive: thoughts of self-harm",)


def test_phq9_difficulty_item_is_not_scored_and_missing_items_refuse():
    answers = _answers(PHQ9, [1] * 9) | {"69722-7": "LA6574-3"}
    assert ins.score("phq-9", answers).total == 9
    with pytest.raises(ins.IncompleteAnswers):
        ins.score("phq-9", _answers(PHQ9[:8], [1] * 8))


@pytest.mark.parametrize(("points", "positive"), [([1, 1], False), ([1, 2], True), ([3, 3], True)])
def test_phq2_cutoff_of_three(points, positive):
    result = ins.score("phq-2", _answers(PHQ9[:2], points))
    assert result.total == sum(points) and result.positive is positive


@pytest.mark.parametrize(
    ("points", "band"),
    [
        ([0] * 7, "Minimal"),
        ([1, 1, 1, 1, 0, 0, 0], "Minimal"),
        ([1, 1, 1, 1, 1, 0, 0], "Mild"),
        ([2, 2, 2, 1, 1, 1, 0], "Mild"),
        ([2, 2, 2, 2, 1, 1, 0], "Moderate"),
        ([2, 2, 2, 2, 2, 2, 2], "Moderate"),
        ([3, 2, 2, 2, 2, 2, 2], "Severe"),
        ([3] * 7, "Severe"),
    ],
)
def test_gad7_published_bands(points, band):
    assert ins.score("gad-7", _answers(GAD7, points)).band == band


def _audit(p1, p2, p3):
    return {code: opts[p][0] for (code, _, opts), p in zip(ins.AUDIT_C, (p1, p2, p3), strict=True)}


@pytest.mark.parametrize(
    ("points", "sex", "positive"),
    [
        ((2, 1, 0), "F", True),  # 3: positive for women
        ((2, 1, 0), "M", False),  # 3: negative for men
        ((2, 1, 1), "M", True),  # 4: positive for men
        ((1, 1, 0), "F", False),  # 2
        ((4, 4, 4), "M", True),  # 12
        ((2, 1, 0), "U", True),  # unknown: the lower cut-off
    ],
)
def test_auditc_sex_specific_cutoffs(points, sex, positive):
    result = ins.score("audit-c", _audit(*points), sex=sex)
    assert result.total == sum(points) and result.positive is positive


def test_auditc_points_only_from_question_one_are_noted():
    result = ins.score("audit-c", _audit(4, 0, 0), sex="M")
    assert result.positive and "question 1" in result.note


@pytest.mark.parametrize(
    ("answers", "positive", "count"),
    [
        ((False, False, False), False, 0),
        ((True, False, False), True, 1),
        ((True, True, True), True, 3),
    ],
)
def test_steadi_any_yes_screens_at_risk(answers, positive, count):
    given = {link: a for (link, _), a in zip(ins.STEADI_ITEMS, answers, strict=True)}
    result = ins.score("steadi", given)
    assert result.positive is positive and result.total == count
