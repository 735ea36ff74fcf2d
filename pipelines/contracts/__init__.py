"""Table contracts: one declaration per table, everything else generated from it.

Each table of the warehouse has one YAML file, ``pipelines/contracts/<schema>/<table>.yml`` (in the
spirit of dbt's ``models/*.yml``): its description and grain, its columns (name, DuckDB type, unit,
description, required), its key, and its expectations with their severity. From it come:

* the ``COMMENT ON`` of the table and every column (:func:`pipelines.warehouse.write_table`, the mart
  step), and the check that a built table has exactly the declared columns and types;
* the Polars schema a step's frame is cast to (:meth:`Contract.polars_schema`);
* the table's expectation suite, run through Great Expectations (:meth:`Contract.suite`);
* the data dictionary (the site's Data dictionary page, ``cyberstats describe``) and Dagster's column
  metadata.

File format::

    description: >-            # what the table holds (required)
      ...
    grain: one row per ...     # what a row is
    extends: _observations     # optional: start from a template of the same schema, or another
                               #   table's contract (intermediate.int_x: a mart that projects it),
                               #   then add or override (columns, key, expectations). Files named _*.yml are
                               #   templates, not tables. Raw tables (one per registered source, all
                               #   alike) are raw/_manifest.yml with the source's title put in.
    source_id: unodc_cts       # optional (observation tables): adds source_id_matches
    key: [a, b]                # optional: the unique key -> expectation keys_unique (blocking)
    key_severity: warn         # optional; key_name / key_description rename and explain it
    pointer: [source_file, source_row]   # columns naming the source file and row, for messages
    published_columns: {value: VALUE}    # column names as the publisher prints them, for messages
    published_per_row: {value: year}     # unpivoted files: the column naming each row's published column
    columns:
      - name: loss_usd_nominal
        type: DOUBLE
        unit: US dollars, nominal          # optional
        description: ...
        required: true                     # -> required_columns_not_null (blocking)
    expectations:              # named properties beyond the generic ones (severity: blocking | warn)
      - name: no_negative_losses
        columns: [loss_usd_nominal]
        between: {min: 0}                  # min, max ("current_year" allowed), strict_min
        description: losses of at least 0  # completes "expected ..."
      # other kinds: in_set: [..] or {column: [..]}; in_reference: area_codes; regex: .. or {column: ..};
      #   max_length: {column: n}; unique: [columns]; not_null: true; min_rows: n;
      #   rule: <SQL boolean expression, true on every good row> (dbt's expression_is_true);
      #   derived: <name in pipelines.quality.derived> with in_set or between; where: {column: [values]}
      # rule and derived expectations may leave out rows that are a permanent, named fact of the data:
      #   except: {where: <SQL condition on those rows>, reason: <names them>}  (pipelines/quality/compile.py)

The generic expectations every contract gets: ``columns_match_schema`` (names and types),
``required_columns_not_null`` (columns with ``required: true``) and ``keys_unique`` (``key``).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import polars as pl
import yaml

#: DuckDB type name -> Polars type. Every contract column uses one of these.
TYPES: dict[str, pl.DataType] = {
    "VARCHAR": pl.String(), "BIGINT": pl.Int64(), "INTEGER": pl.Int32(), "DOUBLE": pl.Float64(),
    "BOOLEAN": pl.Boolean(), "DATE": pl.Date(), "TINYINT": pl.Int8(), "SMALLINT": pl.Int16(),
    "TIMESTAMP WITH TIME ZONE": pl.Datetime("us", "UTC"),
    "TIMESTAMP": pl.Datetime("us"), "VARCHAR[]": pl.List(pl.String()), "BIGINT[]": pl.List(pl.Int64()),
}
LAYERS = ("raw", "staging", "intermediate", "marts", "quality", "meta")
_TOP_KEYS = {"description", "grain", "extends", "source_id", "key", "key_severity", "key_name", "key_description",
             "pointer", "published_columns", "published_per_row", "columns", "expectations"}
_COLUMN_KEYS = {"name", "type", "unit", "description", "required"}


class ContractError(ValueError):
    """A contract file that does not follow the format (a bug in the project, found by the tests)."""


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str
    unit: str | None = None
    required: bool = False

    @property
    def polars_type(self) -> pl.DataType:
        return TYPES[self.type]

    @property
    def comment(self) -> str:
        """The column comment in the warehouse: the description, with the unit when it is not in it."""
        if self.unit and self.unit.lower() not in self.description.lower():
            return f"{self.description} [{self.unit}]"
        return self.description


@dataclass(frozen=True)
class Contract:
    schema: str
    table: str
    description: str
    columns: tuple[Column, ...]
    grain: str = ""
    key: tuple[str, ...] = ()
    key_severity: str = "blocking"
    key_name: str = "keys_unique"
    key_description: str = ""
    pointer: tuple[str, str] | None = None
    published_columns: Mapping[str, str] = field(default_factory=dict)
    #: table column -> column whose value names the published column (files with one column per year)
    published_per_row: Mapping[str, str] = field(default_factory=dict)
    source_id: str | None = None
    expectations: tuple[dict, ...] = ()

    @property
    def name(self) -> str:
        return f"{self.schema}.{self.table}"

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")

    def polars_schema(self) -> dict[str, pl.DataType]:
        return {c.name: c.polars_type for c in self.columns}

    def empty(self) -> pl.DataFrame:
        return pl.DataFrame(schema=self.polars_schema())

    def conform(self, frame: pl.DataFrame) -> pl.DataFrame:
        """``frame`` with exactly the declared columns, in order, cast to the declared types.

        A missing or extra column is an error naming the table and the columns (a step that drops
        or adds information silently is a bug); casts are strict.
        """
        missing = [c for c in self.column_names if c not in frame.columns]
        extra = [c for c in frame.columns if c not in self.column_names]
        if missing or extra:
            raise ContractError(f"{self.name}: the frame does not match its contract "
                                f"(pipelines/contracts/{self.schema}/{self.table}.yml): "
                                + "; ".join(part for part in (
                                    f"missing {', '.join(missing)}" if missing else "",
                                    f"not declared {', '.join(extra)}" if extra else "") if part))
        return frame.select(pl.col(c.name).cast(c.polars_type, strict=True) for c in self.columns)

    def comments(self) -> dict[str, str]:
        return {c.name: c.comment for c in self.columns}

    def suite(self):
        """The table's expectation suite (pipelines.quality.suites.Suite)."""
        from pipelines.quality.compile import compile_suite

        return compile_suite(self)


# --- loading -------------------------------------------------------------------------------------

def _files() -> dict[tuple[str, str], Any]:
    root = resources.files(__package__)
    out = {}
    for layer in LAYERS:
        folder = root / layer
        if not folder.is_dir():
            continue
        for entry in folder.iterdir():
            if entry.name.endswith(".yml"):
                out[(layer, entry.name[:-4])] = entry
    return out


def _registry_raw_tables() -> dict[str, str]:
    from pipelines.sources import ALL

    return {spec.raw_table: spec.title for spec in ALL.values()}


def _raw(schema: str, table: str) -> dict:
    files = _files()
    if (schema, table) not in files and schema == "raw" and table in _registry_raw_tables():
        data = _raw("raw", "_manifest")
        return {**data, "description": data["description"].replace("{title}", _registry_raw_tables()[table])}
    if (schema, table) not in files:
        raise KeyError(f"no contract for {schema}.{table} (expected pipelines/contracts/{schema}/{table}.yml)")
    data = yaml.safe_load(files[(schema, table)].read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ContractError(f"{schema}/{table}.yml: expected a mapping")
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise ContractError(f"{schema}/{table}.yml: unknown keys {sorted(unknown)}")
    return data


def _merge(base: dict, child: dict) -> dict:
    """``child`` over ``base``: scalar keys replace, columns and expectations are added (a child's
    expectation with the name of a base one replaces it)."""
    out = {**base, **{k: v for k, v in child.items() if k not in ("columns", "expectations", "extends")}}
    names = {c["name"] for c in base.get("columns") or []}
    out["columns"] = [*(base.get("columns") or []), *[c for c in child.get("columns") or [] if c["name"] not in names]]
    child_names = {e["name"] for e in child.get("expectations") or []}
    out["expectations"] = [*[e for e in base.get("expectations") or [] if e["name"] not in child_names],
                           *(child.get("expectations") or [])]
    return out


@cache
def load(schema: str, table: str) -> Contract:
    data = _raw(schema, table)
    if data.get("extends"):
        base_schema, _, base_table = str(data["extends"]).rpartition(".")
        data = _merge(_raw(base_schema or schema, base_table), data)
    where = f"pipelines/contracts/{schema}/{table}.yml"
    if not data.get("description"):
        raise ContractError(f"{where}: a description is required")
    columns = []
    for c in data.get("columns") or []:
        unknown = set(c) - _COLUMN_KEYS
        if unknown or not c.get("name") or not c.get("description") or c.get("type") not in TYPES:
            raise ContractError(f"{where}: column {c.get('name')!r} needs a name, a description and a type of "
                                f"{', '.join(TYPES)} (unknown keys: {sorted(unknown)})")
        columns.append(Column(c["name"], c["type"], " ".join(str(c["description"]).split()),
                              c.get("unit"), bool(c.get("required", False))))
    names = [c.name for c in columns]
    if len(set(names)) != len(names):
        raise ContractError(f"{where}: duplicate column names")
    for part in ("key", "pointer"):
        missing = [c for c in data.get(part) or () if c not in names]
        if missing:
            raise ContractError(f"{where}: {part} names undeclared columns {missing}")
    return Contract(
        schema=schema, table=table, description=" ".join(str(data["description"]).split()),
        columns=tuple(columns), grain=" ".join(str(data.get("grain") or "").split()),
        key=tuple(data.get("key") or ()), key_severity=data.get("key_severity", "blocking"),
        key_name=data.get("key_name", "keys_unique"),
        key_description=" ".join(str(data.get("key_description") or "").split()),
        pointer=tuple(data["pointer"]) if data.get("pointer") else None,
        published_columns=dict(data.get("published_columns") or {}),
        published_per_row=dict(data.get("published_per_row") or {}), source_id=data.get("source_id"),
        expectations=tuple(data.get("expectations") or ()))


def tables(schema: str | None = None) -> list[tuple[str, str]]:
    """Every (schema, table) with a contract, in layer order (templates excluded; raw tables from the
    source registry)."""
    order = {layer: i for i, layer in enumerate(LAYERS)}
    keys = {k for k in _files() if not k[1].startswith("_")} | {("raw", t) for t in _registry_raw_tables()}
    return sorted((k for k in keys if schema is None or k[0] == schema), key=lambda k: (order[k[0]], k[1]))


def all_contracts() -> list[Contract]:
    return [load(s, t) for s, t in tables()]
