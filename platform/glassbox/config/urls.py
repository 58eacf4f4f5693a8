from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from glassbox.accounts.forms import ThrottledAdminAuthenticationForm, ThrottledAuthenticationForm
from glassbox.evaluations import urls as evaluations_urls
from glassbox.registry import urls as registry_urls
from glassbox.site import urls as site_urls

# Both sign-in pages count failed passwords (glassbox/accounts/throttle.py).
admin.site.login_form = ThrottledAdminAuthenticationForm

urlpatterns = [
    path("admin/", admin.site.urls),
    # The admin's login admits staff only; contributors and auditors sign in here.
    path("accounts/login/", auth_views.LoginView.as_view(authentication_form=ThrottledAuthenticationForm),
         name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/", include("glassbox.config.api_urls")),
    # The combined pages (glassbox.site) keep their names in the namespaces of the apps they started in.
    path("", include((evaluations_urls.urlpatterns + site_urls.EVALUATIONS_PAGES, evaluations_urls.app_name))),
    path("", include((registry_urls.urlpatterns + site_urls.REGISTRY_PAGES, registry_urls.app_name))),
    path("", include("glassbox.transparency.urls")),
    path("", include("glassbox.leaderboards.urls")),
    path("", include("glassbox.schedules.urls")),
]
