"""The project's URLs, plus /wohngeld/ until the project mounts the app itself."""

from django.urls import include, path

from config import urls as project

urlpatterns = list(project.urlpatterns)
if not any(getattr(p, "namespace", None) == "housing_benefit" for p in urlpatterns):
    urlpatterns.append(path("wohngeld/", include("rathaus.housing_benefit.urls")))
