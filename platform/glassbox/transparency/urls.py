from django.urls import path

from glassbox.config import converters  # noqa: F401 (registers the <id:...> converter)

from . import views

app_name = "transparency"
urlpatterns = [
    path("transparency/", views.checklist_list, name="checklist-list"),
    path("transparency/checklists/import/", views.checklist_import, name="checklist-import"),
    path("transparency/checklists/<id:checklist_id>/", views.checklist_detail, name="checklist-detail"),
    path("transparency/checklists/<id:checklist_id>/export.<str:fmt>", views.checklist_export,
         name="checklist-export"),
    path("transparency/checklists/<id:checklist_id>/index/", views.index, name="index"),
    path("transparency/audits/", views.audit_list, name="audit-list"),
    path("transparency/audits/new/", views.audit_create, name="audit-create"),
    path("transparency/audits/<id:audit_id>/", views.audit_detail, name="audit-detail"),
    path("transparency/audits/<id:audit_id>/documents/", views.document_upload, name="document-upload"),
    path("transparency/audits/<id:audit_id>/documents/<id:document_id>/", views.document_detail,
         name="document-detail"),
    path("transparency/audits/<id:audit_id>/model-card/", views.model_card, name="model-card"),
    path("transparency/audits/<id:audit_id>/score/", views.score, name="score"),
    path("transparency/audits/<id:audit_id>/reconcile/", views.reconcile, name="reconcile"),
    path("transparency/audits/<id:audit_id>/reconcile-agreements/", views.reconcile_agreements,
         name="reconcile-agreements"),
    path("transparency/audits/<id:audit_id>/publish/", views.publish, name="publish"),
    path("transparency/audits/<id:audit_id>/disputes/", views.dispute, name="dispute"),
    path("transparency/disputes/<id:dispute_id>/respond/", views.dispute_respond, name="dispute-respond"),
    path("transparency/audits/<id:audit_id>/suggest/", views.suggest, name="suggest"),
    path("transparency/audits/<id:audit_id>/suggest/progress.json", views.suggestion_progress,
         name="suggestion-progress"),
    path("transparency/audits/<id:audit_id>/compare/", views.compare, name="compare"),
    path("transparency/audits/<id:audit_id>/export.<str:fmt>", views.audit_export, name="audit-export"),
]
