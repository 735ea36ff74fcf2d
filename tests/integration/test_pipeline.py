"""The whole graph materialised into tmp_path, the way `make run` does it."""

import json
from pathlib import Path

import duckdb
import pytest

from pipelines.cli import main
from tests.integration.helpers import run_cli, site, warehouse


@pytest.fixture(scope="module")
def published(golden) -> Path:
    return golden.data


def q(data: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(warehouse(data)), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def test_layers_and_marts_are_published(published: Path) -> None:
    schemas = {r[0] for r in q(published, "SELECT DISTINCT schema_name FROM duckdb_tables()")}
    assert {"raw", "staging", "intermediate", "marts", "meta"} <= schemas
    marts = {r[0] for r in q(published, "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts'")}
    assert {"losses_by_country_year", "offences_by_country_year", "regional_losses"} <= marts


def test_every_mart_column_is_documented(published: Path) -> None:
    undocumented = q(published, "SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'marts' "
                                "AND (comment IS NULL OR comment = '')")
    assert undocumented == []
    assert q(published, "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'marts' AND comment IS NULL") \
        == [(0,)]


def test_rows_loaded_equal_rows_in_each_bundled_file(published: Path) -> None:
    rows = dict(q(published, "SELECT source_file, count(DISTINCT source_row) FROM staging.observations GROUP BY 1"))
    extracts = {p.relative_to(published).as_posix(): p for p in (published / "sources").rglob("*.*")
                if p.suffix in (".csv", ".tsv")}
    assert any(rel.endswith("estat_crim_off_cat.tsv") for rel in extracts)
    import yaml

    for rel, path in extracts.items():
        side = yaml.safe_load(path.with_name(path.name + ".source.yml").read_text())
        assert rows[rel] == side["extract"]["rows"], rel


def test_ic3_2024_headline_is_reproduced(published: Path) -> None:
    got = q(published, "SELECT loss_usd_nominal, is_preferred FROM marts.losses_by_country_year "
                       "WHERE country_iso3 = 'USA' AND year = 2024 AND series = 'ic3_annual_total'")
    assert got == [(16_600_000_000.0, True)]
    complaints = q(published, "SELECT value FROM staging.observations WHERE source_id = 'fbi_ic3' AND year = 2024 "
                              "AND measure = 'complaints' AND category = 'All complaints (report total)'")
    assert complaints == [(859_532.0,)]


def test_germany_2021_acts_against_computer_systems_from_eurostat_beside_unodc(published: Path) -> None:
    """Done-when of issue 12: the Eurostat ICCS0903 count, its source row, and the UNODC comparison."""
    ((value, file, row, sha),) = q(published, (
        "SELECT value, source_file, source_row, source_sha256 FROM staging.observations "
        "WHERE source_id = 'eurostat_crim_off_cat' AND area_code = 'DEU' AND year = 2021 AND category = 'ICCS0903' "
        "AND unit = 'count'"))
    assert (value, row) == (19_704.0, 281)
    line = (published / file).read_text(encoding="utf-8").splitlines()[row - 1]
    assert line.startswith("A,ICCS0903,NR,DE\t") and line.split("\t")[-2] == "19704 "  # 2021 column, trailing space
    import hashlib

    assert sha == hashlib.sha256((published / file).read_bytes()).hexdigest()
    ((basis, primary, eurostat, unodc, diff, share, ref, unodc_refs),) = q(published, (
        "SELECT comparison_basis, primary_source_id, eurostat_offences_count, unodc_offences_count, difference_count, "
        "difference_share, eurostat_count_source, unodc_source_rows FROM marts.offences_eurostat_unodc_comparison "
        "WHERE area_code = 'DEU' AND year = 2021 AND eurostat_category = 'ICCS0903'"))
    assert (basis, primary, eurostat, ref) == ("sum_of_unodc_parts", "eurostat_crim_off_cat", 19_704.0, f"{file}#{row}")
    assert (unodc, diff, round(share, 4)) == (18_485.0, 1_219.0, 0.0659)
    # The UNODC side traces to its three source rows (09031 13,251 + 09032 5,053 + 09033 181).
    parts = [q(published, "SELECT category, value FROM staging.observations WHERE source_id = 'unodc_cts' "
                          "AND unit = 'count' AND source_file = ? AND source_row = ?", ref.rsplit("#", 1))[0]
             for ref in unodc_refs.split(" | ")]
    assert sorted(v for _, v in parts) == [181.0, 5_053.0, 13_251.0]
    # Fraud: the same ICCS code, UNODC's figure published, Eurostat's shown beside it.
    assert q(published, "SELECT comparison_basis, primary_source_id, eurostat_offences_count, unodc_offences_count "
                        "FROM marts.offences_eurostat_unodc_comparison WHERE area_code = 'DEU' AND year = 2021 "
                        "AND eurostat_category = 'ICCS0701'") == [("same_iccs_code", "unodc_cts", 793_622.0, 793_622.0)]
    assert q(published, "SELECT licence FROM marts.source_files WHERE source_id = 'eurostat_crim_off_cat'") == [
        ("CC BY 4.0 (Eurostat reuse policy; believed, the licence text was not checked here)",)]


def test_eurostat_figures_are_never_added_to_unodc_figures(published: Path) -> None:
    """Jointly collected figures: Eurostat rows enter no offence mart, regional sum or Convention view."""
    for sql in ("SELECT count(*) FROM marts.offences_by_country_year WHERE source_id LIKE '%eurostat%'",
                "SELECT count(*) FROM marts.offences_by_convention_article WHERE source_id LIKE '%eurostat%'",
                "SELECT count(*) FROM marts.convention_ict_split_by_region WHERE source_id LIKE '%eurostat%'",
                "SELECT count(*) FROM marts.values_not_published WHERE source_id LIKE '%eurostat%'",
                "SELECT count(*) FROM marts.trend_points WHERE series_family LIKE '%eurostat%'"):
        assert q(published, sql) == [(0,)], sql
    # Germany 2021 fraud is UNODC's 793,622 once (Eurostat publishes the same 793,622), not twice.
    assert q(published, "SELECT offences_count FROM marts.offences_by_country_year WHERE area_code = 'DEU' "
                        "AND year = 2021 AND category = 'Fraud' AND sex = 'Total' AND age = 'Total'") == [(793_622.0,)]
    # Europe's 2021 fraud sum is the sum of the UNODC country figures it names, nothing more.
    ((total, countries),) = q(published, "SELECT offences_count, areas_summed FROM marts.regional_offences "
                                         "WHERE region_code = '150' AND year = 2021 AND category = 'Fraud'")
    ((unodc_sum,),) = q(published, "SELECT sum(offences_count) FROM marts.offences_by_country_year WHERE year = 2021 "
                                   "AND category = 'Fraud' AND sex = 'Total' AND age = 'Total' "
                                   "AND list_contains(string_split(?, ', '), area_code)", [countries])
    assert total == unodc_sum


def test_one_preferred_figure_per_country_year(published: Path) -> None:
    assert q(published, "SELECT country_iso3, year FROM marts.losses_by_country_year WHERE is_preferred "
                        "GROUP BY 1, 2 HAVING count(*) > 1") == []


def test_fiscal_year_figure_is_converted_with_a_month_weighted_rate(published: Path) -> None:
    row = q(published, "SELECT fx_lcu_per_usd, period_start, period_end FROM marts.losses_by_country_year "
                       "WHERE country_iso3 = 'AUS' AND series = 'asd_acsc'")[0]
    fx = dict(q(published, "SELECT year, lcu_per_usd FROM intermediate.int_fx_rates_by_currency_year "
                           "WHERE currency_code = 'AUD' AND year IN (2020, 2021)"))
    assert row[0] == pytest.approx((fx[2020] + fx[2021]) / 2)


def test_offence_rates_come_with_both_published_and_own_rate(published: Path) -> None:
    rows = q(published, "SELECT offences_count, offences_per_100k_population_unodc, "
                        "offences_per_100k_population_wb FROM marts.offences_by_country_year "
                        "WHERE area_code = 'DEU' AND category = 'Fraud: Cyber-related (Cy)' AND year = 2020")
    count, published_rate, own = rows[0]
    assert count > 0 and published_rate == pytest.approx(own, rel=0.05)


def test_site_is_written_offline(published: Path) -> None:
    index = (site(published) / "index.html").read_text(encoding="utf-8")
    assert "assets/plotly.min.js" in index
    assert "https://cdn" not in index and "http://" not in index.replace("http://www.w3.org", "")
    assert (site(published) / "assets" / "plotly.min.js").stat().st_size > 1_000_000
    info = json.loads((site(published) / "build-info.json").read_text())
    assert info["fingerprint"] == q(published, "SELECT fingerprint FROM meta.publication")[0][0]


def test_rerun_with_unchanged_inputs_changes_nothing(published_copy) -> None:
    data = published_copy.data  # published with --single-file, which is part of what a publication is
    wh, index = warehouse(data), site(data) / "index.html"
    before = (wh.read_bytes(), wh.stat().st_mtime_ns, index.read_bytes(), index.stat().st_mtime_ns)
    assert run_cli(data, "--single-file") == 0
    assert (wh.read_bytes(), wh.stat().st_mtime_ns, index.read_bytes(), index.stat().st_mtime_ns) == before
    # Forced: everything is rebuilt, but the fingerprint is the same and nothing is replaced either.
    assert run_cli(data, "--single-file", "--force") == 0
    assert (wh.read_bytes(), wh.stat().st_mtime_ns) == before[:2]


def test_query_and_sources_commands(published: Path, capsys: pytest.CaptureFixture) -> None:
    wh = str(warehouse(published))
    assert main(["query", "select * from marts.losses_by_country_year limit 5", "--warehouse", wh]) == 0
    out = capsys.readouterr().out
    assert "country_iso3" in out and "(5 rows)" in out
    assert main(["query", "select country_iso3, year from marts.losses_by_country_year limit 2", "--warehouse", wh,
                 "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 2
    assert main(["sources", "--warehouse", wh]) == 0
    out = capsys.readouterr().out
    assert "unodc_cts" in out and "national_headline_figures.csv" in out


@pytest.mark.parametrize("sql", [
    "CREATE TABLE marts.x AS SELECT 1",
    "DELETE FROM marts.regional_losses",
    "COPY (SELECT 1) TO '/tmp/cyberstats-escape.csv'",
    "SELECT * FROM read_csv('/etc/passwd')",
    "ATTACH '/tmp/other.duckdb' AS o",
    "SET enable_external_access = true",
])
def test_query_path_is_read_only(published: Path, sql: str, capsys: pytest.CaptureFixture) -> None:
    before = warehouse(published).read_bytes()
    assert main(["query", sql, "--warehouse", str(warehouse(published))]) == 1
    assert "query failed" in capsys.readouterr().err
    assert warehouse(published).read_bytes() == before
    assert not Path("/tmp/cyberstats-escape.csv").exists()


def test_csv_output_neutralises_formulas(published: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["query", "select '=HYPERLINK(1)' as a, '+1' as b, 'ok' as c", "--warehouse",
                 str(warehouse(published)), "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == "'=HYPERLINK(1),'+1,ok"


def test_the_derived_2026_07_unodc_vintage_shows_as_revisions_not_replacements(published: Path) -> None:
    """Issue 12: UNODC CTS 2026-07, known only from a third party's derived table (latest year per place, rates
    rounded), is compared and listed, never published: every comparable count equals the 2024 release, 59 rates
    differ beyond rounding (the provenance's own count), 422 values for 2023-2024 and 4 earlier ones are new."""
    with duckdb.connect(str(warehouse(published)), read_only=True) as con:
        revised = con.execute("SELECT unit, count(*) FROM marts.revisions WHERE revision_kind = 'source_release' "
                              "AND new_release = '2026-07_derived' GROUP BY unit").fetchall()
        syr = con.execute("SELECT old_release, old_value, new_value FROM marts.revisions "
                          "WHERE new_release = '2026-07_derived' AND area_code = 'SYR' AND year = 2018").fetchall()
        only = con.execute("SELECT count(*), count(*) FILTER (WHERE year >= 2023), min(flags) FROM "
                           "marts.values_not_published WHERE reason = 'derived_only'").fetchone()
        published_rows = sum(con.execute(f"SELECT count(*) FROM marts.{t} WHERE {c} LIKE '%2026-07%'")  # noqa: S608
                             .fetchone()[0]
                             for t, c in (("offences_by_country_year", "count_source_file"),
                                          ("offences_by_country_year", "rate_source_file"),
                                          ("regional_offences", "releases"), ("trend_points", "source_file"),
                                          ("rate_reconciliation", "release")))
    assert revised == [("rate_per_100k_population", 59)]
    assert syr == [("2024-05-16", 3.64135488815428, 3.6)]  # 3.60 to two decimals: not a rounding of 3.641
    assert only == (426, 422, "")
    assert published_rows == 0
