"""Area codes: publisher territory codes -> one canonical code, with the parent country.

UNODC CTS exports use codes outside ISO 3166 for parts of countries and changed some between
releases (2022: ``GBR_EW``, ``KOS``; 2024/2025: ``GBR_E_W``, ``XKX``). Canonical codes follow the
newest release. ``XKX`` (Kosovo) is the user-assigned code the World Bank and UNODC use; it is not
in UN M49.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Area:
    code: str  # canonical area code
    country_iso3: str  # the country it belongs to (itself for countries)
    area_type: str  # country | subnational | territory
    label: str


#: Older or alternative codes -> canonical code.
CODE_ALIASES: dict[str, str] = {
    "GBR_EW": "GBR_E_W",
    "KOS": "XKX",
}

#: Codes that are not ISO 3166-1 alpha-3 countries.
SPECIAL_AREAS: dict[str, Area] = {
    "GBR_E_W": Area("GBR_E_W", "GBR", "subnational", "United Kingdom (England and Wales)"),
    "GBR_S": Area("GBR_S", "GBR", "subnational", "United Kingdom (Scotland)"),
    "GBR_NI": Area("GBR_NI", "GBR", "subnational", "United Kingdom (Northern Ireland)"),
    "IRQ_C": Area("IRQ_C", "IRQ", "subnational", "Iraq (Central Iraq)"),
    "XKX": Area("XKX", "XKX", "territory", "Kosovo under UNSCR 1244"),
}


def canonical_area(code: str) -> Area:
    """Map a published area code (any vintage) to its canonical :class:`Area`."""
    raw = code.strip().upper()
    canonical = CODE_ALIASES.get(raw, raw)
    if canonical in SPECIAL_AREAS:
        return SPECIAL_AREAS[canonical]
    return Area(canonical, canonical, "country", canonical)


def alias_table() -> list[tuple[str, str, str, str]]:
    """Rows (published_code, canonical_code, country_iso3, area_type) for the reference table."""
    rows = [(alias, canon, SPECIAL_AREAS[canon].country_iso3, SPECIAL_AREAS[canon].area_type)
            for alias, canon in CODE_ALIASES.items()]
    rows += [(a.code, a.code, a.country_iso3, a.area_type) for a in SPECIAL_AREAS.values()]
    return sorted(rows)
