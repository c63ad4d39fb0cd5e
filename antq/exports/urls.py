app_name = "exports"

urlpatterns: list = []  # type: ignore[type-arg]
