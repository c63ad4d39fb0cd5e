"""REST endpoints of the reports app (included under /api/v1/)."""

urlpatterns: list = []  # type: ignore[type-arg]
