app_name = "reports"

urlpatterns: list = []  # type: ignore[type-arg]
