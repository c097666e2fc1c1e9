import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from creditdesk.notifications.choices import Event, ReadState
from creditdesk.notifications.models import Notification


class NotificationFilterSet(django_filters.FilterSet):
    """Shared by the notification list page and the notification API: read or unread, and the event."""

    state = django_filters.ChoiceFilter(choices=ReadState.choices, method="filter_state", label=_("状态"))
    event = django_filters.ChoiceFilter(choices=Event.choices, label=_("事件"))

    class Meta:
        model = Notification
        fields = ["state", "event"]

    def filter_state(self, queryset: QuerySet[Notification], name: str, value: str) -> QuerySet[Notification]:
        return queryset.filter(read_at__isnull=value == ReadState.UNREAD)
