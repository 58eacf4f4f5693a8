"""Metric results keep their goal: a target value where the metric has one (bias at 50, BBQ at 0)."""
from django.db import migrations, models


def fill_targets(apps, schema_editor) -> None:
    """Set the target (and 'lower', the direction of its distance) on results of metrics that have one.

    Read from today's registry: a result of an evaluator or metric no longer registered keeps the
    direction it was stored with.
    """
    import evaluators  # noqa: F401 (registers every evaluator)
    from evaluators import registry

    MetricResult = apps.get_model("evaluations", "MetricResult")
    for name in registry.names():
        for metric in registry.get(name).metrics:
            if metric.target is not None:
                (MetricResult.objects.filter(run__evaluator=name, name=metric.name)
                 .update(target=metric.target, direction=metric.direction))


class Migration(migrations.Migration):

    dependencies = [
        ('evaluations', '0003_run_reuse'),
    ]

    operations = [
        migrations.AddField(
            model_name='metricresult',
            name='target',
            field=models.FloatField(blank=True, help_text='The value the metric should reach, where its goal is a target.', null=True),
        ),
        migrations.RunPython(fill_targets, migrations.RunPython.noop),
    ]
