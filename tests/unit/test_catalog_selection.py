"""Which input files a build reads: every source release, the newest complete reference release."""

from pathlib import Path

import pytest

from pipelines.catalog import (
    InputFile,
    newest_release,
    select_files,
    set_aside,
)
from pipelines.errors import InputError
from pipelines.sources import get

WDI = get("worldbank_wdi")
FRED = get("fred_fx")
UNODC = get("unodc_cts")


def f(kind: str, source_id: str, release: str, name: str, sha: str = "", **sidecar) -> InputFile:
    rel = f"{kind}/{source_id}/{release}/{name}"
    return InputFile(kind=kind, source_id=source_id, release=release, path=Path("/data") / rel, relpath=rel,
                     sha256=sha or rel, size_bytes=1, sidecar=sidecar)


def wdi(release: str, *names: str) -> list[InputFile]:
    return [f("reference", "worldbank_wdi", release, n) for n in names]


BUNDLED_WDI = ("WDI_Metadata_Country.csv", "WDI_PA.NUS.FCRF_2000-latest.csv", "WDI_SP.POP.TOTL_2000-latest.csv")
BULK_WDI = ("API_SP.POP.TOTL_DS2_en_csv_v2_246068.csv", "Metadata_Country_API_SP.POP.TOTL_DS2_en_csv_v2_246068.csv",
            "API_PA.NUS.FCRF_DS2_en_csv_v2_13510.csv")


def test_a_complete_newer_reference_release_replaces_the_older_one() -> None:
    files = wdi("2025-10-07", *BUNDLED_WDI) + wdi("2026-07-01", *BULK_WDI)
    assert [x.name for x in select_files(WDI, files)] == list(BULK_WDI)


def test_an_incomplete_newest_reference_release_is_an_error_naming_what_is_missing() -> None:
    # A refreshed population file alone would otherwise silently drop every exchange rate.
    files = wdi("2025-10-07", *BUNDLED_WDI) + wdi("2026-07-01", BULK_WDI[0], BULK_WDI[1])
    with pytest.raises(InputError) as err:
        select_files(WDI, files)
    msg = str(err.value)
    assert msg.startswith("reference/worldbank_wdi/2026-07-01/: expected a complete release of worldbank_wdi")
    assert "none for the official exchange rate (PA.NUS.FCRF)'; release 2025-10-07 has it: copy" in msg


def test_a_population_file_is_not_taken_for_the_country_metadata_of_the_same_indicator() -> None:
    with pytest.raises(InputError, match=r"none for country metadata"):
        select_files(WDI, wdi("2026-07-01", BULK_WDI[0], BULK_WDI[2]))


def test_releases_named_by_git_hash_are_ordered_by_their_sidecar_dates() -> None:
    old = f("reference", "fred_fx", "fa7d949", "annual.csv", retrieved="2026-11-22")
    new = f("reference", "fred_fx", "1b2c3d4", "annual.csv", release_date="2026-12-01")
    assert newest_release(FRED, [old, new]) == "1b2c3d4"  # "fa7d949" sorts last as text
    assert select_files(FRED, [old]) == [old]  # one release needs no date


def test_releases_that_cannot_be_dated_or_tie_are_an_error() -> None:
    with pytest.raises(InputError, match=r"reference/fred_fx/1b2c3d4/: expected a release that can be dated"):
        newest_release(FRED, [f("reference", "fred_fx", "2025-01-01", "a.csv"),
                              f("reference", "fred_fx", "1b2c3d4", "a.csv")])
    with pytest.raises(InputError, match=r"2 releases dated 2025-01-01: 2025-01-01, abc"):
        newest_release(FRED, [f("reference", "fred_fx", "2025-01-01", "a.csv"),
                              f("reference", "fred_fx", "abc", "a.csv", release_date="2025-01-01")])


def test_an_extract_is_set_aside_when_its_original_is_loaded_too() -> None:
    extract = f("sources", "unodc_cts", "2024-05-16", "data_cts_corruption_and_economic_crime_cyber.csv",
                original={"sha256": "full-export-hash"})
    full = f("sources", "unodc_cts", "2024-05-16", "data_cts_corruption_and_economic_crime.xlsx",
             sha="full-export-hash")
    other = f("sources", "unodc_cts", "2022-06-06", "data_cts_violent_and_sexual_crime_cyber.csv",
              original={"sha256": "an-export-not-here"})
    assert select_files(UNODC, [extract, full, other]) == [full, other]
    [(aside, reason)] = set_aside([extract, full, other])
    assert aside == extract and reason == (
        "an extract of sources/unodc_cts/2024-05-16/data_cts_corruption_and_economic_crime.xlsx, "
        "which is loaded instead")
