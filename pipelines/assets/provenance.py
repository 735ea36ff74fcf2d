"""The input-file catalogue as a table reports and analysts can read (source of marts.source_files)."""

import dagster as dg

from pipelines.assets.raw import RAW_ASSETS
from pipelines.assets.resources import CyberstatsResource
from pipelines.warehouse import connect, raw_files, write_table


@dg.asset(key=["intermediate", "int_source_files"], group_name="intermediate", kinds={"duckdb"},
          deps=[a.key for a in RAW_ASSETS],
          description="Every input file of the build (union of the raw manifests) with its provenance.")
def int_source_files(context: dg.AssetExecutionContext, cyberstats: CyberstatsResource) -> dg.MaterializeResult:
    settings = cyberstats.settings()
    with connect(settings.build_db, disposable=True) as con:
        files = raw_files(con)
        write_table(con, "intermediate", "int_source_files", files,
                    "Every input file of the build with its provenance (union of raw.*).")
    return dg.MaterializeResult(metadata={"rows": files.height})
