"""信用评分: scorecards trained, versioned, explained and monitored; pre-assessments of customers."""
