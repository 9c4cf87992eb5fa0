"""The installable app shell (offline QR verification)."""

from django.http import HttpResponse

from rathaus.accounts.access import staff_page

from .selectors import access_enforcement


@staff_page(access_enforcement)
def app(request):
    return HttpResponse("Kontrolle")
