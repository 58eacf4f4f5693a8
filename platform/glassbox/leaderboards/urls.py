from django.urls import path

from . import views

app_name = "leaderboards"
urlpatterns = [
    path("leaderboards/", views.leaderboard_list, name="list"),
    path("leaderboards/<slug:slug>/", views.leaderboard_detail, name="detail"),
    path("snapshots/<uuid:uid>/", views.snapshot_detail, name="snapshot"),
]
