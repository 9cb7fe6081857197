from django.urls import path

from governance.pages import views

app_name = "governance"
urlpatterns = [
    path("", views.home, name="home"),
    path("systems/compare/", views.compare, name="compare"),
    path("organisations/<str:code>/", views.organisation_detail, name="organisation"),
    path("people/<int:pk>/", views.person_detail, name="person"),
]
