from django.urls import path

from governance.pages import feeds, views

app_name = "governance"
urlpatterns = [
    path("", views.home, name="home"),
    path("systems/compare/", views.compare, name="compare"),
    path("feed/", feeds.ChangesFeed(), name="feed"),
    path("organisations/<str:code>/feed/", feeds.SystemChangesFeed(), name="system-feed"),
    path("organisations/<str:code>/", views.organisation_detail, name="organisation"),
    path("people/<int:pk>/", views.person_detail, name="person"),
]
