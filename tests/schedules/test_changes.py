"""Change flags: a scheduled result outside the 95% interval of the same schedule's previous
succeeded result of the same model and spec is flagged, and shown on the model and home pages."""
from __future__ import annotations

import pytest
from django.urls import reverse

from .conftest import finish

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("value", "previous", "low", "high", "flagged"), [
    (10.5, 10.0, 9.0, 11.0, False),   # inside the interval
    (11.0, 10.0, 9.0, 11.0, False),   # on its edge
    (11.2, 10.0, 9.0, 11.0, True),    # above
    (8.9, 10.0, 9.0, 11.0, True),     # below
    (10.0, 10.0, None, None, False),  # no interval: the same value
    (10.001, 10.0, None, None, True),  # no interval: any difference
])
def test_moved_compares_with_the_previous_interval(value, previous, low, high, flagged):
    from glassbox.schedules.changes import moved

    assert moved(value, previous, low, high) is flagged


def scheduled_runs(schedule):
    """Run the schedule once; return its runs by batch size (the suite's two specs)."""
    from glassbox.schedules import services

    return {run.spec["batch_size"]: run for run in services.run_schedule(schedule.pk)}


def test_a_result_beyond_the_previous_interval_is_flagged_on_the_pages(
        client, admin_user, suite, tagged_model, django_capture_on_commit_callbacks):
    from glassbox.schedules import queries, services
    from glassbox.schedules.models import Change, Schedule

    schedule = services.save_schedule(Schedule(name="Nightly", suite=suite, tag="nightly"))
    with django_capture_on_commit_callbacks(execute=True):
        first = scheduled_runs(schedule)
        finish(first[2], 10.0, (9.0, 11.0))
        finish(first[3], 20.0, (19.0, 21.0))
        second = scheduled_runs(schedule)
        finish(second[2], 10.8, (10.0, 11.6))   # inside [9, 11]
        # Outside batch size 2's interval but inside its own spec's previous one: no flag.
        finish(second[3], 20.5, (19.5, 21.5))
    assert not Change.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        third = scheduled_runs(schedule)
        finish(third[2], 11.8, (11.0, 12.6), bits_per_byte=1.0)  # outside [10.0, 11.6]
        finish(third[3], 21.0, (20.0, 22.0), bits_per_byte=1.25)  # no interval: any difference
    flags = {(c.run_id, c.previous_id, c.metric, c.value, c.previous_value, c.previous_ci_low, c.previous_ci_high)
             for c in Change.objects.all()}
    assert flags == {(third[2].pk, second[2].pk, "perplexity", 11.8, 10.8, 10.0, 11.6),
                     (third[3].pk, second[3].pk, "bits_per_byte", 1.25, 1.0, None, None)}
    model_page = client.get(reverse("registry:model-detail", args=[tagged_model.slug])).content.decode()
    changes = model_page.split('id="changes"')[1].split('id="model-card"')[0]
    assert f"#{third[2].pk}" in changes and f"#{third[3].pk}" in changes and f"#{second[2].pk}" in changes
    assert "[10.0000, 11.6000]" in changes and "11.8000" in changes
    home = client.get(reverse("evaluations:home")).content.decode()
    section = home.split('id="changes"')[1].split('id="leaderboards"')[0]
    assert reverse("evaluations:run-compare", args=[third[2].pk, second[2].pk]) in section
    assert "Tagged Llama" in section
    # Once the model is private, anonymous visitors no longer see its changes; administrators do.
    tagged_model.is_private = True
    tagged_model.save(update_fields=["is_private"])
    home = client.get(reverse("evaluations:home")).content.decode()
    assert "Tagged Llama" not in home.split('id="changes"')[1].split('id="leaderboards"')[0]
    assert {c.pk for c in queries.recent_changes(user=admin_user)} == set(Change.objects.values_list("pk", flat=True))


def test_runs_outside_the_schedule_or_failed_are_not_the_previous_result(
        suite, tagged_model, text_version, django_capture_on_commit_callbacks):
    from glassbox.evaluations import services as evaluations
    from glassbox.schedules import services
    from glassbox.schedules.models import Change, Schedule

    from .conftest import seed_perplexity_run

    schedule = services.save_schedule(Schedule(name="Nightly", suite=suite, tag="nightly"))
    with django_capture_on_commit_callbacks(execute=True):
        first = scheduled_runs(schedule)
        finish(first[2], 10.0, (9.0, 11.0))
        # A run by hand of the same spec, far away: not a scheduled result, so not "previous".
        seed_perplexity_run(tagged_model, text_version, [50.0] * 6, params={"batch_size": 2})
        failed = scheduled_runs(schedule)[2]
        evaluations.fail_run(failed.pk, "out of memory")
        latest = scheduled_runs(schedule)[2]
        finish(latest, 10.5, (10.0, 11.0))
    assert not Change.objects.exists()
    assert services.flag_changes(latest.pk) == []
