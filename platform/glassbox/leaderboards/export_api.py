"""The leaderboard and snapshot downloads of the REST API: `export.csv` and `export.json`.

They are API views like the others (token or session, the API's rate limits, the OpenAPI schema), with
two differences kept from when they were plain Django views: the URL's suffix alone picks the format,
and a wrong token reads as anonymous (the public rows) instead of a 401, so a download link pasted
with a stale token still gives what anyone may see. Wrong tokens still count towards their
address's lock (config/api_throttling.py).
"""
from __future__ import annotations

from drf_spectacular.drainage import set_override
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.generics import get_object_or_404
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from glassbox.accounts import roles
from glassbox.config.api_throttling import ThrottledTokenAuthentication
from glassbox.registry.queries import visible_models

from .exports import CSVTableRenderer, JSONTableRenderer, json_bytes, with_goals
from .models import Leaderboard, Snapshot
from .table_cache import cached_export, cached_table
from .visibility import visible_leaderboards, visible_table

TABLE_SCHEMA = {
    "type": "object",
    "description": "The ranked table: `leaderboard` (evaluator, dataset version, spec, metrics, primary "
                   "metric, and each metric's goal and goal label in `metric_goals`), `rows` (rank group, "
                   "model, run, fingerprint, each metric's value, interval and n, the comparison with the "
                   "group leader), `tie_method` and `bootstrap`; a snapshot's also has `snapshot`.",
    "properties": {"leaderboard": {"type": "object", "additionalProperties": True},
                   "rows": {"type": "array", "items": {"type": "object", "additionalProperties": True}}},
    "required": ["leaderboard", "rows"],
    "additionalProperties": True,
}
CSV_RESPONSE = OpenApiResponse(OpenApiTypes.STR, description=(
    "One line per ranked model: rank_group, model, model_name, precision, run, fingerprint; per metric its value, "
    "<metric>_ci_low, <metric>_ci_high, <metric>_n, <metric>_goal and <metric>_goal_label; then "
    "diff_vs_group_leader, diff_ci_low, diff_ci_high, tie_method. Text cells that would start a "
    "spreadsheet formula begin with '."))
JSON_RESPONSE = OpenApiResponse(TABLE_SCHEMA, description="The ranked table as JSON.")
LEADERBOARD_SLUG = OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH,
                                    description="The leaderboard's slug.")
SNAPSHOT_UID = OpenApiParameter("uid", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The snapshot's uid.")


class TokenOrAnonymous(ThrottledTokenAuthentication):
    """Token authentication where an unknown token reads as no token (counted, and locked, all the same)."""

    def authenticate(self, request) -> tuple | None:
        try:
            return super().authenticate(request)
        except AuthenticationFailed:
            return None


# Clients send the same header as to the rest of the API: one "tokenAuth" scheme in the schema, not two.
set_override(TokenOrAnonymous, "suppress_collision_warning", True)


class SuffixPicksTheFormat(BaseContentNegotiation):
    """Each export view has one renderer: the Accept header cannot turn a download into a 406."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class _Export(APIView):
    authentication_classes = [TokenOrAnonymous, SessionAuthentication]
    content_negotiation_class = SuffixPicksTheFormat
    disposition = "inline"

    def finalize_response(self, request, response, *args, **kwargs):
        # Refusals (404, 429) answer in JSON like the rest of the API, not in the download's format.
        if isinstance(response, Response) and response.exception:
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    def download(self, body: dict | bytes, filename: str) -> Response:
        extension = self.renderer_classes[0].format
        return Response(body, headers={"Content-Disposition": f'{self.disposition}; filename="{filename}.{extension}"'})

    def leaderboard(self, slug: str) -> Leaderboard:
        boards = visible_leaderboards(self.request.user, Leaderboard.objects.all())
        return get_object_or_404(boards.select_related("dataset_version__dataset"), slug=slug)

    def snapshot(self, uid: str) -> Snapshot:
        # DRF's get_object_or_404 answers 404 (not a server error) to a uid that is not a UUID.
        snapshots = visible_leaderboards(self.request.user, Snapshot.objects.all(), prefix="leaderboard__")
        return get_object_or_404(snapshots.select_related("leaderboard"), uid=uid)

    def snapshot_table(self, snapshot: Snapshot) -> dict:
        return with_goals(visible_table(self.request.user, snapshot.table))


class LeaderboardCSV(_Export):
    renderer_classes = [CSVTableRenderer]
    disposition = "attachment"

    @extend_schema(operation_id="leaderboards_export_csv", tags=["leaderboards"], parameters=[LEADERBOARD_SLUG],
                   responses={200: CSV_RESPONSE},
                   summary="The ranked table as CSV (rows of models hidden from the reader left out)")
    def get(self, request, slug: str) -> Response:
        user = request.user
        table = cached_table(self.leaderboard(slug), visible_models(user), roles.visibility_scope(user))
        return self.download(with_goals(table), slug)


class LeaderboardJSON(_Export):
    renderer_classes = [JSONTableRenderer]

    @extend_schema(operation_id="leaderboards_export_json", tags=["leaderboards"], parameters=[LEADERBOARD_SLUG],
                   responses={200: JSON_RESPONSE},
                   summary="The ranked table as JSON (rows of models hidden from the reader left out)")
    def get(self, request, slug: str) -> Response:
        user = request.user
        # The rendered bytes are cached beside the table: the same body for every reader of one scope.
        body = cached_export(self.leaderboard(slug), visible_models(user), roles.visibility_scope(user),
                             "json", lambda table: json_bytes(with_goals(table)))
        return self.download(body, slug)


class SnapshotCSV(_Export):
    renderer_classes = [CSVTableRenderer]
    disposition = "attachment"

    @extend_schema(operation_id="snapshots_export_csv", tags=["snapshots"], parameters=[SNAPSHOT_UID],
                   responses={200: CSV_RESPONSE}, summary="A frozen table as CSV")
    def get(self, request, uid: str) -> Response:
        snapshot = self.snapshot(uid)
        return self.download(self.snapshot_table(snapshot), f"{snapshot.leaderboard.slug}-{snapshot.uid}")


class SnapshotJSON(_Export):
    renderer_classes = [JSONTableRenderer]

    @extend_schema(operation_id="snapshots_export_json", tags=["snapshots"], parameters=[SNAPSHOT_UID],
                   responses={200: JSON_RESPONSE}, summary="A frozen table as JSON")
    def get(self, request, uid: str) -> Response:
        snapshot = self.snapshot(uid)
        return self.download(self.snapshot_table(snapshot), f"{snapshot.leaderboard.slug}-{snapshot.uid}")
