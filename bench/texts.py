"""Lesson material for the generation tests and the benchmark: definitions the local provider can use."""

from __future__ import annotations

DEFINITIONS = [
    ("mean", "the sum of the values divided by their count"),
    ("median", "the middle value of a sorted sample"),
    ("mode", "the most frequent value in a sample"),
    ("range", "the difference between the largest and the smallest value"),
    ("variance", "the average squared deviation from the mean"),
    ("quartile", "a cut point that splits sorted data into four equal groups"),
    ("percentile", "the value below which a given share of observations falls"),
    ("outlier", "an observation far away from most other observations"),
    ("histogram", "a chart of how many values fall into each interval"),
    ("population", "the whole set of units a study wants to describe"),
    ("sample", "the part of a population that is actually observed"),
    ("estimate", "a value computed from a sample to approximate a population value"),
    ("bias", "a systematic difference between an estimate and the true value"),
    ("skewness", "a measure of how asymmetric a distribution is"),
    ("correlation", "a measure of how strongly two variables move together"),
    ("regression", "a model that predicts one variable from others"),
    ("residual", "the difference between an observed value and a predicted value"),
    ("covariance", "the average product of the deviations of two variables"),
]


def lesson_text(repeat: int = 1) -> str:
    """One paragraph per definition (and a remark using two terms), `repeat` times with numbered sections."""
    paragraphs = []
    for section in range(repeat):
        for index, (term, meaning) in enumerate(DEFINITIONS):
            other = DEFINITIONS[(index + 1) % len(DEFINITIONS)][0]
            suffix = f" in section {section + 1}" if repeat > 1 else ""
            paragraphs.append(
                f"The {term} is {meaning}. Analysts compare the {term} with the {other} when they describe data{suffix}."
            )
    return "\n\n".join(paragraphs)
