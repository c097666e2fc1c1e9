"""The marketing pages' forms, by topic: ``leads`` (a lead and its pipeline), ``sources`` (periods,
campaigns, partners, territories), ``care`` (the customer 360 panel's feedback, offers, education and
surveys; survey answers), ``knowledge`` (the case library). They read what a person types; the services
validate the rules and their refusals are shown on the field they name."""
