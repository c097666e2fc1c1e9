"""The notifications API, included in ``/api/v1/`` by ``config/urls.py``."""

from creditdesk.core.api.routers import ApiRouter
from creditdesk.notifications.api.views import NotificationViewSet

router = ApiRouter()
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns = router.urls
