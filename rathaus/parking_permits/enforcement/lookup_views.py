"""The online plate lookup (plate-bound permits, § 63g StVG)."""

from django.http import HttpResponse

from rathaus.accounts.access import staff_page

from .selectors import access_enforcement


@staff_page(access_enforcement)
def plate_lookup(request):
    return HttpResponse("Kennzeichen")
