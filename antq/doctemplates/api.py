"""REST endpoints of the doctemplates app (included under /api/v1/)."""

urlpatterns: list = []  # type: ignore[type-arg]
