"""The JSON API root: /api/v1/, OpenAPI document at /api/v1/openapi.json."""

from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

api = NinjaAPI(
    title="Rathaus Bottrop API",
    version="1.0.0",
    description=(
        "Wedding calendar (Traukalender) and housing-benefit calculation of the City of Bottrop."
    ),
    urls_namespace="api",
    docs_url="/docs",
)


@api.exception_handler(ValidationError)
def validation_error(request, exc):
    return api.create_response(request, {"detail": exc.errors}, status=422)


@api.exception_handler(HttpError)
def http_error(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(AuthenticationError)
def auth_error(request, exc):
    return api.create_response(request, {"detail": "Not found."}, status=404)


api.add_router("/housing-benefit/", "rathaus.housing_benefit.api.router")
api.add_router("/", "rathaus.weddings.api.router")
