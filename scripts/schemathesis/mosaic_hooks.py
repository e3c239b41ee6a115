"""Schemathesis hooks for Mosaic Life (loaded by scripts/test.d/60-schemathesis.sh).

One rule of the API cannot be written in OpenAPI 3.0, which has no way to
compare two fields: a legacy's `death_date` must not be before its
`birth_date` (422 VALIDATION_FAILED, described on the field and tested in
bin/api/tests/http_api.rs). Bodies that break it are not "schema-valid
requests" in the sense of the API, so they are not generated. Nothing else
is filtered.
"""

import schemathesis


@schemathesis.hook
def filter_body(context, body):
    operation = context.operation
    if operation is None or operation.definition.raw.get("operationId") not in (
        "create_legacy",
        "update_legacy",
    ):
        return True
    if not isinstance(body, dict):
        return True
    birth, death = body.get("birth_date"), body.get("death_date")
    if isinstance(birth, str) and isinstance(death, str):
        # Both are `format: date` (YYYY-MM-DD), which sorts as text.
        return not death < birth
    return True
