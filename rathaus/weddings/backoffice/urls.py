from django.urls import path

from .views import office, registrar, settings, statistics, venue

app_name = "backoffice"

R = "reservierungen/<str:reference>/"
V = "trauorte/<slug:slug>/"
VF = "trauorte/<slug:key>/"
S = "standesbeamte/<int:pk>/"
SF = "standesbeamte/<int:key>/"

urlpatterns = [
    path("", office.HomeView.as_view(), name="home"),
    # Registry office
    path("plan/tag/", office.PlanDayView.as_view(), name="plan-day"),
    path("plan/woche/", office.PlanWeekView.as_view(), name="plan-week"),
    path("reservierungen/", office.ReservationListView.as_view(), name="reservation-list"),
    path(R, office.ReservationDetailView.as_view(), name="reservation"),
    path(f"{R}bestaetigen/", office.ReservationConfirmView.as_view(), name="reservation-confirm"),
    path(f"{R}stornieren/", office.ReservationCancelView.as_view(), name="reservation-cancel"),
    path(f"{R}verlegen/", office.ReservationMoveView.as_view(), name="reservation-move"),
    path(
        f"{R}ablehnung-aufheben/",
        office.ReservationDeclineUndoView.as_view(),
        name="reservation-decline-undo",
    ),
    path(
        f"{R}standesbeamte/",
        office.ReservationRegistrarView.as_view(),
        name="reservation-registrar",
    ),
    # Venues (operators and the registry office)
    path("trauorte/", venue.VenueListView.as_view(), name="venue-list"),
    path(V, venue.VenueCalendarView.as_view(), name="venue"),
    path(f"{V}sperren/", venue.VenueBlockCreateView.as_view(), name="venue-block"),
    path(
        f"{V}sperren/<int:closure_id>/loeschen/",
        venue.VenueBlockDeleteView.as_view(),
        name="venue-block-delete",
    ),
    path(
        f"{V}zustimmung/<str:reference>/",
        venue.VenueAgreementView.as_view(),
        name="venue-agreement",
    ),
    path(
        f"{V}zustimmung/<str:reference>/ablehnen/",
        venue.VenueDeclineView.as_view(),
        name="venue-decline",
    ),
    path(f"{VF}kalender-abo/", venue.VenueFeedView.as_view(), name="venue-feed"),
    path(f"{V}kalender-import/", venue.VenueImportView.as_view(), name="venue-import"),
    # Venue settings (the registry office)
    path(f"{V}bearbeiten/", settings.VenueEditView.as_view(), name="venue-edit"),
    path(f"{V}regeln/", settings.VenueRulesView.as_view(), name="venue-rules"),
    # Registrars
    path("mein-plan/", registrar.MyScheduleView.as_view(), name="my-schedule"),
    path("standesbeamte/", registrar.RegistrarListView.as_view(), name="registrar-list"),
    path(S, registrar.RegistrarScheduleView.as_view(), name="registrar"),
    path(
        f"{S}abwesenheit/",
        registrar.RegistrarAbsenceCreateView.as_view(),
        name="registrar-absence",
    ),
    path(
        f"{S}abwesenheit/<int:closure_id>/loeschen/",
        registrar.RegistrarAbsenceDeleteView.as_view(),
        name="registrar-absence-delete",
    ),
    path(f"{SF}kalender-abo/", registrar.RegistrarFeedView.as_view(), name="registrar-feed"),
    path(f"{S}dienstplan/", settings.RegistrarRulesView.as_view(), name="registrar-rules"),
    # Rules of the whole office
    path("regeln/<int:rule_id>/", settings.WeeklyRuleEditView.as_view(), name="rule-edit"),
    path(
        "regeln/<int:rule_id>/loeschen/",
        settings.WeeklyRuleDeleteView.as_view(),
        name="rule-delete",
    ),
    path(
        "zusatztermine/<int:opening_id>/loeschen/",
        settings.ExtraOpeningDeleteView.as_view(),
        name="opening-delete",
    ),
    path("schliessungen/", settings.ClosureListView.as_view(), name="closure-list"),
    path(
        "schliessungen/<int:closure_id>/loeschen/",
        settings.ClosureDeleteView.as_view(),
        name="closure-delete",
    ),
    path("reservierungsregeln/", settings.PolicyEditView.as_view(), name="policy"),
    # Statistics
    path("statistik/", statistics.StatisticsView.as_view(), name="statistics"),
    path("statistik.csv", statistics.StatisticsCsvView.as_view(), name="statistics-csv"),
    path("statistik.svg", statistics.StatisticsChartView.as_view(), name="statistics-svg"),
    # Calendar feeds: secret URL, no login
    path("feed/<str:token>.ics", venue.FeedView.as_view(), name="feed"),
]
