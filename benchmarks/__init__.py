"""Performance benchmarks for Gaung (`make bench`, or `python -m benchmarks.run --help`).

Modules: `ingest` (HTML → stored mention vs bare trafilatura), `corpus` (the cached large archive built
from the bundled real corpus), `search` (query-mix latency vs bare SQL), `run` (the entry point).
"""
