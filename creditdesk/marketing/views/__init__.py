"""The marketing pages, by topic: ``leads`` (list, board, new lead, a lead's page, the pool, the 360
panel's leads), ``sources`` (results per source, referrals, territories; campaigns, partners and
territories kept by team leads and branch heads), ``care`` (the 360 panel's feedback, offers, education
and surveys; satisfaction per CM), ``knowledge`` (the case library and customer education)."""
