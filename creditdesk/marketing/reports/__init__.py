"""Reads that summarise the marketing work for the person asking (each scoped like the selectors):
results per source (``sources``), top referrers (``referrals``), satisfaction per CM (``surveys``)."""
