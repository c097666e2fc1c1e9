"""Marketing and relationships (issue 17): leads, pipeline, assignment — the pure cores first."""
