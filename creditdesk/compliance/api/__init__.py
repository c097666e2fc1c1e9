"""The compliance guard for programs: ``POST /api/v1/compliance/check/`` (a text → its findings),
``/api/v1/compliance/rules/`` (the rules, kept by risk managers and administrators) and
``/api/v1/compliance/checks/`` (拦截记录, read by team leads, branch heads and risk managers)."""
