"""What the off-hours function reads from its environment and its event, and the error for what it cannot use."""
import json


class BadRequest(ValueError):
    """The event or the environment cannot be used; retrying will not help."""


def json_value(variable, raw):
    """The JSON in environment variable `variable` (its text `raw`)."""
    try:
        return json.loads(raw)
    except (TypeError, ValueError) as error:
        raise BadRequest(f"{variable} is not JSON: {raw!r}") from error


def json_list(variable, raw):
    """The non-empty JSON list in environment variable `variable`."""
    items = json_value(variable, raw)
    if not isinstance(items, list) or not items:
        raise BadRequest(f"{variable} must be a non-empty JSON list, got {raw!r}")
    return items
