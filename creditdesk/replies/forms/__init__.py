"""The forms of the 话术库 pages: ``library`` (write a script, review it, retire it; the library's browse
filter) and ``compose`` (search by the customer's words, write to a customer, a use's outcome, the results'
period). They check what a form can; the services check the rules and their refusals are shown on the
field they name."""
