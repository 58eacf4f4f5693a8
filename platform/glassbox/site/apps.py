from django.apps import AppConfig


class SiteConfig(AppConfig):
    """Pages that combine several apps (the home page, a model's page): the top layer, which may read
    from every app below it and which none of them imports."""

    name = "glassbox.site"
    label = "glassbox_site"
    verbose_name = "Site pages"
