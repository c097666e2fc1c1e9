"""Reads of the applications app, scoped to the person asking, one module per topic."""
