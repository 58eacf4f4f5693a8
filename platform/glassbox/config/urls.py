from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from glassbox.accounts.forms import ThrottledAdminAuthenticationForm, ThrottledAuthenticationForm

# Both sign-in pages count failed passwords (glassbox/accounts/throttle.py).
admin.site.login_form = ThrottledAdminAuthenticationForm

urlpatterns = [
    path("admin/", admin.site.urls),
    # The admin's login admits staff only; contributors and auditors sign in here.
    path("accounts/login/", auth_views.LoginView.as_view(authentication_form=ThrottledAuthenticationForm),
         name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/", include("glassbox.config.api_urls")),
    path("", include("glassbox.evaluations.urls")),
    path("", include("glassbox.registry.urls")),
    path("", include("glassbox.transparency.urls")),
    path("", include("glassbox.leaderboards.urls")),
    path("", include("glassbox.schedules.urls")),
]
