"""Customer requests with tiered response (客户诉求与分级响应, issue 18 items 5 and 6) — the pure core first
(``tiering``)."""
