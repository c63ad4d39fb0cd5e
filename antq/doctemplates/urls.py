app_name = "doctemplates"

urlpatterns: list = []  # type: ignore[type-arg]
