"""The complete real UNODC exports load through --data-dir, every row accounted for."""

import shutil
from pathlib import Path

import duckdb
import pytest

from tests.conftest import copy_bundled
from tests.integration.helpers import run_cli, warehouse

EXPORTS = {
    "2024-05-16": ["release_2024-05-16/data_cts_corruption_and_economic_crime.xlsx",
                   "release_2024-05-16/data_cts_violent_and_sexual_crime.xlsx"],
    "2025-06-02": ["release_2025-06-02/data_cts_violent_and_sexual_crime.xlsx"],
    "2022-06-06": ["release_2022-06-06_excel_saved_csv/data_cts_corruption_and_economic_crime.csv",
                   "release_2022-06-06_excel_saved_csv/data_cts_violent_and_sexual_crime.csv"],
}
ROWS = {"data_cts_corruption_and_economic_crime.xlsx": 22_754, "data_cts_violent_and_sexual_crime.xlsx": None,
        "data_cts_corruption_and_economic_crime.csv": 17_824, "data_cts_violent_and_sexual_crime.csv": 27_525}


@pytest.mark.slow
def test_full_exports_load_with_rows_reconciled(tmp_path: Path, real: Path) -> None:
    # As the README says: copy data/, drop the export files into sources/unodc_cts/<release>/, run.
    data = copy_bundled(tmp_path / "data")
    for release, files in EXPORTS.items():
        target = data / "sources" / "unodc_cts" / release
        target.mkdir(parents=True, exist_ok=True)
        for f in files:
            shutil.copyfile(real / "unodc_cts" / f, target / Path(f).name)
    assert run_cli(data) == 0
    with duckdb.connect(str(warehouse(data)), read_only=True) as con:
        loaded = dict(con.execute("SELECT source_file, count(*) FROM staging.stg_unodc_cts__observations "
                                  "GROUP BY 1").fetchall())
        distinct = dict(con.execute("SELECT source_file, count(DISTINCT source_row) FROM "
                                    "staging.stg_unodc_cts__observations GROUP BY 1").fetchall())
        others = dict(con.execute("SELECT source_id, count(*) FROM staging.observations "
                                  "WHERE source_id <> 'unodc_cts' GROUP BY 1").fetchall())
    assert loaded == distinct
    # The other bundled sources still load; the bundled UNODC extracts beside their originals are
    # set aside, so no row is loaded twice.
    assert set(others) == {"eurostat_crim_off_cat", "fbi_ic3", "national_figures", "ncrb"}
    assert loaded == {
        "sources/unodc_cts/2022-06-06/data_cts_corruption_and_economic_crime.csv": 17_824,
        "sources/unodc_cts/2022-06-06/data_cts_violent_and_sexual_crime.csv": 27_525,
        "sources/unodc_cts/2024-05-16/data_cts_corruption_and_economic_crime.xlsx": 22_754,
        "sources/unodc_cts/2024-05-16/data_cts_violent_and_sexual_crime.xlsx": 26_114,
        "sources/unodc_cts/2025-06-02/data_cts_violent_and_sexual_crime.xlsx": 27_872,
        # the bundled derived 2026-07 copy (a vintage that is compared, never published) is no export to set aside
        "sources/unodc_cts/2026-07_derived/cts_2026-07_cyber_and_fraud_latest_year_derived.csv": 642,
    }
    assert sum(loaded.values()) == 122_089 + 642  # the five complete exports and the bundled derived copy
