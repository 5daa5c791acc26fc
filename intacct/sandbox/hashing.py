"""Cheap deterministic pseudo-randomness keyed by (seed, record number).

Generated records must come out the same every time they are read, in any order, without storing them.
A SplitMix64 step turns (seed, RECORDNO) into 64 well-mixed bits in a fraction of a microsecond; slices of
those bits pick names, flags and dates.
"""

from __future__ import annotations

_MASK = (1 << 64) - 1


def mix64(value: int) -> int:
    value = (value + 0x9E3779B97F4A7C15) & _MASK
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & _MASK
    return value ^ (value >> 31)


def stream_key(seed: int, salt: str) -> int:
    """A per-purpose key, so vendors and accounts drawn from the same seed do not correlate."""
    key = seed & _MASK
    for char in salt:
        key = mix64(key ^ ord(char))
    return key


def pick(bits: int, options: tuple | list):
    return options[bits % len(options)]
