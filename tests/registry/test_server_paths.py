"""A local model's directory is a server path: administrators see it whole; everyone else (the API,
the model list and page, the model card) sees it under "<models>/"."""
from pathlib import Path

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from glassbox.registry.paths import relative_to_roots, shown_source
from glassbox.registry.services import register_model
from glassbox.transparency.model_card import model_card

pytestmark = pytest.mark.django_db
COMMIT = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture
def registered(model_dir, settings, tmp_path):
    settings.GLASSBOX_MODEL_ROOTS = [(tmp_path / "models").resolve()]
    return register_model(name="Tiny", slug="tiny", source=str(model_dir))


@pytest.fixture
def users(django_user_model):
    from glassbox.accounts.services import grant_role

    contributor = django_user_model.objects.create_user("carol", password="pw")
    grant_role(contributor, "contributor")
    return {"anonymous": None, "contributor": contributor,
            "staff": django_user_model.objects.create_user("sam", password="pw", is_staff=True)}


def api_client(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_the_api_shows_the_path_under_the_roots_to_everyone_but_administrators(registered, users, tmp_path):
    full = str((tmp_path / "models" / "tiny").resolve())
    assert registered.source == full
    for who in ("anonymous", "contributor"):
        client = api_client(users[who])
        assert client.get("/api/models/tiny/").json()["source"] == "<models>/tiny", who
        listed = client.get("/api/models/").json()["results"]
        assert [m["source"] for m in listed] == ["<models>/tiny"], who
    staff = api_client(users["staff"])
    assert staff.get("/api/models/tiny/").json()["source"] == full
    assert staff.get("/api/models/").json()["results"][0]["source"] == full


def test_a_contributor_registering_over_the_api_gets_the_path_under_the_roots(registered, users, model_dir):
    response = api_client(users["contributor"]).post(
        "/api/models/", {"name": "Again", "slug": "again", "source": str(model_dir)}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["source"] == "<models>/tiny"


@pytest.mark.parametrize("page", ["registry:model-list", "registry:model-detail"])
def test_the_model_pages_and_card_hide_the_server_path_from_non_administrators(registered, users, client, tmp_path,
                                                                             page):
    url = reverse(page, args=["tiny"] if page.endswith("detail") else [])
    for who in ("anonymous", "contributor", "staff"):
        client.logout()
        if users[who] is not None:
            client.force_login(users[who])
        html = client.get(url).content.decode()
        if who == "staff":
            assert f"<code>{registered.source}</code>" in html
        else:
            assert "<code>&lt;models&gt;/tiny</code>" in html, who
            assert str(tmp_path) not in html, who
        if page.endswith("detail"):
            card = html.split('id="model-card"')[1].split('id="audits"')[0]
            source = registered.source if who == "staff" else "&lt;models&gt;/tiny"
            assert f"Source: {source}." in card, who


def test_a_stored_model_card_never_holds_the_server_path(registered):
    # Cards are stored with audits and read by everyone who may read the audit.
    assert "Source: <models>/tiny." in model_card(registered)
    assert registered.source not in model_card(registered)
    assert f"Source: {registered.source}." in model_card(registered, full_paths=True)


def test_hub_ids_are_shown_whole_and_paths_outside_the_roots_keep_only_their_name(settings, tmp_path):
    from glassbox.registry.models import Model

    hub = Model(name="Hub", source_kind="hub", source="acme/tiny", revision=COMMIT)
    assert shown_source(hub) == "acme/tiny"
    settings.GLASSBOX_MODEL_ROOTS = [tmp_path / "a", tmp_path / "a" / "nested"]
    assert relative_to_roots(str(tmp_path.resolve() / "a" / "nested" / "m")) == "<models>/m"
    assert relative_to_roots(str(tmp_path.resolve() / "a" / "x" / "m")) == "<models>/x/m"
    assert relative_to_roots(str(Path("/srv/elsewhere/m"))) == "<models>/…/m"
