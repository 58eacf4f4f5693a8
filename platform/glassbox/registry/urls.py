from django.urls import path

from glassbox.config import converters  # noqa: F401 (registers the <id:...> converter)

from . import views

app_name = "registry"

urlpatterns = [
    path("models/", views.model_list, name="model-list"),
    path("models/register/", views.model_register, name="model-register"),
    # A model's page (models/<slug>/) lives in glassbox.site, added to this namespace after these.
    path("datasets/", views.dataset_list, name="dataset-list"),
    path("datasets/new/", views.dataset_create, name="dataset-create"),
    path("datasets/<slug:slug>/", views.dataset_detail, name="dataset-detail"),
    path("datasets/<slug:slug>/upload/", views.dataset_upload, name="dataset-upload"),
    path("datasets/<slug:slug>/v<id:number>/", views.dataset_version_detail, name="dataset-version-detail"),
]
