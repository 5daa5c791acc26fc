import pytest

from onboarding.masking import mask_identifier


def test_keeps_first_two_and_last_character_behind_a_fixed_run():
    assert mask_identifier("ACME-DEMO") == "AC•••••O"
    assert mask_identifier("routable_ws") == "ro•••••s"


def test_the_mask_does_not_reveal_the_length():
    assert len(mask_identifier("ABCDEF")) == len(mask_identifier("ABCDEFGHIJKLMNOP"))


@pytest.mark.parametrize("short", ["E100", "A", "ABCDE"])
def test_short_values_are_fully_masked(short):
    masked = mask_identifier(short)
    assert set(masked) == {"•"}


def test_empty_stays_empty():
    assert mask_identifier("") == "" and mask_identifier(None) == ""
