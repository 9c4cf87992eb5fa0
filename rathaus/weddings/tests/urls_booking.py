"""The project's URLs with stand-ins for the citizen office's booking form and service page in
front, so the hand-over tests do not depend on the appointments app's pages."""

from django.http import HttpResponse
from django.urls import path

from config import urls as project

urlpatterns = [
    path("buergerbuero/termin/", lambda request: HttpResponse("booking form")),
    path("buergerbuero/dienstleistungen/<slug:slug>/", lambda request, slug: HttpResponse(slug)),
    *project.urlpatterns,
]
