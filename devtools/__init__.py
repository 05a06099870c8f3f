"""Development tools: the synthetic letter generator and the benchmark.

Why an app of its own: production serves letters and needs none of this, so it lives outside
the `decisions` app, is installed only in development and test settings, and is left out of
the distribution (pyproject.toml); it runs from the checkout. Nothing in `decisions` or
`imr_site` imports it (tests/devtools/test_isolation.py).
"""
