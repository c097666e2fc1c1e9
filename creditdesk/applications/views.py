"""Pages of applications: list, detail, queue, and one view per action."""

urlpatterns: list = []
