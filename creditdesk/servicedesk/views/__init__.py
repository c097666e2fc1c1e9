"""Pages of the customer-request app: ``requests`` (list, new, a request's page and its forms, the
suggestion preview) and ``panel`` (the customer 360 page's section)."""
