"""REST endpoints of the outreach app, mounted under /api/v1/ by `antq.api.urls`."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

router = SimpleRouter()
urlpatterns = router.urls
