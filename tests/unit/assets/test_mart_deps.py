"""A mart's upstream tables are read from its SQL: FROM/JOIN schema.table, never a column compared with
IS [NOT] DISTINCT FROM (issue 13: the incident-counts mart compares releases that way)."""

from pipelines import sql
from pipelines.assets.marts import tables_read


def test_distinct_from_a_column_is_not_a_table() -> None:
    query = ("SELECT * FROM staging.observations AS o JOIN intermediate.int_areas_with_regions a ON TRUE "
             "WHERE NOT EXISTS (SELECT 1 FROM staging.observations n WHERE n.series IS NOT DISTINCT FROM o.series "
             "AND n.category IS DISTINCT FROM o.category)")
    assert tables_read(query) == [("intermediate", "int_areas_with_regions"), ("staging", "observations")]


def test_every_mart_reads_only_schemas_of_the_warehouse() -> None:
    for name in sql.models("marts"):
        assert {s for s, _ in tables_read(sql.load("marts", name))} <= {"raw", "staging", "intermediate", "marts"}, name
