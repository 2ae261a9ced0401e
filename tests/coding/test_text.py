import pytest

from medassist.coding import text


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("fractures", "fracture"),
        ("fractured", "fracture"),
        ("diabetic", "diabetes"),
        ("hypertensive", "hypertension"),
        ("kidneys", "kidney"),
        ("injuries", "injury"),
        ("anemic", "anemia"),
        ("allergic", "allergy"),
        ("headaches", "headache"),
        ("vomiting", "vomits"),
        ("obese", "obesity"),
    ],
)
def test_related_word_forms_share_a_stem(a, b):
    # given two forms of one word
    # when both are stemmed
    # then they meet
    assert text.stem(a) == text.stem(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("femur", "fever"), ("type", "typhoid"), ("anemia", "anesthesia"), ("asthma", "asthenia")],
)
def test_different_words_keep_different_stems(a, b):
    assert text.stem(a) != text.stem(b)


def test_short_words_numbers_and_latin_endings_are_left_alone():
    assert text.stem("leg") == "leg"
    assert text.stem("e11") == "e11"
    assert text.stem("2") == "2"
    assert text.stem("mellitus") == "mellitus"
    assert text.stem("bronchitis") == "bronchitis"


def test_words_drop_stop_words_and_punctuation():
    # given a description with punctuation and small words
    # when split into words
    # then only meaningful lower-case words remain, in order
    assert text.words("Fracture of the neck of femur, (closed)") == [
        "fracture",
        "neck",
        "femur",
        "closed",
    ]


def test_abbreviations_become_the_words_of_their_meaning():
    assert text.expand_abbreviations(["htn", "ckd"]) == [
        "hypertension",
        "chronic",
        "kidney",
        "disease",
    ]
    assert text.expand_abbreviations(["femur"]) == ["femur"]
