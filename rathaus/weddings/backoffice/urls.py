from django.urls import path

from . import registrar_views, settings_views, statistics_views, venue_views, views

app_name = "backoffice"

R = "reservierungen/<str:reference>/"
V = "trauorte/<slug:slug>/"
VF = "trauorte/<slug:key>/"
S = "standesbeamte/<int:pk>/"
SF = "standesbeamte/<int:key>/"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    # Registry office
    path("plan/tag/", views.PlanDayView.as_view(), name="plan-day"),
    path("plan/woche/", views.PlanWeekView.as_view(), name="plan-week"),
    path("reservierungen/", views.ReservationListView.as_view(), name="reservation-list"),
    path(R, views.ReservationDetailView.as_view(), name="reservation"),
    path(f"{R}bestaetigen/", views.ReservationConfirmView.as_view(), name="reservation-confirm"),
    path(f"{R}stornieren/", views.ReservationCancelView.as_view(), name="reservation-cancel"),
    path(f"{R}verlegen/", views.ReservationMoveView.as_view(), name="reservation-move"),
    path(
        f"{R}ablehnung-aufheben/",
        views.ReservationDeclineUndoView.as_view(),
        name="reservation-decline-undo",
    ),
    path(
        f"{R}standesbeamte/",
        views.ReservationRegistrarView.as_view(),
        name="reservation-registrar",
    ),
    # Venues (operators and the registry office)
    path("trauorte/", venue_views.VenueListView.as_view(), name="venue-list"),
    path(V, venue_views.VenueCalendarView.as_view(), name="venue"),
    path(f"{V}sperren/", venue_views.VenueBlockCreateView.as_view(), name="venue-block"),
    path(
        f"{V}sperren/<int:closure_id>/loeschen/",
        venue_views.VenueBlockDeleteView.as_view(),
        name="venue-block-delete",
    ),
    path(
        f"{V}zustimmung/<str:reference>/",
        venue_views.VenueAgreementView.as_view(),
        name="venue-agreement",
    ),
    path(
        f"{V}zustimmung/<str:reference>/ablehnen/",
        venue_views.VenueDeclineView.as_view(),
        name="venue-decline",
    ),
    path(f"{VF}kalender-abo/", venue_views.VenueFeedView.as_view(), name="venue-feed"),
    path(f"{V}kalender-import/", venue_views.VenueImportView.as_view(), name="venue-import"),
    # Venue settings (the registry office)
    path(f"{V}bearbeiten/", settings_views.VenueEditView.as_view(), name="venue-edit"),
    path(f"{V}regeln/", settings_views.VenueRulesView.as_view(), name="venue-rules"),
    # Registrars
    path("mein-plan/", registrar_views.MyScheduleView.as_view(), name="my-schedule"),
    path("standesbeamte/", registrar_views.RegistrarListView.as_view(), name="registrar-list"),
    path(S, registrar_views.RegistrarScheduleView.as_view(), name="registrar"),
    path(
        f"{S}abwesenheit/",
        registrar_views.RegistrarAbsenceCreateView.as_view(),
        name="registrar-absence",
    ),
    path(
        f"{S}abwesenheit/<int:closure_id>/loeschen/",
        registrar_views.RegistrarAbsenceDeleteView.as_view(),
        name="registrar-absence-delete",
    ),
    path(f"{SF}kalender-abo/", registrar_views.RegistrarFeedView.as_view(), name="registrar-feed"),
    path(f"{S}dienstplan/", settings_views.RegistrarRulesView.as_view(), name="registrar-rules"),
    # Rules of the whole office
    path("regeln/<int:rule_id>/", settings_views.WeeklyRuleEditView.as_view(), name="rule-edit"),
    path(
        "regeln/<int:rule_id>/loeschen/",
        settings_views.WeeklyRuleDeleteView.as_view(),
        name="rule-delete",
    ),
    path(
        "zusatztermine/<int:opening_id>/loeschen/",
        settings_views.ExtraOpeningDeleteView.as_view(),
        name="opening-delete",
    ),
    path("schliessungen/", settings_views.ClosureListView.as_view(), name="closure-list"),
    path(
        "schliessungen/<int:closure_id>/loeschen/",
        settings_views.ClosureDeleteView.as_view(),
        name="closure-delete",
    ),
    path("reservierungsregeln/", settings_views.PolicyEditView.as_view(), name="policy"),
    # Statistics
    path("statistik/", statistics_views.StatisticsView.as_view(), name="statistics"),
    path("statistik.csv", statistics_views.StatisticsCsvView.as_view(), name="statistics-csv"),
    path("statistik.svg", statistics_views.StatisticsChartView.as_view(), name="statistics-svg"),
    # Calendar feeds: secret URL, no login
    path("feed/<str:token>.ics", venue_views.FeedView.as_view(), name="feed"),
]
