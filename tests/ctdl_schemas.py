"""The Credential Engine's JSON Schemas (``tests/fixtures/ctdl/schemas``), with the rules this
project follows where a schema is older than what the Registry takes today.

The schemas are the Credential Registry's own (``fixtures/schemas/ce_registry`` of
CredentialEngine/CredentialRegistry, Apache-2.0). They predate three things the Registry now
publishes, so each is allowed here, and nothing else is relaxed:

1. **Language maps.** In the ``ceterms`` schemas (credential, organization, learning
   opportunity) ``meta:langstring`` is a plain string; the Registry has since moved every
   text property to language maps (``{"en-US": "…"}``), which the ``ceasn`` schemas in the same
   folder already require. We follow the Registry's current form: a langstring may be a plain
   string (as the schema says) or a language map whose values are strings, and a
   ``langstring_multi`` may also be a language map whose values are lists of strings.
2. **The context URL.** The schemas enumerate ``http://credreg.net/…/context/json``; the
   Registry's official context URLs are now ``https://``. Both are accepted.
3. **LearningProgram and Course.** The learning-opportunity schema knows only
   ``ceterms:LearningOpportunityProfile``; CTDL has since added its subclasses
   ``ceterms:LearningProgram`` and ``ceterms:Course``, which the Registry publishes with the same
   required properties. They are validated against that definition.

And one slip: the organization schema lists ``ceterms:Organization`` among its types (added in
2021, "Add new organization type of ceterms:Organization"), but that definition's ``@type``
enum was copied from ``ceterms:CredentialOrganization``, so no ``ceterms:Organization`` could
ever pass. The enum is set to the definition's own name; its required properties are kept.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

SCHEMAS = Path(__file__).resolve().parent / "fixtures" / "ctdl" / "schemas"

#: CTDL @type → (schema file, definition to validate against).
SCHEMA_FOR_TYPE: dict[str, str] = {
    "ceterms:CredentialOrganization": "organization",
    "ceterms:Organization": "organization",
    "ceterms:LearningProgram": "learning_opportunity_profile",
    "ceterms:Course": "learning_opportunity_profile",
    "ceterms:LearningOpportunityProfile": "learning_opportunity_profile",
    "ceasn:CompetencyFramework": "competency_framework",
    "ceasn:Competency": "competency",
}
_LANGUAGE_MAP = {"type": "object", "additionalProperties": {"type": "string"}}
_LANGUAGE_MAP_MULTI = {
    "type": "object",
    "additionalProperties": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
}


def schema_name(ctdl_type: str) -> str:
    """The schema file (stem) for a node of *ctdl_type* (every credential type → credential)."""
    return SCHEMA_FOR_TYPE.get(ctdl_type, "credential")


@cache
def _raw(name: str) -> dict[str, Any]:
    return json.loads((SCHEMAS / f"{name}.json").read_text(encoding="utf-8"))


@cache
def _validator(name: str, current_rules: bool) -> jsonschema.Draft4Validator:
    schema = copy.deepcopy(_raw(name))
    if current_rules:
        defs = schema["definitions"]
        urls = defs["@context"]["enum"]
        defs["@context"]["enum"] = sorted({*urls, *(u.replace("http://", "https://") for u in urls)})
        if defs.get("meta:langstring", {}).get("type") == "string":  # rule 1
            defs["meta:langstring"] = {"anyOf": [{"type": "string"}, _LANGUAGE_MAP]}
            defs["meta:langstring_multi"] = {
                "anyOf": [{"type": "array", "items": {"$ref": "#/definitions/meta:langstring"}}, _LANGUAGE_MAP_MULTI]
            }
        organization = defs.get("ceterms:Organization")  # the copied enum
        if organization is not None:
            organization["properties"]["@type"] = {"enum": ["ceterms:Organization"]}
        lop = defs.get("ceterms:LearningOpportunityProfile")  # rule 3
        if lop is not None:
            lop["properties"]["@type"] = {"enum": [
                "ceterms:LearningOpportunityProfile", "ceterms:LearningProgram", "ceterms:Course"]}
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema)


def errors(node: dict[str, Any], *, current_rules: bool = True, context: str | None = None) -> list[str]:
    """The schema errors of one top-level CTDL *node* (``path: message``), validated against the
    schema for its ``@type``. *context* is added as ``@context`` when the node has none (a
    member of a ``@graph`` document inherits the document's)."""
    if context is not None and "@context" not in node:
        node = {"@context": context, **node}
    validator = _validator(schema_name(str(node.get("@type"))), current_rules)
    branches = [b.get("$ref", "").rsplit("/", 1)[-1] for b in validator.schema.get("anyOf", [])]
    found = []
    for error in validator.iter_errors(node):
        causes = [error]
        if error.validator == "anyOf" and not error.absolute_path and node.get("@type") in branches:
            # anyOf over the credential or organization types: report the branch for this @type.
            index = branches.index(node["@type"])
            causes = [c for c in error.context if c.relative_schema_path[0] == index]
        for cause in causes:
            path = "/".join(str(p) for p in cause.absolute_path) or "(document)"
            found.append(f"{path}: {cause.message[:200]}")
    return sorted(set(found))
