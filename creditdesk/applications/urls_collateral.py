"""Pages of the collateral register (owned by the collateral module)."""

urlpatterns: list = []
