"""The JSON API root: /api/v1/, OpenAPI document at /api/v1/openapi.json."""

from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import Swagger

BEARER_SCHEME = {
    "type": "http",
    "scheme": "bearer",
    "description": (
        "The management token returned by POST /reservations (or, for /confirm, the "
        "confirmation token from the e-mail). A wrong or missing token answers 404."
    ),
}


_ERROR = {
    "application/json": {
        "schema": {
            "type": "object",
            "properties": {"detail": {"description": "A message, or the fields' errors"}},
            "required": ["detail"],
        }
    }
}
# What the framework answers before an operation's own code runs, for every operation alike.
_UNREADABLE_BODY = {"description": "The body is not JSON", "content": _ERROR}
_INVALID_INPUT = {"description": "A parameter or the body fails validation", "content": _ERROR}
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds until the rate limit lets the next request through",
        "required": True,
        "schema": {"type": "integer", "minimum": 1},
    }
}


class RathausAPI(NinjaAPI):
    """The document is the exact truth: it declares the bearer scheme the token operations
    name in `security`, the 400 (unreadable body) and 422 (validation) answers the framework
    gives on every operation with a body or parameters, and Retry-After on every 429."""

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        schema["components"].setdefault("securitySchemes", {})["bearerAuth"] = BEARER_SCHEME
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation["responses"]
                if "requestBody" in operation:
                    responses.setdefault(400, _UNREADABLE_BODY)
                typed = [p for p in operation.get("parameters", []) if p["in"] != "path"]
                if "requestBody" in operation or typed:  # a path's str cannot be invalid
                    responses.setdefault(422, _INVALID_INPUT)
                if 429 in responses:
                    responses[429]["headers"] = RETRY_AFTER
        return schema


class OwnAssetsSwagger(Swagger):
    """Swagger UI from our own static files (the CSP allows no CDN), with `lang` set."""

    template = "api/swagger.html"


api = RathausAPI(
    title="Rathaus Bottrop API",
    version="1.0.0",
    description=(
        "Wedding calendar (Traukalender), citizen-office appointments (Bürgerbüro),"
        " housing-benefit calculation and resident parking permits of the City of Bottrop."
    ),
    urls_namespace="api",
    docs_url="/docs",
    docs=OwnAssetsSwagger(),
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
api.add_router("/parking/", "rathaus.parking_permits.api.router")
api.add_router("/", "rathaus.weddings.api.router")
api.add_router("/", "rathaus.appointments.api.router")
