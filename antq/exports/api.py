"""REST endpoints of the exports app (included under /api/v1/)."""

urlpatterns: list = []  # type: ignore[type-arg]
