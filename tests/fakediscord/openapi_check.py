"""Validation of the requests a bot sends to (fake) Discord.

Three independent checks, all returning human-readable problem strings:

* :class:`SpecValidator` – Discord's official OpenAPI 3.1 spec (file named by the
  ``DISCORD_OPENAPI_SPEC`` environment variable, loaded once and cached): the method + path
  must be an operation of the spec, the JSON body (or multipart ``payload_json``) must match
  its ``requestBody`` schema (JSON Schema draft 2020-12) and query parameters their schemas.
* :func:`check_limits` – documented limits the spec does not encode (2000-char content,
  embed totals, component counts, autocomplete choices, command names ...).
* :func:`check_ping_safety` – every body that creates or edits message content must carry
  ``allowed_mentions`` that pings no one.

:func:`check_request` runs all three for one request.
"""

from __future__ import annotations

import copy
import functools
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from jsonschema.exceptions import (  # type: ignore[import-untyped]
    ValidationError,
    relevance,
)
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_ENV_VAR = "DISCORD_OPENAPI_SPEC"
SPEC_URI = "urn:discord-openapi-spec"
API_PREFIX = "/api/v10"

# --- documented limits (https://discord.com/developers/docs) ------------------------------
MAX_CONTENT = 2000
MAX_EMBEDS = 10
MAX_EMBED_TITLE = 256
MAX_EMBED_DESCRIPTION = 4096
MAX_EMBED_FIELDS = 25
MAX_FIELD_NAME = 256
MAX_FIELD_VALUE = 1024
MAX_FOOTER_TEXT = 2048
MAX_AUTHOR_NAME = 256
MAX_EMBED_TOTAL = 6000
MAX_ACTION_ROWS = 5
MAX_ROW_BUTTONS = 5
MAX_BUTTON_LABEL = 80
MAX_CUSTOM_ID = 100
MAX_SELECT_OPTIONS = 25
MAX_CHOICES = 25
MAX_CHOICE_NAME = 100
MAX_CHOICE_STRING_VALUE = 100
MAX_COMMAND_NAME = 32
MAX_COMMAND_DESCRIPTION = 100
MAX_OPTIONS = 25
MAX_COMMAND_TOTAL = 4000
MAX_MODAL_TITLE = 45
COMPONENTS_V2_FLAG = 1 << 15

_SNOWFLAKE_RE = re.compile(r"^(0|[1-9][0-9]*)$")
_INT_STRING = {"type": "string", "pattern": r"^-?[0-9]+$"}

# Message-content-bearing routes: (method, regex on the /api/v10-relative path, kind).
# kind "create" = always needs allowed_mentions; "edit" = only when it sets content/embeds.
_MESSAGE_ROUTES: list[tuple[str, re.Pattern[str], str]] = [
    ("POST", re.compile(r"^/channels/[^/]+/messages$"), "create"),
    ("PATCH", re.compile(r"^/channels/[^/]+/messages/[^/]+$"), "edit"),
    ("POST", re.compile(r"^/webhooks/[^/]+/[^/]+$"), "create"),
    ("PATCH", re.compile(r"^/webhooks/[^/]+/[^/]+/messages/[^/]+$"), "edit"),
]
_CALLBACK_RE = re.compile(r"^/interactions/[^/]+/[^/]+/callback$")
_COMMANDS_RE = re.compile(r"^/applications/[^/]+(/guilds/[^/]+)?/commands(/[^/]+)?$")


# =========================================================================================
# OpenAPI spec validation
# =========================================================================================


def _relax(node: Any) -> Any:
    """Rewrite spec quirks in place so that valid discord.py requests validate.

    * ``oneOf`` -> ``anyOf``: Discord's unions are marked ``x-discord-union: oneOf`` but the
      branches overlap (an integer is also a number, objects allow extra keys), and Discord
      itself accepts a value matching any branch.
    * ``SnowflakeType`` and int64 integers: Discord accepts snowflakes / int64 values both as
      JSON integers and as digit strings (discord.py sends e.g. permissions as strings).
    """
    if isinstance(node, list):
        return [_relax(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _relax(value) for key, value in node.items()}
    if "oneOf" in out:
        branches = out.pop("oneOf")
        if "anyOf" in out:
            out["allOf"] = [*out.get("allOf", []), {"anyOf": branches}]
        else:
            out["anyOf"] = branches
    types = out.get("type")
    type_list = types if isinstance(types, list) else [types]
    if "integer" in type_list and "string" not in type_list:
        maximum = out.get("maximum")
        big = out.get("format") == "int64" or (isinstance(maximum, int) and maximum > 2**31)
        if big:
            integer_schema = {k: v for k, v in out.items() if k not in ("description",)}
            return {"anyOf": [integer_schema, _INT_STRING]}
    return out


@dataclass(frozen=True)
class _Operation:
    template: str
    regex: re.Pattern[str]
    literal_segments: int
    method: str
    op: Mapping[str, Any]
    path_item: Mapping[str, Any]


class SpecValidator:
    """Validates requests against Discord's OpenAPI spec (load with :meth:`load`)."""

    def __init__(self, spec: Mapping[str, Any], source: str = "<memory>") -> None:
        """Prepare matchers and a ``$ref`` registry for ``spec`` (an OpenAPI 3.1 document)."""
        self.source = source
        self.spec: dict[str, Any] = _relax(copy.deepcopy(dict(spec)))
        schemas = self.spec.get("components", {}).get("schemas", {})
        if "SnowflakeType" in schemas:
            # Discord parses snowflakes from JSON integers too (discord.py sends both).
            schemas["SnowflakeType"] = {
                "anyOf": [schemas["SnowflakeType"], {"type": "integer", "minimum": 0}]
            }
        resource: Resource[Any] = Resource.from_contents(
            self.spec, default_specification=DRAFT202012
        )
        self.registry: Registry[Any] = Registry().with_resource(SPEC_URI, resource)
        self._operations: list[_Operation] = []
        for template, path_item in self.spec.get("paths", {}).items():
            pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "([^/]+)", re.escape(template)) + "$"
            literal = sum(1 for seg in template.split("/") if seg and not seg.startswith("{"))
            for method, op in path_item.items():
                if method in ("parameters", "summary", "description", "servers"):
                    continue
                self._operations.append(
                    _Operation(
                        template,
                        re.compile(pattern),
                        literal,
                        method.upper(),
                        op,
                        path_item,
                    )
                )
        self._operations.sort(key=lambda o: -o.literal_segments)
        self._validators: dict[str, Draft202012Validator] = {}
        self._param_validators: dict[str, Draft202012Validator] = {}

    # -- loading -----------------------------------------------------------------------
    @staticmethod
    @functools.cache
    def load(path: str) -> SpecValidator:
        """Load (once per path, cached) the spec file at ``path``."""
        with open(path, encoding="utf-8") as fh:
            return SpecValidator(json.load(fh), source=path)

    @classmethod
    def from_env(cls) -> SpecValidator | None:
        """The validator for ``$DISCORD_OPENAPI_SPEC``, or ``None`` when it is unset/empty."""
        path = os.environ.get(SPEC_ENV_VAR, "").strip()
        if not path:
            return None
        return cls.load(path)

    # -- matching ------------------------------------------------------------------------
    def match(self, method: str, path: str) -> tuple[_Operation, dict[str, str]] | None:
        """Find the spec operation for ``method`` + ``path`` (relative to /api/v10)."""
        path = path.split("?", 1)[0]
        if path.startswith(API_PREFIX):
            path = path[len(API_PREFIX) :]
        if len(path) > 1:
            path = path.rstrip("/")
        for operation in self._operations:
            if operation.method != method.upper():
                continue
            found = operation.regex.match(path)
            if found is None:
                continue
            names = re.findall(r"\{([^}]+)\}", operation.template)
            return operation, dict(zip(names, found.groups(), strict=True))
        return None

    def _validator_for(self, pointer: str) -> Draft202012Validator:
        validator = self._validators.get(pointer)
        if validator is None:
            validator = Draft202012Validator(
                {"$ref": f"{SPEC_URI}#{pointer}"}, registry=self.registry
            )
            self._validators[pointer] = validator
        return validator

    def _schema_errors(self, pointer: str, instance: Any, what: str) -> list[str]:
        validator = self._validator_for(pointer)
        errors = list(validator.iter_errors(instance))
        if not errors:
            return []
        return [f"{what} does not match the spec: {_describe(max(errors, key=relevance))}"]

    # -- validation ----------------------------------------------------------------------
    def check(
        self,
        method: str,
        path: str,
        body: Any = None,
        query: Mapping[str, str] | None = None,
        *,
        content_type: str = "application/json",
    ) -> list[str]:
        """Problems of one request according to the spec (empty list = valid)."""
        matched = self.match(method, path)
        if matched is None:
            return [f"{method.upper()} {path} is not an operation of the Discord OpenAPI spec"]
        operation, path_params = matched
        problems: list[str] = []
        params = self._parameters(operation)
        for name, value in path_params.items():
            schema = params.get(("path", name))
            if schema is not None:
                problems += self._check_param(schema, value, f"path parameter {name!r}")
        for name, value in (query or {}).items():
            schema = params.get(("query", name))
            if schema is None:
                problems.append(f"query parameter {name!r} is not defined by the spec")
            else:
                problems += self._check_param(schema, value, f"query parameter {name!r}")
        request_body = operation.op.get("requestBody")
        if request_body is None:
            if body not in (None, {}, b"", ""):
                problems.append("the spec defines no request body for this operation")
            return problems
        if body is None:
            if request_body.get("required"):
                problems.append("request body is required by the spec but missing")
            return problems
        content = request_body.get("content", {})
        media = content_type if content_type in content else "application/json"
        if media not in content:
            problems.append(f"content type {content_type!r} not accepted by the spec")
            return problems
        pointer = _pointer(
            "paths", operation.template, operation.method.lower(), "requestBody", "content", media
        )
        problems += self._schema_errors(pointer + "/schema", body, "request body")
        return problems

    def _parameters(self, operation: _Operation) -> dict[tuple[str, str], Any]:
        out: dict[tuple[str, str], Any] = {}
        for param in [
            *operation.path_item.get("parameters", []),
            *operation.op.get("parameters", []),
        ]:
            if "$ref" in param:
                continue
            out[(param["in"], param["name"])] = param.get("schema", {})
        return out

    def _check_param(self, schema: Mapping[str, Any], raw: str, what: str) -> list[str]:
        value = _coerce_param(schema, raw, self.spec)
        key = json.dumps(schema, sort_keys=True)
        validator = self._param_validators.get(key)
        if validator is None:
            # Parameter schemas use document-local refs: make them resolve against the spec.
            validator = Draft202012Validator(_rebase_refs(schema), registry=self.registry)
            self._param_validators[key] = validator
        errors = list(validator.iter_errors(value))
        if errors:
            return [
                f"{what}={raw!r} does not match the spec: {_describe(max(errors, key=relevance))}"
            ]
        return []


def _rebase_refs(node: Any) -> Any:
    if isinstance(node, list):
        return [_rebase_refs(item) for item in node]
    if isinstance(node, dict):
        out = {k: _rebase_refs(v) for k, v in node.items()}
        ref = out.get("$ref")
        if isinstance(ref, str) and ref.startswith("#"):
            out["$ref"] = SPEC_URI + ref
        return out
    return node


def _resolve_local(schema: Mapping[str, Any], spec: Mapping[str, Any]) -> Mapping[str, Any]:
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        node: Any = spec
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return _resolve_local(node, spec)
    return schema


def _schema_types(schema: Mapping[str, Any], spec: Mapping[str, Any]) -> set[str]:
    schema = _resolve_local(schema, spec)
    types: set[str] = set()
    raw = schema.get("type")
    if isinstance(raw, str):
        types.add(raw)
    elif isinstance(raw, list):
        types.update(t for t in raw if isinstance(t, str))
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(key, []) or []:
            types |= _schema_types(sub, spec)
    return types


def _coerce_param(schema: Mapping[str, Any], raw: str, spec: Mapping[str, Any]) -> Any:
    """Turn a query/path string into the JSON value its schema expects (as Discord parses)."""
    types = _schema_types(schema, spec)
    if "boolean" in types:
        lowered = raw.lower()
        if lowered in ("true", "1"):
            return True
        if lowered in ("false", "0"):
            return False
    if "integer" in types and re.fullmatch(r"-?[0-9]+", raw) and "string" not in types:
        return int(raw)
    if "number" in types and "string" not in types:
        try:
            return float(raw)
        except ValueError:
            return raw
    return raw


def _pointer(*parts: str) -> str:
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in parts)


def _branch_is_plausible(errors: list[ValidationError]) -> bool:
    """False if a union branch fails on the value's JSON type or on its ``type`` tag."""
    for err in errors:
        rel = list(err.relative_path)
        if not rel and err.validator == "type":
            return False
        if rel == ["type"] and err.validator in ("enum", "const"):
            return False
    return True


def _deepest(error: ValidationError) -> ValidationError:
    """Descend into ``anyOf`` failures, following the branch the value was meant for."""
    while error.validator in ("anyOf", "oneOf") and error.context:
        branches: dict[Any, list[ValidationError]] = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        plausible = [errs for errs in branches.values() if _branch_is_plausible(errs)]
        if len(plausible) != 1:
            instance = error.instance
            if not plausible and isinstance(instance, Mapping) and "type" in instance:
                return ValidationError(
                    f"type {instance['type']!r} matches none of the allowed variants",
                    path=error.absolute_path,
                )
            if not plausible:
                return error
            candidates = [e for errs in plausible for e in errs]
        else:
            candidates = plausible[0]
        error = max(candidates, key=relevance)
    return error


def _describe(error: ValidationError) -> str:
    error = _deepest(error)
    location = "".join(f"[{p!r}]" for p in error.absolute_path) or "<root>"
    message = error.message
    if len(message) > 300:
        message = message[:300] + "..."
    return f"at {location}: {message}"


# =========================================================================================
# Documented limits
# =========================================================================================


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def embed_length(embed: Mapping[str, Any]) -> int:
    """Characters Discord counts towards the 6000 total for one embed."""
    total = len(_text(embed.get("title"))) + len(_text(embed.get("description")))
    for fld in embed.get("fields") or []:
        if isinstance(fld, Mapping):
            total += len(_text(fld.get("name"))) + len(_text(fld.get("value")))
    footer = embed.get("footer")
    if isinstance(footer, Mapping):
        total += len(_text(footer.get("text")))
    author = embed.get("author")
    if isinstance(author, Mapping):
        total += len(_text(author.get("name")))
    return total


def _check_len(problems: list[str], where: str, value: Any, limit: int) -> None:
    if isinstance(value, str) and len(value) > limit:
        problems.append(f"{where} is {len(value)} characters (limit {limit})")


def check_message_limits(body: Mapping[str, Any], where: str = "message") -> list[str]:
    """Limits of a message create/edit body: content, embeds and components."""
    problems: list[str] = []
    _check_len(problems, f"{where} content", body.get("content"), MAX_CONTENT)
    embeds = body.get("embeds")
    if isinstance(embeds, list):
        if len(embeds) > MAX_EMBEDS:
            problems.append(f"{where} has {len(embeds)} embeds (limit {MAX_EMBEDS})")
        total = 0
        for i, embed in enumerate(embeds):
            if not isinstance(embed, Mapping):
                continue
            prefix = f"{where} embed[{i}]"
            _check_len(problems, f"{prefix} title", embed.get("title"), MAX_EMBED_TITLE)
            _check_len(
                problems, f"{prefix} description", embed.get("description"), MAX_EMBED_DESCRIPTION
            )
            fields = embed.get("fields") or []
            if isinstance(fields, list):
                if len(fields) > MAX_EMBED_FIELDS:
                    problems.append(f"{prefix} has {len(fields)} fields (limit {MAX_EMBED_FIELDS})")
                for j, fld in enumerate(fields):
                    if isinstance(fld, Mapping):
                        _check_len(
                            problems, f"{prefix} field[{j}] name", fld.get("name"), MAX_FIELD_NAME
                        )
                        _check_len(
                            problems,
                            f"{prefix} field[{j}] value",
                            fld.get("value"),
                            MAX_FIELD_VALUE,
                        )
            footer = embed.get("footer")
            if isinstance(footer, Mapping):
                _check_len(problems, f"{prefix} footer text", footer.get("text"), MAX_FOOTER_TEXT)
            author = embed.get("author")
            if isinstance(author, Mapping):
                _check_len(problems, f"{prefix} author name", author.get("name"), MAX_AUTHOR_NAME)
            total += embed_length(embed)
        if total > MAX_EMBED_TOTAL:
            problems.append(f"{where} embeds total {total} characters (limit {MAX_EMBED_TOTAL})")
    components = body.get("components")
    if isinstance(components, list):
        flags = body.get("flags")
        v2 = isinstance(flags, int) and bool(flags & COMPONENTS_V2_FLAG)
        problems += check_components(components, where=where, components_v2=v2)
    return problems


def check_components(
    components: list[Any], *, where: str = "message", components_v2: bool = False
) -> list[str]:
    """Limits of message components (action rows, buttons, selects, custom ids)."""
    problems: list[str] = []
    rows = [c for c in components if isinstance(c, Mapping) and c.get("type") == 1]
    if not components_v2 and len(components) > MAX_ACTION_ROWS:
        problems.append(f"{where} has {len(components)} action rows (limit {MAX_ACTION_ROWS})")
    for i, row in enumerate(rows):
        children = [c for c in row.get("components") or [] if isinstance(c, Mapping)]
        buttons = [c for c in children if c.get("type") == 2]
        if len(buttons) > MAX_ROW_BUTTONS:
            problems.append(
                f"{where} action row[{i}] has {len(buttons)} buttons (limit {MAX_ROW_BUTTONS})"
            )
        if len(children) > 1 and any(c.get("type") in (3, 5, 6, 7, 8) for c in children):
            problems.append(f"{where} action row[{i}] mixes a select menu with other components")

    def walk(node: Any, path: str) -> None:
        if isinstance(node, list):
            for k, item in enumerate(node):
                walk(item, f"{path}[{k}]")
            return
        if not isinstance(node, Mapping):
            return
        ctype = node.get("type")
        _check_len(
            problems, f"{where} component{path} custom_id", node.get("custom_id"), MAX_CUSTOM_ID
        )
        if ctype == 2:
            _check_len(problems, f"{where} button{path} label", node.get("label"), MAX_BUTTON_LABEL)
        if ctype == 3:
            options = node.get("options") or []
            if len(options) > MAX_SELECT_OPTIONS:
                problems.append(
                    f"{where} select{path} has {len(options)} options (limit {MAX_SELECT_OPTIONS})"
                )
        for key in ("components", "accessory"):
            if key in node:
                walk(node[key], f"{path}.{key}")

    walk(components, "")
    return problems


def _is_valid_command_name(name: str, *, chat_input: bool) -> bool:
    if not 1 <= len(name) <= MAX_COMMAND_NAME:
        return False
    if not chat_input:
        return True
    if name != name.lower():
        return False
    return all(ch.isalnum() or ch in "-_'" for ch in name)


def _command_length(command: Mapping[str, Any]) -> int:
    total = len(_text(command.get("name"))) + len(_text(command.get("description")))
    for option in command.get("options") or []:
        if isinstance(option, Mapping):
            total += _command_length(option)
            for choice in option.get("choices") or []:
                if isinstance(choice, Mapping):
                    total += len(_text(choice.get("name"))) + len(str(choice.get("value", "")))
    return total


def _check_choices(problems: list[str], where: str, choices: Any) -> None:
    if not isinstance(choices, list):
        return
    if len(choices) > MAX_CHOICES:
        problems.append(f"{where} has {len(choices)} choices (limit {MAX_CHOICES})")
    for k, choice in enumerate(choices):
        if not isinstance(choice, Mapping):
            continue
        name = choice.get("name")
        if not isinstance(name, str) or not 1 <= len(name) <= MAX_CHOICE_NAME:
            length = len(name) if isinstance(name, str) else name
            problems.append(f"{where} choice[{k}] name length {length} (must be 1..100)")
        value = choice.get("value")
        if isinstance(value, str) and len(value) > MAX_CHOICE_STRING_VALUE:
            problems.append(f"{where} choice[{k}] value is {len(value)} characters (limit 100)")


def _check_options(problems: list[str], where: str, options: Any) -> None:
    if not isinstance(options, list):
        return
    if len(options) > MAX_OPTIONS:
        problems.append(f"{where} has {len(options)} options (limit {MAX_OPTIONS})")
    for k, option in enumerate(options):
        if not isinstance(option, Mapping):
            continue
        name = _text(option.get("name"))
        owhere = f"{where} option {name or k!r}"
        if not _is_valid_command_name(name, chat_input=True):
            problems.append(f"{owhere}: invalid name {name!r} (1..32 lowercase chars)")
        desc = option.get("description")
        if not isinstance(desc, str) or not 1 <= len(desc) <= MAX_COMMAND_DESCRIPTION:
            problems.append(f"{owhere}: description must be 1..100 characters")
        _check_choices(problems, owhere, option.get("choices"))
        if option.get("type") in (1, 2):
            _check_options(problems, owhere, option.get("options"))


def check_command(command: Mapping[str, Any], where: str = "command") -> list[str]:
    """Limits of one application command payload."""
    problems: list[str] = []
    ctype = command.get("type", 1)
    chat_input = ctype in (1, None)
    name = _text(command.get("name"))
    where = f"{where} {name!r}"
    if not _is_valid_command_name(name, chat_input=chat_input):
        rule = "1..32 lowercase chars" if chat_input else "1..32 chars"
        problems.append(f"{where}: invalid name ({rule})")
    desc = command.get("description")
    if chat_input:
        if not isinstance(desc, str) or not 1 <= len(desc) <= MAX_COMMAND_DESCRIPTION:
            problems.append(f"{where}: description must be 1..100 characters")
    elif desc not in (None, ""):
        problems.append(f"{where}: context menu commands must have an empty description")
    _check_options(problems, where, command.get("options"))
    if not chat_input and command.get("options"):
        problems.append(f"{where}: context menu commands cannot have options")
    total = _command_length(command)
    if total > MAX_COMMAND_TOTAL:
        problems.append(f"{where}: {total} characters in total (limit {MAX_COMMAND_TOTAL})")
    return problems


def check_command_list(commands: list[Any], where: str = "commands") -> list[str]:
    """Limits of a bulk-overwrite command list (per-command limits plus counts/duplicates)."""
    problems: list[str] = []
    seen: set[tuple[Any, str]] = set()
    counts = {1: 0, 2: 0, 3: 0}
    for command in commands:
        if not isinstance(command, Mapping):
            continue
        problems += check_command(command, where)
        key = (command.get("type", 1), _text(command.get("name")))
        if key in seen:
            problems.append(f"{where}: duplicate command {key[1]!r} of type {key[0]}")
        seen.add(key)
        if key[0] in counts:
            counts[key[0]] += 1
    for ctype, limit in ((1, 100), (2, 5), (3, 5)):
        if counts[ctype] > limit:
            problems.append(f"{where}: {counts[ctype]} commands of type {ctype} (limit {limit})")
    return problems


def check_limits(method: str, path: str, body: Any) -> list[str]:
    """Documented Discord limits for one request body (path relative to /api/v10)."""
    if not isinstance(body, (Mapping, list)):
        return []
    method = method.upper()
    if _COMMANDS_RE.match(path):
        if isinstance(body, list) and method == "PUT":
            return check_command_list(body)
        if isinstance(body, Mapping) and method in ("POST", "PATCH"):
            return check_command(body)
        return []
    if not isinstance(body, Mapping):
        return []
    if method == "POST" and _CALLBACK_RE.match(path):
        return check_callback_limits(body)
    for route_method, regex, _kind in _MESSAGE_ROUTES:
        if method == route_method and regex.match(path):
            return check_message_limits(body)
    return []


def check_callback_limits(body: Mapping[str, Any]) -> list[str]:
    """Limits of an interaction callback body (by callback type)."""
    problems: list[str] = []
    ctype = body.get("type")
    data = body.get("data")
    if not isinstance(data, Mapping):
        return problems
    if ctype in (4, 5, 7):
        problems += check_message_limits(data, where=f"callback type {ctype}")
    elif ctype == 8:
        _check_choices(problems, "autocomplete result", data.get("choices"))
    elif ctype == 9:
        _check_len(problems, "modal custom_id", data.get("custom_id"), MAX_CUSTOM_ID)
        _check_len(problems, "modal title", data.get("title"), MAX_MODAL_TITLE)
        comps = data.get("components") or []
        if isinstance(comps, list):
            if len(comps) > 5:
                problems.append(f"modal has {len(comps)} components (limit 5)")
            problems += check_components(comps, where="modal", components_v2=True)
    return problems


# =========================================================================================
# Ping safety
# =========================================================================================


def _allowed_mentions_problems(body: Mapping[str, Any]) -> list[str]:
    mentions = body.get("allowed_mentions")
    if not isinstance(mentions, Mapping):
        return [
            "allowed_mentions missing: a user's @everyone or <@id> echoed back would ping "
            "(use discord.AllowedMentions.none())"
        ]
    problems: list[str] = []
    parse = mentions.get("parse")
    if parse != []:
        problems.append(f"allowed_mentions.parse must be an empty list, got {parse!r}")
    for key in ("users", "roles"):
        value = mentions.get(key)
        if isinstance(value, list) and value:
            problems.append(f"allowed_mentions.{key} must be empty, got {value!r}")
        elif value is not None and not isinstance(value, list):
            problems.append(f"allowed_mentions.{key} has unexpected value {value!r}")
    if mentions.get("replied_user") is True:
        problems.append("allowed_mentions.replied_user must not be true")
    return problems


def _edits_content(body: Mapping[str, Any]) -> bool:
    return any(body.get(key) is not None for key in ("content", "embeds"))


def check_ping_safety(method: str, path: str, body: Any) -> list[str]:
    """``allowed_mentions`` must ping no one on every body that creates or edits content.

    Creates (channel messages, callback type 4, followups) always need it; edits (callback
    type 7, PATCH of a message) need it whenever they set ``content`` or ``embeds``.
    """
    if not isinstance(body, Mapping):
        return []
    method = method.upper()
    if method == "POST" and _CALLBACK_RE.match(path):
        ctype = body.get("type")
        data = body.get("data")
        data = data if isinstance(data, Mapping) else {}
        if ctype == 4 or (ctype == 7 and _edits_content(data)):
            return [f"callback type {ctype}: {p}" for p in _allowed_mentions_problems(data)]
        return []
    for route_method, regex, kind in _MESSAGE_ROUTES:
        if method == route_method and regex.match(path):
            if kind == "create" or _edits_content(body):
                return _allowed_mentions_problems(body)
            return []
    return []


# =========================================================================================
# Everything for one request
# =========================================================================================


def check_request(
    method: str,
    path: str,
    body: Any = None,
    query: Mapping[str, str] | None = None,
    *,
    validator: SpecValidator | None = None,
    content_type: str = "application/json",
) -> list[str]:
    """All problems of one request, each prefixed with ``"METHOD path: "``.

    ``path`` is relative to ``/api/v10`` (a leading ``/api/v10`` is stripped). The spec
    check runs only when ``validator`` is given (see :meth:`SpecValidator.from_env`).
    """
    method = method.upper()
    rel = path[len(API_PREFIX) :] if path.startswith(API_PREFIX) else path
    problems: list[str] = []
    if validator is not None:
        problems += validator.check(method, rel, body, query, content_type=content_type)
    problems += check_limits(method, rel, body)
    problems += check_ping_safety(method, rel, body)
    return [f"{method} {rel}: {p}" for p in problems]


def is_snowflake(value: Any) -> bool:
    """Whether ``value`` looks like a snowflake (digit string or non-negative int)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value >= 0
    return isinstance(value, str) and bool(_SNOWFLAKE_RE.match(value))


__all__ = [
    "SPEC_ENV_VAR",
    "SpecValidator",
    "check_callback_limits",
    "check_command",
    "check_command_list",
    "check_components",
    "check_limits",
    "check_message_limits",
    "check_ping_safety",
    "check_request",
    "embed_length",
    "is_snowflake",
]
