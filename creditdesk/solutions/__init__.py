"""Solutions (方案): matching a need to the catalogue, the gap to approval, competitor comparison.

Pure modules over ``creditdesk.products`` and the loan-arithmetic core (``creditdesk.rates``' pure
modules): ``offers`` (one product quoted for one need: its amount, term, method, price, payment, the
facts its admission rules see, and its cost figures), ``matching`` (rank the eligible products, list the
ineligible ones with their failed rules, propose combinations), ``whatif`` (the smallest change that
passes) and ``competitors`` (competitor quotes on the same annualized basis). Nothing here imports Django
or the scorecard: a risk grade arrives as a letter "A"–"E" among the facts.
"""
