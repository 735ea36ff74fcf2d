"""Observation flags: what a reader must know about a published value, in the spirit of Eurostat's.

Every mart that publishes figures has a ``flags`` column: a string of the letters below, in this
order, empty when nothing needs saying. The letters are computed in the marts' SQL from columns of the
same row (or of the trend points for breaks); this module is their one definition, read by the
contracts' ``flags_in_legend`` expectation (:data:`PATTERN`), the site's legend and chart labels
(:func:`legend`, :func:`describe`) and the tests.
"""

import re

#: letter -> (name, what it tells the reader). Order = the order letters appear in a flag string.
FLAGS: dict[str, tuple[str, str]] = {
    "b": ("break in series",
          "the series breaks between this value and the previous one (a change of definition or recording system "
          "from the break register, a detected level shift, or a change of reporting countries): do not compare "
          "across it"),
    "e": ("estimate", "a survey extrapolation or modelled estimate, not a count of reports"),
    "p": ("provisional", "a provisional or first-published figure the publisher may revise"),
    "n": ("not recorded separately",
          "the publisher printed 0 for this part beside a parent of 300 or more: the part was not recorded "
          "separately, it is not a true zero (the value is left empty and never summed)"),
    "u": ("unverified source",
          "not read in the publisher's own release: a secondary report, or a figure not verified (for a converted "
          "loss, also an exchange rate of secondary or unverified grade)"),
    "w": ("withdrawn", "an older release carried this value; the newest release of the series no longer does "
                       "(marts.values_not_published only)"),
    "c": ("contradictory",
          "the newest release carries this key twice with different values; neither is published "
          "(marts.values_not_published only)"),
}
#: A valid flag string: each letter at most once, in FLAGS order (possibly empty).
PATTERN = "^" + "".join(f"{letter}?" for letter in FLAGS) + "$"
#: Source grades (pipelines.schema.SOURCE_GRADES) that earn the ``u`` flag.
UNVERIFIED_GRADES = ("secondary", "unverified")


def invalid(values: list[str | None]) -> list[str]:
    """The values that are not a flag string of :data:`PATTERN` (null means none and is valid)."""
    rx = re.compile(PATTERN)
    return [v for v in values if v is not None and not rx.match(v)]


def legend() -> list[dict[str, str]]:
    """The flags for the Methodology page and table footers: letter, name, meaning."""
    return [{"letter": k, "name": n, "meaning": m} for k, (n, m) in FLAGS.items()]


def describe(flags: str | None) -> str:
    """``"bu"`` -> ``"break in series; unverified source"`` (empty for no flags)."""
    if not flags:
        return ""
    bad = invalid([flags])
    if bad:
        raise ValueError(f"not a flag string: {flags!r} (expected letters of {''.join(FLAGS)}, in that order)")
    return "; ".join(FLAGS[letter][0] for letter in flags)
