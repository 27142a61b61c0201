"""GraphQL over HTTP to the gateway, acting for one user with the hub's service token.

Two kinds of failure are kept apart because the spawner acts on them differently:
GatewayUnavailable (the gateway or its engine could not answer: the notebook's state is unknown)
and GatewayError (the gateway answered and refused: bad options, forbidden, conflict).
"""

import json

from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest

ACT_AS_HEADER = "X-Hpcg-Act-As"

# Codes with which the gateway says "I or the engine behind me could not answer", not "no".
# BACKEND_UNAVAILABLE is what gateways before 2026-12 called UNAVAILABLE: the hub may be upgraded first.
UNAVAILABLE_CODES = {"UNAVAILABLE", "BACKEND_UNAVAILABLE", "INTERNAL", "INTERNAL_SERVER_ERROR"}

NOTEBOOK_FIELDS = "id state reason queuePosition message url serverName stopRequested"

SPAWN = f"""mutation SpawnNotebook($profile: String!, $options: JSON, $serverName: String, $environment: JSON) {{
  spawnNotebook(profile: $profile, options: $options, serverName: $serverName, environment: $environment) {{ {NOTEBOOK_FIELDS} }}
}}"""
STOP = f"mutation StopNotebook($id: Int!) {{ stopNotebook(id: $id) {{ {NOTEBOOK_FIELDS} }} }}"
NOTEBOOK = f"query Notebook($id: Int!) {{ notebook(id: $id) {{ {NOTEBOOK_FIELDS} }} }}"
LIVE_NOTEBOOKS = (
    f"query LiveNotebooks {{ notebooks(states: [PENDING, STARTING, READY]) {{ {NOTEBOOK_FIELDS} }} }}"
)
PROFILES = """query NotebookProfiles { notebookProfiles {
  name description partition cpus memory gpus maxTime image
  options { name label kind default min max choices }
} }"""
VALIDATE = """query ValidateNotebookOptions($profile: String!, $options: JSON) {
  validateNotebookOptions(profile: $profile, options: $options)
}"""
PROGRESS = f"subscription NotebookProgress($id: Int!) {{ notebookProgress(id: $id) {{ {NOTEBOOK_FIELDS} }} }}"


class GatewayUnavailable(Exception):
    """The gateway (or the engine it asked) could not answer; nothing is known about the notebook."""


class GatewayError(Exception):
    """The gateway answered with an error: code (extensions.code), message, details."""

    def __init__(self, code, message, details=None):
        super().__init__(message)
        self.code = code
        self.details = details or {}


def error_from_graphql(errors):
    """The first GraphQL error as a GatewayError or GatewayUnavailable (engine trouble)."""
    first = errors[0] if errors else {}
    extensions = first.get("extensions") or {}
    code = extensions.get("code") or "UNKNOWN"
    message = first.get("message") or "the gateway returned an error without a message"
    if code in UNAVAILABLE_CODES:
        return GatewayUnavailable(f"gateway error {code}: {message}")
    return GatewayError(code, message, extensions.get("details"))


class GatewayClient:
    def __init__(self, url, token, timeout):
        self.endpoint = url.rstrip("/") + "/graphql"
        self.token = token
        self.timeout = timeout

    async def execute(self, user, query, variables=None):
        """Run one operation as `user`; returns its `data`, raises GatewayError / GatewayUnavailable."""
        operation = query.split("(", 1)[0].split("{", 1)[0].split()[-1]
        request = HTTPRequest(
            self.endpoint,
            method="POST",
            headers={
                "Authorization": f"Bearer {self.token}",
                ACT_AS_HEADER: user,
                "Content-Type": "application/json",
                "Accept": "application/json",
            },
            body=json.dumps({"operationName": operation, "query": query, "variables": variables or {}}),
            connect_timeout=self.timeout,
            request_timeout=self.timeout,
        )
        try:
            response = await AsyncHTTPClient().fetch(request, raise_error=False)
        except (OSError, HTTPClientError) as e:
            raise GatewayUnavailable(f"gateway {self.endpoint} unreachable: {e}") from e
        if response.code == 599 or response.code >= 500:
            raise GatewayUnavailable(f"gateway {self.endpoint} answered HTTP {response.code}")
        try:
            payload = json.loads(response.body or b"")
            if not isinstance(payload, dict):
                raise ValueError("not an object")
        except ValueError as e:
            raise GatewayUnavailable(
                f"gateway {self.endpoint} answered HTTP {response.code} without JSON"
            ) from e
        if payload.get("errors"):
            raise error_from_graphql(payload["errors"])
        if response.code != 200:
            # A refusal outside GraphQL (e.g. a rejected token before the resolver ran).
            raise GatewayError(f"HTTP_{response.code}", str(payload.get("message") or payload)[:300])
        if not isinstance(payload.get("data"), dict):
            raise GatewayUnavailable(f"gateway {self.endpoint} answered without data")
        return payload["data"]
