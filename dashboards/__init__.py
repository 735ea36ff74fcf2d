"""Report templates (``templates/``), styles and the chart loader (``static/``) and the vendored map
topology with its licence (``vendor/``).

Package data, not code: the files ship inside the wheel and are read through
``importlib.resources.files("dashboards")`` (see ``pipelines.reports.site``), so an installed
cyberstats renders the same site as a source checkout.
"""
