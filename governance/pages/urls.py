from django.urls import path, register_converter

from governance.caching.pages import cached_page
from governance.pages import feeds, suggestions, views


class PictureFormat:
    """``svg`` or ``png``: the formats pictures are drawn in."""

    regex = "svg|png"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(PictureFormat, "picture")

app_name = "governance"
urlpatterns = [
    path("", views.home, name="home"),
    path("systems/compare/", views.compare, name="compare"),
    path("systems/<str:code>/timeline/", views.system_timeline, name="timeline"),
    path("feed/", cached_page(feeds.ChangesFeed()), name="feed"),
    path("organisations/<str:code>/feed/", cached_page(feeds.SystemChangesFeed()), name="system-feed"),
    path("organisations/<str:code>/diagram.<picture:fmt>", views.diagram, name="diagram"),
    path("organisations/<str:code>/ladder.<picture:fmt>", views.ladder, name="ladder"),
    path("organisations/<str:code>/suggest/", suggestions.suggest, name="suggest"),
    path("organisations/<str:code>/suggest/thanks/", suggestions.thanks, name="suggest-thanks"),
    path("suggestions/feed/", suggestions.OpenSuggestionsFeed(), name="suggestions-feed"),
    path("organisations/<str:code>/", views.organisation_detail, name="organisation"),
    path("people/<int:pk>/", views.person_detail, name="person"),
]
