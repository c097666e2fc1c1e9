"""Writes of the applications app, one module per topic: ``application`` (create, submit, decide, sign,
withdraw), ``documents`` (checklist, uploads, verification), ``collateral`` (register, appraisals, liens,
pledges). Each service is one durable transaction with its audit row."""
