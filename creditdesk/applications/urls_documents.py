"""Pages of application documents (owned by the documents module)."""

urlpatterns: list = []
