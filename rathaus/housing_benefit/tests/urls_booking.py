"""The project's URLs with a stand-in for the citizen office's booking form in front, so the
hand-over test does not depend on the appointments app's pages."""

from django.http import HttpResponse
from django.urls import path

from . import urls as housing

urlpatterns = [
    path("buergerbuero/termin/", lambda request: HttpResponse("booking form"), name="booking"),
    *housing.urlpatterns,
]
