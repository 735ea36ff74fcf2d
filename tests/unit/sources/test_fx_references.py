"""Readers of the exchange-rate references to 2025 (real/PROVENANCE_REFERENCE_2025.md): the ECB's zip of daily
rates per euro, the Fed's H.10 monthly rates, the transcribed WDI release, grades from sidecars, and a WDI release
without its Metadata_Country file."""

import io
import zipfile
from pathlib import Path

import polars as pl
import pytest

from pipelines.catalog import InputFile, select_files
from pipelines.errors import InputError
from pipelines.harmonise.currency import ecb_annual, fed_annual
from pipelines.schema import grade_from_sidecar
from pipelines.sources import ecb_eurofxref, fred_fx_monthly, get, worldbank_wdi
from tests.conftest import BUNDLED

REF = "reference"


def test_the_ecb_zip_is_read_as_shipped_and_gives_the_provenance_cross_rates(real: Path) -> None:
    zipped = real / REF / "ecb_eurofxref" / "eurofxref-hist.zip"
    daily = ecb_eurofxref.read(zipped, zipped.name, "2026-04-13", {"source_grade": "publisher_file"})
    assert daily["date"].min().isoformat() == "1999-01-04" and daily["date"].max().isoformat() == "2026-04-13"
    assert "NGN" not in daily["currency_code"].to_list()  # the ECB publishes no naira
    annual = {(c, y): v for c, y, v, _ in ecb_annual(daily).iter_rows()}
    # PROVENANCE_REFERENCE_2025.md §0a (COMPUTED there independently): GBP and PHP per USD, 2024 / 2025.
    assert annual[("GBP", 2024)] == pytest.approx(0.782333, abs=5e-7)
    assert annual[("GBP", 2025)] == pytest.approx(0.759185, abs=5e-7)
    assert annual[("PHP", 2024)] == pytest.approx(57.298662, abs=5e-7)
    assert annual[("EUR", 2024)] == pytest.approx(0.924128, abs=5e-7)
    assert ("GBP", 2026) not in annual  # the file ends on 13 April 2026: not a complete year
    # The bundled extract (from 2018, 15 columns) gives the same annual means as the zip.
    extract = next((BUNDLED / REF / "ecb_eurofxref").glob("*/*.csv"))
    small = {(c, y): v for c, y, v, _ in ecb_annual(ecb_eurofxref.read(extract, extract.name, "r", {})).iter_rows()}
    assert small[("GBP", 2024)] == annual[("GBP", 2024)] and small[("PHP", 2025)] == annual[("PHP", 2025)]


def _zip(tmp_path: Path, members: dict[str, str]) -> Path:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in members.items():
            z.writestr(name, text)
    path = tmp_path / "eurofxref-hist.zip"
    path.write_bytes(buf.getvalue())
    return path


ECB_TEXT = ("Date,USD,GBP,CYP,\n"
            "2024-12-31,1.0389,0.82918,N/A,\n"
            "2024-01-02,1.0956,0.86790,N/A,\n"
            "2024-01-03,1.0919,N/A,N/A,\n")


def test_ecb_n_a_is_no_rate_and_a_currency_missing_a_fixing_day_gets_no_annual_mean(tmp_path: Path) -> None:
    daily = ecb_eurofxref.read(_zip(tmp_path, {"eurofxref-hist.csv": ECB_TEXT}), "eurofxref-hist.zip", "r", {})
    assert set(daily["currency_code"]) == {"USD", "GBP"}  # CYP is N/A on every day: no row, never 0
    assert daily.filter(pl.col("currency_code") == "GBP").height == 2
    annual = ecb_annual(daily)
    # GBP has no fixing on 3 January: not averaged over fewer days than USD has.
    assert annual["currency_code"].to_list() == ["EUR"]
    assert annual["ecb_lcu_per_usd"][0] == pytest.approx((1 / 1.0389 + 1 / 1.0956 + 1 / 1.0919) / 3)


def test_an_ecb_zip_with_two_members_or_a_value_that_is_not_a_rate_is_refused(tmp_path: Path) -> None:
    path = _zip(tmp_path, {"eurofxref-hist.csv": ECB_TEXT, "other.csv": ECB_TEXT})
    with pytest.raises(InputError, match="one CSV member"):
        ecb_eurofxref.read(path, path.name, "r", {})
    bad = tmp_path / "rates.csv"
    bad.write_text("Date,USD,GBP,\n2024-12-31,1.0389,0,\n")
    with pytest.raises(InputError, match=r"row 2, column 'GBP': expected a rate above 0 or N/A"):
        ecb_eurofxref.read(bad, bad.name, "r", {})


def test_fed_monthly_full_file_reads_and_the_uk_mean_matches_the_provenance(real: Path) -> None:
    path = real / REF / "fred_exchange_rates_monthly" / "monthly.csv"
    monthly = fred_fx_monthly.read(path, path.name, "20192ad", {"source_grade": "transcribed"})
    assert "Germany" not in monthly["fred_series"].to_list()  # pre-euro legacy series are dropped on purpose
    wdi = pl.DataFrame({"currency_code": ["GBP"], "year": [2024], "lcu_per_usd": [0.782414580986262]},
                       schema_overrides={"year": pl.Int32})
    fed = {(c, y): (v, b) for c, y, v, b in fed_annual(None, monthly, wdi).iter_rows()}
    assert fed[("GBP", 2024)][0] == pytest.approx(0.782575, abs=5e-7)  # §0a: mean of the 12 monthly values
    assert fed[("GBP", 2025)][0] == pytest.approx(0.759067, abs=5e-7)
    assert fed[("GBP", 2024)][1] == "H.10 mean of 12 monthly averages, FRED series United Kingdom"
    assert ("GBP", 2026) not in fed  # January to June 2026 only: fewer than 12 months are not averaged


def test_fed_monthly_refuses_an_unknown_series_and_a_date_that_is_not_a_month(tmp_path: Path) -> None:
    path = tmp_path / "monthly.csv"
    path.write_text("Date,Country,Exchange rate\n2024-01-01,Atlantis,1.5\n")
    with pytest.raises(InputError, match=r"row 2, column 'Country'.*found 'Atlantis'"):
        fred_fx_monthly.read(path, path.name, "r", {})
    path.write_text("Date,Country,Exchange rate\n2024-01-15,United Kingdom,0.79\n")
    with pytest.raises(InputError, match="the first day of a month"):
        fred_fx_monthly.read(path, path.name, "r", {})


def test_the_transcribed_wdi_release_reads_with_its_grade_and_its_2025_column() -> None:
    path = next((BUNDLED / REF / "worldbank_wdi_transcribed").glob("*/*.csv"))
    import yaml

    sidecar = yaml.safe_load(path.with_name(path.name + ".source.yml").read_text())
    layout, values = worldbank_wdi.read(path, path.name, "2026-07-13", sidecar)
    assert layout == "values" and set(values["source_grade"]) == {"transcribed"}
    assert values["last_updated"][0].isoformat() == "2026-07-13"
    row = values.filter(pl.col("country_code") == "NGA", pl.col("year") == 2025)
    assert row["value"][0] == pytest.approx(1518.38094813368)
    # The renamed rows of this release (Nauru -> Naoero) keep their codes.
    assert values.filter(pl.col("country_code") == "NRU")["country_name"][0] == "Naoero"
    assert "FCS" not in values["country_code"].to_list()  # the aggregate dropped in this release


def test_a_grade_comes_from_the_sidecar_and_an_unstated_one_is_unverified() -> None:
    assert grade_from_sidecar({"source_grade": "publisher_file"}, "x.csv") == "publisher_file"
    assert grade_from_sidecar({}, "x.csv") == grade_from_sidecar(None, "x.csv") == "unverified"
    with pytest.raises(InputError, match=r"x.csv.source.yml, column 'source_grade'.*found 'official'"):
        grade_from_sidecar({"source_grade": "official"}, "x.csv")


def _files(release: str, *names: str) -> list[InputFile]:
    return [InputFile(kind=REF, source_id="worldbank_wdi", release=release,
                      path=Path("/data") / REF / "worldbank_wdi" / release / n,
                      relpath=f"{REF}/worldbank_wdi/{release}/{n}", sha256=n, size_bytes=1) for n in names]


def test_the_new_wdi_release_without_metadata_country_is_refused_naming_the_release_that_has_it() -> None:
    # The 2025-07-01 rates and 2026-04-08 population came without a Metadata_Country file.
    bare = _files("2026-04-08", "API_PA.NUS.FCRF_DS2_en_csv_v2_22859.csv", "API_SP.POP.TOTL_DS2_en_csv_v2_282912.csv")
    older = _files("2025-10-07", "WDI_Metadata_Country.csv", "WDI_PA.NUS.FCRF_2000-latest.csv",
                   "WDI_SP.POP.TOTL_2000-latest.csv")
    with pytest.raises(InputError) as err:
        select_files(get("worldbank_wdi"), older + bare)
    assert "none for country metadata (Metadata_Country)'; release 2025-10-07 has it: copy" in str(err.value)


def test_the_bundled_newest_wdi_release_carries_the_older_metadata_and_says_so() -> None:
    import yaml

    folder = BUNDLED / REF / "worldbank_wdi" / "2026-04-08"
    side = yaml.safe_load((folder / "WDI_Metadata_Country.csv.source.yml").read_text())
    assert side["original"]["file"].endswith("Metadata_Country_API_SP.POP.TOTL_DS2_en_csv_v2_246068.csv")
    assert "Taken from the older release (2025-10-07" in side["notes"]
    assert (folder / "WDI_Metadata_Country.csv").read_bytes() == (
        BUNDLED / REF / "worldbank_wdi" / "2025-10-07" / "WDI_Metadata_Country.csv").read_bytes()
    fx = yaml.safe_load((folder / "WDI_PA.NUS.FCRF_2000-latest.csv.source.yml").read_text())
    assert (fx["source_grade"], fx["release_date"]) == ("publisher_file", "2025-07-01")
