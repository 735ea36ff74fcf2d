"""Benchmarks and their data generators (``make bench`` = ``python -m bench``); never part of ``make test``."""
