"""DuckDB SQL for the marts: ``marts/<table>.sql`` builds ``marts.<table>`` (file name = table name).

The SQL holds the query only; what the table and its columns mean is its contract
(``pipelines/contracts/marts/<table>.yml``). A query may name one placeholder that comes from the
source registry rather than from a hard-coded source id:

``{headline_rows}``  the observations (alias ``o``) that are national headline counts: for every
                     source providing "headline_counts", ``o.source_id = '<id>' AND (<its condition>)``.
"""

from importlib import resources


def _headline_rows() -> str:
    from pipelines.sources import SOURCES

    parts = [f"(o.source_id = '{spec.source_id}' AND ({spec.headline_rows}))"
             for spec in SOURCES.values() if "headline_counts" in spec.provides]
    return "(" + " OR ".join(parts or ["FALSE"]) + ")"


PLACEHOLDERS = {"{headline_rows}": _headline_rows}


def load(layer: str, name: str) -> str:
    """The query of ``layer/name.sql`` with its registry placeholders filled in."""
    text = (resources.files(__package__) / layer / f"{name}.sql").read_text(encoding="utf-8")
    for token, fill in PLACEHOLDERS.items():
        if token in text:
            text = text.replace(token, fill())
    return text


def models(layer: str) -> list[str]:
    return sorted(entry.name[:-4] for entry in (resources.files(__package__) / layer).iterdir()
                  if entry.name.endswith(".sql"))
