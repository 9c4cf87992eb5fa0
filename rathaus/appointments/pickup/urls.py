"""The citizen's pick-up pages, mounted at /buergerbuero/abholung/."""

from django.urls import path

from . import views

app_name = "pickup"

urlpatterns = [
    path("<str:reference>/<str:token>/", views.PickupView.as_view(), name="detail"),
    path("<str:reference>/<str:token>/termin/", views.SlotView.as_view(), name="slot"),
    path("<str:reference>/<str:token>/post/", views.PostalView.as_view(), name="postal"),
]
