"""REST endpoints of the incidents app, mounted under /api/v1/ by `antq.api.urls`."""

from rest_framework.routers import SimpleRouter

router = SimpleRouter()

urlpatterns: list = [*router.urls]
