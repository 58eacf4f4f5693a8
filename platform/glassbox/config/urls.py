from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("glassbox.config.api_urls")),
    path("", include("glassbox.evaluations.urls")),
    path("", include("glassbox.registry.urls")),
    path("", include("glassbox.transparency.urls")),
    path("", include("glassbox.leaderboards.urls")),
    path("", include("glassbox.schedules.urls")),
]
