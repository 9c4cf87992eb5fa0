"""A stand-in for the project API: the router mounted at /api/v1/housing-benefit/."""

from django.urls import path
from ninja import NinjaAPI

from rathaus.housing_benefit.api import router

api = NinjaAPI(urls_namespace="housing-benefit-test-api", docs_url=None)
api.add_router("/housing-benefit/", router)

urlpatterns = [path("api/v1/", api.urls)]
