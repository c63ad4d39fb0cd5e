"""REST endpoints of the dashboards app (included under /api/v1/)."""

urlpatterns: list = []  # type: ignore[type-arg]
