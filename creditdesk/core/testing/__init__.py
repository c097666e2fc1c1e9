"""Test support every app uses (CONVENTIONS.md, "Tests"): ``endpoints`` (every page of the URLconf and
every operation of the OpenAPI schema), ``access`` (the generated access matrix: grids, declarations,
running a case) and ``queries`` (``assert_max_queries``, ``assert_same_queries``)."""
