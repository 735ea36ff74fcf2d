"""Issue 4 marts through a whole run into tmp_path: published figures reproduced, contracts held."""

import csv
import json
from pathlib import Path

import duckdb
import pytest

from pipelines.cli import main
from pipelines.indicators.rates import MAX_SHARE_OUTSIDE_TOLERANCE, RATE_TOLERANCE
from tests.conftest import copy_bundled
from tests.integration.helpers import run_cli, warehouse


@pytest.fixture(scope="module")
def published(golden) -> Path:
    data = golden.data
    return data


def q(data: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(warehouse(data)), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def one(data: Path, sql: str, params: list | None = None):
    rows = q(data, sql, params)
    assert len(rows) == 1, rows
    return rows[0]


def test_new_marts_are_published_and_documented(published: Path) -> None:
    marts = {r[0] for r in q(published, "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts'")}
    assert {"regional_offences", "rate_reconciliation", "rate_reconciliation_summary", "trends", "trend_points",
            "regional_losses_published"} <= marts
    rate_columns = [r[0] for r in q(published, "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'marts' "
                                               "AND (column_name LIKE '%per_100k%' OR "
                                               "column_name LIKE '%per_capita%')")]
    assert rate_columns and all(c.endswith(("_wb", "_unodc", "_eurostat", "_wb_reporting", "_wb_low", "_wb_high"))
                                for c in rate_columns), rate_columns


def test_ic3_2024_losses_and_complaints_through_the_marts(published: Path, capsys: pytest.CaptureFixture) -> None:
    assert one(published, "SELECT loss_usd_nominal FROM marts.losses_by_country_year WHERE country_iso3 = 'USA' "
                          "AND year = 2024 AND is_preferred") == (16_600_000_000.0,)
    assert one(published, "SELECT value FROM marts.trend_points WHERE series_family = 'ic3_total_complaints' "
                          "AND year = 2024") == (859_532.0,)
    assert one(published, "SELECT value FROM marts.trend_points WHERE series_id = "
                          "'country_loss_lcu|USA|ic3_annual_total' AND year = 2024") == (16_600_000_000.0,)
    sql = ("SELECT round(loss_usd_nominal / 1e9, 1) AS bn FROM marts.losses_by_country_year "
           "WHERE country_iso3 = 'USA' AND year = 2024 AND is_preferred")
    assert main(["query", sql, "--warehouse", str(warehouse(published)), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"bn": 16.6}]


def test_loss_per_capita_uses_world_bank_population(published: Path) -> None:
    per, loss, pop = one(published, "SELECT loss_usd_nominal_per_capita_wb, loss_usd_nominal, population_wb "
                                    "FROM marts.losses_by_country_year WHERE country_iso3 = 'USA' AND year = 2024 "
                                    "AND is_preferred")
    wb = one(published, "SELECT population FROM intermediate.int_population_by_country_year "
                        "WHERE country_iso3 = 'USA' AND year = 2024")[0]
    assert pop == wb and per == pytest.approx(loss / wb) and 40 < per < 60


def test_uk_year_ending_march_figure_uses_nine_and_three_months(published: Path) -> None:
    fx, start, end = one(published, "SELECT fx_lcu_per_usd, period_start, period_end FROM marts.losses_by_country_year "
                                    "WHERE country_iso3 = 'GBR' AND series = 'nca'")
    assert (start.isoformat(), end.isoformat()) == ("2021-04-01", "2022-03-31")
    rates = dict(q(published, "SELECT year, lcu_per_usd FROM intermediate.int_fx_rates_by_currency_year "
                              "WHERE currency_code = 'GBP' AND year IN (2021, 2022)"))
    assert fx == pytest.approx((9 * rates[2021] + 3 * rates[2022]) / 12)


def test_published_regional_range_stays_a_range(published: Path) -> None:
    row = one(published, "SELECT loss_lcu, loss_lcu_low, loss_lcu_high, loss_usd_nominal, loss_usd_nominal_low, "
                         "loss_usd_nominal_high, loss_usd_constant, value_type FROM marts.regional_losses_published "
                         "WHERE area_name = 'East and Southeast Asia'")
    assert row[:7] == (None, 18e9, 37e9, None, 18e9, 37e9, None) and row[7] == "estimate"
    # never part of our regional sums
    assert one(published, "SELECT count(*) FROM marts.regional_losses "
                          "WHERE reporting_countries LIKE '%REGION%'") == (0,)


def test_unodc_published_rates_reproduced_within_the_tolerance(published: Path) -> None:
    with duckdb.connect(str(warehouse(published)), read_only=True) as con:
        [s] = con.execute("SELECT * FROM marts.rate_reconciliation_summary "
                          "WHERE scope = 'all releases'").pl().to_dicts()
    assert s["compared_rows"] > 5_000 and s["passes"]
    assert 0.001 < s["abs_relative_difference_p50"] < 0.01  # measured 0.61% (0.58% with the 2025-10-07 population)
    assert s["abs_relative_difference_p95"] < RATE_TOLERANCE  # measured 6.3%
    assert s["share_outside_tolerance"] < MAX_SHARE_OUTSIDE_TOLERANCE  # measured 3.3%: WDI 2026-04-08 revised ALB
    assert abs(s["relative_difference_median"]) < 0.005
    ours, theirs, status = one(published, "SELECT rate_per_100k_population_wb, rate_per_100k_population_unodc, status "
                                          "FROM marts.rate_reconciliation WHERE area_code = 'DEU' AND year = 2020 "
                                          "AND category = 'Fraud: Cyber-related (Cy)' AND is_latest_release")
    assert status == "compared" and ours == pytest.approx(theirs, rel=0.02)
    sub = q(published, "SELECT DISTINCT status, rate_per_100k_population_wb FROM marts.rate_reconciliation "
                       "WHERE area_code IN ('GBR_E_W', 'GBR_S', 'GBR_NI', 'IRQ_C')")
    assert sub == [("subnational_no_wb_population", None)]


def test_ncrb_all_india_totals_from_state_rows(published: Path, facts: Path) -> None:
    rows = q(published, "SELECT dataset, category, year, count_sum_of_parts, count_published_total, "
                        "matches_published, subtotal_rows_not_summed FROM marts.national_totals_from_parts")
    with_total = [r for r in rows if r[4] is not None]
    assert len(with_total) == 30 and all(r[5] and r[6] == 2 for r in with_total)
    state_table = {r[2]: r[3] for r in rows if r[0] == "cyber_crimes_state_2016_2018"}
    assert state_table == {2016: 12_317, 2017: 21_796, 2018: 27_248}
    with (facts / "national_headline_figures.csv").open(encoding="utf-8") as fh:
        ncrb_2018 = [float(r["value"]) for r in csv.DictReader(fh) if r["country_iso3"] == "IND"
                     and r["year"] == "2018" and r["metric"] == "cases_recorded"]
    assert ncrb_2018 == [27_248.0]
    # In the incident-count mart the fraud types say what they are part of, so nobody adds them to it.
    parts = q(published, "SELECT category, part_of_category, count FROM marts.incident_counts_by_country_year "
                         "WHERE source_id = 'ncrb' AND year = 2022 ORDER BY category")
    assert [(c, p) for c, p, _ in parts] == [("A", "Total"), ("B", "Total"), ("C", "Total"), ("D", "Total"),
                                             ("E", "Total"), ("Total", "Total cyber crimes")]
    assert sum(n for c, _, n in parts if c != "Total") == dict((c, n) for c, _, n in parts)["Total"] == 17_470


def test_regional_levels_add_up_and_publishable_follows_the_rule(published: Path) -> None:
    for mart, value in (("regional_offences", "offences_count"), ("regional_losses", "loss_usd_nominal")):
        keys = "indicator, dimension, category, year" if mart == "regional_offences" else "year"
        bad = q(published, f"""
            WITH w AS (SELECT {keys}, {value} v FROM marts.{mart} WHERE region_level = 'world'),
                 r AS (SELECT {keys}, sum({value}) v FROM marts.{mart} WHERE region_level = 'region' GROUP BY ALL),
                 s AS (SELECT {keys}, sum({value}) v FROM marts.{mart} WHERE region_level = 'subregion' GROUP BY ALL)
            SELECT * FROM w JOIN r USING ({keys}) JOIN s USING ({keys})
            WHERE abs(w.v - r.v) > 1e-6 * w.v OR abs(r.v - s.v) > 1e-6 * w.v""")  # noqa: S608
        assert bad == [], mart
        assert q(published, f"SELECT count(*) FROM marts.{mart} WHERE is_publishable AND "  # noqa: S608
                            "NOT (population_coverage_share >= min_population_coverage)") == [(0,)]
    levels = dict(q(published, "SELECT region_level, count(*) FROM marts.regional_offences GROUP BY 1"))
    assert set(levels) == {"world", "region", "subregion"}
    rate, count, pop = one(published, "SELECT offences_per_100k_population_wb, offences_count, population_wb_reporting "
                                      "FROM marts.regional_offences WHERE region_code = '150' AND year = 2020 "
                                      "AND category = 'Fraud'")
    assert rate == pytest.approx(count / pop * 1e5)


def test_trends_split_at_breaks_and_report_insufficient_data(published: Path) -> None:
    phishing = q(published, "SELECT segment, first_year, last_year, break_before_segment FROM marts.trends "
                            "WHERE series_id = 'ic3_crime_type_count|USA|Phishing' ORDER BY segment")
    assert [(s, a, b) for s, a, b, _ in phishing] == [(1, 2015, 2022), (2, 2023, 2025)]
    assert "count basis" in phishing[1][3] and "Phishing/Spoofing" in phishing[1][3]
    accc = q(published, "SELECT segment, first_year, points, direction, cagr FROM marts.trends "
                        "WHERE series_id = 'country_loss_lcu|AUS|accc_combined' ORDER BY segment")
    assert accc[0] == (1, 2018, 1, "insufficient data", None) and accc[1][1] == 2019
    usa = one(published, "SELECT direction, mk_p_value, sen_slope_per_year, cagr, points FROM marts.trends "
                         "WHERE series_id = 'country_loss_lcu|USA|ic3_annual_total'")
    assert usa[0] == "increasing" and usa[1] < 0.01 and usa[2] > 0 and usa[4] == 8
    assert usa[3] == pytest.approx((20.877 / 2.7) ** (1 / 7) - 1)
    assert q(published, "SELECT count(*) FROM marts.trends WHERE (points < min_points) <> "
                        "(direction = 'insufficient data')") == [(0,)]
    yoy = one(published, "SELECT yoy_change, yoy_change_pct FROM marts.trend_points "
                         "WHERE series_id = 'country_loss_lcu|USA|ic3_annual_total' AND year = 2024")
    assert yoy[0] == pytest.approx(4.1e9) and yoy[1] == pytest.approx(16.6 / 12.5 - 1)


def test_a_rate_contract_breach_blocks_publication(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """Population in thousands instead of persons (a unit error) fails rates_match_published."""
    data = copy_bundled(tmp_path / "data")
    newest = max(p for p in (data / "reference" / "worldbank_wdi").iterdir() if p.is_dir())  # the release read
    pop = next(newest.glob("WDI_SP.POP.TOTL_*.csv"))
    lines = pop.read_text(encoding="utf-8").splitlines(keepends=True)
    out = []
    for line in lines:
        cells = next(csv.reader([line]))
        if len(cells) > 4 and cells[3] == "SP.POP.TOTL":
            cells = cells[:4] + [str(float(c) / 1000) if c else c for c in cells[4:]]
            line = ",".join(f'"{c}"' for c in cells) + "\n"
        out.append(line)
    pop.write_text("".join(out), encoding="utf-8")
    assert run_cli(data) == 1
    err = capsys.readouterr().err
    assert "rate_reconciliation:rates_match_published" in err and "outside 10%" in err
    assert "losses_by_country_year:" not in err  # nothing else broke
    assert not warehouse(data).exists()


# --- exchange rates to 2025 (issue 12 item 6) -------------------------------------------------------------

#: The 2024 rates of the WDI release of 2025-07-01 (API_PA.NUS.FCRF_DS2_en_csv_v2_22859.csv, the issuer rows),
#: read from the file itself: every preferred 2024 figure of the world sum is converted at one of them.
WDI_2024 = {"GBP": 0.782414580986262, "PHP": 57.2906550699734, "NGN": 1478.96519740023, "AUD": 1.51535803855596,
            "CAD": 1.36935976604092, "HKD": 7.80383333333334, "INR": 83.669281580941, "JPY": 151.366291302752,
            "KRW": 1363.375, "MYR": 4.5764279106858, "SGD": 1.33623333333333}


def test_gbp_php_and_ngn_convert_at_the_byte_copied_world_bank_rates(published: Path) -> None:
    rows = {(c, y): (fx, src, grade, usd_, note) for c, y, fx, src, grade, usd_, note in q(
        published, "SELECT country_iso3, year, fx_lcu_per_usd, fx_source, fx_source_grade, loss_usd_nominal, "
                   "conversion_note FROM marts.losses_by_country_year WHERE is_preferred AND "
                   "country_iso3 IN ('GBR', 'PHL', 'NGA') AND year IN (2023, 2024)")}
    assert rows[("GBR", 2024)][:3] == (WDI_2024["GBP"], "World Bank WDI", "publisher_file")
    assert rows[("GBR", 2024)][3] == pytest.approx(1_170_000_000 / WDI_2024["GBP"])
    assert rows[("PHL", 2024)][1:3] == ("World Bank WDI", "publisher_file")
    assert rows[("PHL", 2024)][0] == pytest.approx(WDI_2024["PHP"], rel=1e-12)  # a month-weighted mean of one year
    assert rows[("NGA", 2024)][0] == WDI_2024["NGN"]
    assert rows[("NGA", 2023)][0] == 645.194067883201  # empty in the 2025-03-24 release, filled in 2025-07-01's
    assert all(r[4] is None for r in rows.values())
    # Only Viet Nam 2025 is left unconverted: shown in its own currency, with the reason.
    left = q(published, "SELECT country_iso3, year, currency_code, loss_lcu, conversion_note FROM "
                        "marts.losses_by_country_year WHERE loss_lcu IS NOT NULL AND loss_usd_nominal IS NULL")
    assert [(c, y, cur) for c, y, cur, _, _ in left] == [("VNM", 2025, "VND")]
    assert left[0][3] == 6e12 and left[0][4].startswith("no VND per USD rate for 2025; shown in VND")


def test_europe_2024_is_no_longer_blank_and_the_world_sum_adds_the_converted_figures(published: Path) -> None:
    europe = one(published, "SELECT loss_usd_nominal, reporting_countries, not_converted_countries "
                            "FROM marts.regional_losses WHERE region_level = 'region' AND region_code = '150' "
                            "AND year = 2024")
    assert europe[1:] == ("GBR", None) and europe[0] == pytest.approx(1_495_370_904.93)  # GBP 1.17bn / 0.78241
    world, countries, missing = one(published, "SELECT loss_usd_nominal, reporting_countries, "
                                                "not_converted_countries FROM marts.regional_losses "
                                                "WHERE region_level = 'world' AND year = 2024")
    assert missing is None
    assert countries == "AUS, CAN, GBR, HKG, IND, JPN, KOR, MYS, NGA, PHL, SGP, USA"
    # By hand: every preferred 2024 figure (calendar years) over its WDI 2024 rate; US dollars as they are.
    figures = q(published, "SELECT currency_code, loss_lcu FROM marts.losses_by_country_year "
                           "WHERE is_preferred AND year = 2024 AND country_iso3 <> 'VNM'")
    assert world == pytest.approx(sum(v / (1.0 if c == "USD" else WDI_2024[c]) for c, v in figures), rel=1e-12)
    assert world == pytest.approx(26_302_861_312.47)  # was 24,768,517,316.22 without GBR, NGA and PHL


def test_a_transcribed_rate_is_graded_noted_and_named_in_the_regional_sum(published: Path) -> None:
    idn = one(published, "SELECT fx_source, fx_source_grade, conversion_note, flag_notes FROM "
                         "marts.losses_by_country_year WHERE country_iso3 = 'IDN' AND year = 2025")
    assert idn[:2] == ("World Bank WDI; World Bank WDI (transcribed)", "transcribed")
    assert "IDR per USD rate for 2025 of source grade transcribed" in idn[2]
    assert "converted at an exchange rate of source grade transcribed" in idn[3]
    # The transcribed release never stands in for a year the byte-copied one covers.
    assert q(published, "SELECT count(*) FROM intermediate.int_fx_rates_by_currency_year "
                        "WHERE fx_source = 'World Bank WDI (transcribed)' AND year <= 2024") == [(0,)]
    lower = one(published, "SELECT lower_grade_rate_countries FROM marts.regional_losses "
                           "WHERE region_level = 'world' AND year = 2025")[0]
    assert lower == "CAN (CAD, transcribed), SGP (SGD, transcribed)"  # FRED H.10 via the datasets package
    assert q(published, "SELECT count(*) FROM marts.regional_losses WHERE year <= 2024 "
                        "AND lower_grade_rate_countries IS NOT NULL") == [(0,)]


def test_wdi_agrees_with_ecb_and_fed_within_the_stated_tolerance(published: Path) -> None:
    rows = {(c, y): r for c, y, *r in q(published, "SELECT currency_code, year, wdi_lcu_per_usd, ecb_lcu_per_usd, "
                                                    "fed_lcu_per_usd, max_abs_difference_share, within_tolerance "
                                                    "FROM marts.fx_rate_crosscheck")}
    gbp, php = rows[("GBP", 2024)], rows[("PHP", 2024)]
    # PROVENANCE_REFERENCE_2025.md §0a: ECB 0.782333 and Fed 0.782575 against WDI 0.782415; ECB PHP 57.298662.
    assert gbp[1] == pytest.approx(0.782333, abs=5e-7) and gbp[2] == pytest.approx(0.782575, abs=5e-7)
    assert php[1] == pytest.approx(57.298662, abs=5e-7) and php[2] is None
    assert ("NGN", 2024) not in rows  # no second source for the naira
    assert rows[("GBP", 2025)][0] == 0.759473957338608  # the transcribed release's 2025 rate, checked too
    assert all(r[4] for r in rows.values()) and max(r[3] for r in rows.values()) < 0.005
    result = q(published, "SELECT success FROM quality.validation_results WHERE expectation = "
                          "'rates_agree_with_ecb_and_fed' AND table_name = 'marts.fx_rate_crosscheck' "
                          "ORDER BY run_id DESC LIMIT 1")
    assert result == [(True,)]
def test_ic3_2025_is_published_with_its_virtual_asset_share(published: Path) -> None:
    assert one(published, "SELECT loss_lcu, source_id FROM marts.losses_by_country_year WHERE country_iso3 = 'USA' "
                          "AND year = 2025 AND is_preferred") == (20_877_000_000.0, "fbi_ic3")
    assert one(published, "SELECT count FROM marts.incident_counts_by_country_year WHERE area_code = 'USA' "
                          "AND year = 2025 AND series = 'ic3_annual_total'") == (1_008_597.0,)
    loss = one(published, "SELECT virtual_asset_loss_lcu, total_loss_lcu, virtual_asset_share, total_source_id, "
                          "source_row FROM marts.virtual_asset_losses WHERE area_code = 'USA' AND year = 2025 AND "
                          "series = 'ic3_cryptocurrency_descriptor' AND metric = 'loss' AND is_preferred")
    assert loss[:2] == (11_366_669_732.0, 20_877_000_000.0) and loss[3] == "fbi_ic3" and loss[4] == 3
    assert loss[2] == pytest.approx(11_366_669_732 / 20_877_000_000) and round(loss[2], 3) == 0.544
    complaints = one(published, "SELECT virtual_asset_count, total_count, virtual_asset_share FROM "
                                "marts.virtual_asset_losses WHERE area_code = 'USA' AND year = 2025 AND "
                                "series = 'ic3_cryptocurrency_descriptor' AND metric = 'complaints'")
    assert complaints[:2] == (181_565.0, 1_008_597.0) and round(complaints[2], 3) == 0.180
    share_2024 = one(published, "SELECT virtual_asset_share FROM marts.virtual_asset_losses WHERE area_code = 'USA' "
                                "AND year = 2024 AND series = 'ic3_cryptocurrency_descriptor' AND metric = 'loss'")
    assert share_2024[0] == pytest.approx(9_322_335_911 / 16_600_000_000)
    # the within-report conflict: both kept, the table's exact figure published, the box's an alternative
    rows = q(published, "SELECT virtual_asset_loss_lcu, is_preferred, selection_note FROM marts.virtual_asset_losses "
                        "WHERE area_code = 'USA' AND year = 2025 AND series = 'ic3_cryptocurrency_investment' AND "
                        "metric = 'loss' ORDER BY virtual_asset_loss_lcu")
    assert [(r[0], r[1]) for r in rows] == [(7_228_000_000.0, False), (7_277_868_919.0, True)]
    assert rows[0][2].startswith("alternative: printed to 4 significant digits")
    # 2022: IC3 counted victims, its total counts complaints: no share
    assert q(published, "SELECT DISTINCT virtual_asset_share FROM marts.virtual_asset_losses WHERE year = 2022 "
                        "AND metric = 'victims'") == [(None,)]


def test_parts_and_estimates_never_enter_losses_counts_or_regional_sums(published: Path) -> None:
    # no declared part (cryptocurrency, AI, 60+, FTC payment method, SPF crypto) is a country loss or headline count
    assert q(published, "SELECT series FROM marts.losses_by_country_year WHERE series LIKE 'ic3_%' "
                        "AND series <> 'ic3_annual_total' OR series LIKE '%crypto%' OR series LIKE 'ftc_%'") == []
    assert q(published, "SELECT series FROM marts.incident_counts_by_country_year WHERE series LIKE '%crypto%' "
                        "OR series LIKE 'ic3_%' AND series <> 'ic3_annual_total'") == []
    # the Americas' 2025 regional sum adds preferred country figures only (IC3's total, not its parts)
    parts = one(published, "SELECT sum(loss_usd_nominal), count(*) FILTER (WHERE country_iso3 = 'USA' AND "
                           "loss_lcu = 20877000000) FROM marts.losses_by_country_year WHERE region_name = 'Americas' "
                           "AND year = 2025 AND is_preferred AND loss_usd_nominal IS NOT NULL")
    americas = one(published, "SELECT loss_usd_nominal FROM marts.regional_losses WHERE region_name = 'Americas' "
                              "AND year = 2025")[0]
    assert parts[1] == 1 and americas == pytest.approx(parts[0])
    # illicit volume and criminal proceeds only in their own mart, every Chainalysis edition kept
    editions = q(published, "SELECT year, amount_lcu, edition_rank FROM marts.illicit_value_estimates WHERE "
                            "metric = 'illicit_volume' AND year = 2022 ORDER BY edition_rank")
    assert editions == [(2022, 39_600_000_000.0, 1), (2022, 20_600_000_000.0, 2)]
    assert one(published, "SELECT count(*) FROM marts.illicit_value_estimates WHERE metric = 'criminal_proceeds' "
                          "AND amount_lcu IS NULL AND amount_lcu_low = 27.4e9 AND amount_lcu_high = 36.5e9") == (1,)
    sql = ("SELECT DISTINCT measure FROM intermediate.int_losses_converted_to_usd UNION "
           "SELECT DISTINCT measure FROM intermediate.int_published_aggregate_losses")
    measures = {r[0] for r in q(published, sql)}
    assert measures == {"loss"}
