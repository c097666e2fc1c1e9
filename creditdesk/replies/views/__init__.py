"""The 话术库 pages, by topic: ``library`` (search and browse, a script's page, writing and reviewing),
``compose`` (writing to a customer or a lead with a script), ``uses`` (a person's uses and their outcome,
which answers work, the customer 360 panel)."""
