"""Benchmarks: the figures users care about, measured the same way every time.

``make bench`` (``python -m benchmarks``) runs every ``bench_*.py`` module's ``run()`` and prints
one line per figure: name, value, unit, and the baseline it is compared with, measured in the
same run. Nothing here is a test assertion: machines are noisy, so figures are medians of
several runs and, where it matters, ratios against a baseline.
"""
