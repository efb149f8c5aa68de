"""Benchmarks: every figure is a ratio to a raw baseline measured in the same run
(docs/benchmarks.md).

`uv run python -m bench.run [NAME]` runs all figures or one (`G3`, `baselines`).
"""
