"""Helpers of the cross-organisation walks: the routes, what a route looks up, what a page says.

Routes come from Django's URL configuration and the API's OpenAPI schema, so a route added
later is walked without editing the tests. Nothing here names an app's module.
"""

from __future__ import annotations

import contextlib
import functools
import io
import re
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from typing import Any
from unittest import mock
from urllib.parse import parse_qsl, urljoin, urlsplit

from django.apps import apps
from django.db import connection, models
from django.http import HttpResponseBase
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver

from caminantes.api import api

UUID_CONVERTER = re.compile(r"<uuid:(\w+)>")
ANY_CONVERTER = re.compile(r"<(?:\w+:)?\w+>")


@contextlib.contextmanager
def without_template_copies() -> Iterator[None]:
    """The test client keeps a copy of the context of every template a response renders
    (for `response.context`); a form page renders dozens, and the walks read none of them.
    Inside the block it keeps none (`response.context` is None)."""
    with mock.patch("django.test.client.store_rendered_templates", lambda *a, **k: None):
        yield


def _walk(patterns: list[Any], prefix: str = "") -> list[str]:
    routes = []
    for p in patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            routes += _walk(p.url_patterns, route)
        elif isinstance(p, URLPattern):
            routes.append(route)
    return routes


def page_routes() -> list[str]:
    """Every route of the URL configuration but the API's, which the schema describes."""
    api_prefix = re.compile(r"^\^?api/")
    return sorted({r for r in _walk(get_resolver().url_patterns) if not api_prefix.match(r)})


def page_routes_with_ids() -> list[str]:
    return [r for r in page_routes() if UUID_CONVERTER.search(r)]


def page_routes_without_ids() -> list[str]:
    """Lists, searches, counts, exports, dashboards: routes whose URL names no object."""
    return [r for r in page_routes() if not ANY_CONVERTER.search(r)]


def route_url(route: str, key: uuid.UUID | None = None) -> str:
    path = UUID_CONVERTER.sub(str(key), route) if key is not None else route
    return "/" + path.replace("^", "").replace("$", "")


@functools.cache
def _schema() -> dict[str, Any]:
    """The OpenAPI schema, built once per process (half a second each time)."""
    return api.get_openapi_schema()


def api_operations() -> Iterator[tuple[str, str, dict[str, Any]]]:
    schema = _schema()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield method.upper(), path, operation


def api_routes_with_ids() -> list[tuple[str, str]]:
    return [(m, p) for m, p, _ in api_operations() if "{" in p]


def api_lists() -> list[tuple[str, list[str]]]:
    """GET operations naming no object, each with its free-text query parameters."""
    found = []
    for method, path, operation in api_operations():
        if method != "GET" or "{" in path:
            continue
        texts = [
            p["name"]
            for p in operation.get("parameters", [])
            if p.get("in") == "query" and _is_free_text(p.get("schema", {}))
        ]
        found.append((path, texts))
    return found


def _is_free_text(schema: dict[str, Any]) -> bool:
    options = schema.get("anyOf", [schema])
    return any(o.get("type") == "string" and not o.get("format") and not o.get("enum")
               for o in options)  # fmt: skip


# --- what a route looks up -----------------------------------------------------------

_COLUMN = r'(?:"(?P<table>\w+)"|(?P<alias>\b[A-Z]\d+))\."(?P<column>\w+)"'
_UNKNOWN = object()


def _tables() -> dict[str, type[models.Model]]:
    return {m._meta.db_table: m for m in apps.get_models(include_auto_created=True)}


def looked_up_models(queries: list[dict[str, Any]], key: uuid.UUID) -> set[Any]:
    """The models whose row `key` was looked up as, in the SQL a request ran.

    A value compared with a model's own `uuid` column names that model; compared with any
    other column (a uuid kept as a reference, say) it could name anything, and the answer
    holds `_UNKNOWN` so that the caller tries every object.
    """
    values = "|".join(re.escape(v) for v in (key.hex, str(key)))
    compare = re.compile(_COLUMN + rf"\s*(?:=|IN\s*\()\s*'?(?:{values})", re.IGNORECASE)
    tables = _tables()
    found: set[Any] = set()
    for query in queries:
        sql = query["sql"]
        for m in compare.finditer(sql):
            table = m.group("table")
            if table is None:
                alias = re.search(rf'"(\w+)"\s+(?:AS\s+)?{m.group("alias")}\b', sql)
                table = alias.group(1) if alias else ""
            model = tables.get(table)
            if model is not None and m.group("column") == "uuid":
                found.add(model)
            else:
                found.add(_UNKNOWN)
    return found


REFUSALS = frozenset({401, 403, 405})


def refused_regardless(status: int, queries: list[dict[str, Any]], key: uuid.UUID) -> bool:
    """Whether a request for the id `key` was refused (401, 403, 405) before the database
    ever saw the id: a refusal reached without the id gives every id the same answer, so
    asking again with a foreign object's id proves nothing more, and the walks skip it.

    Only refusals: a page that loads rows by other means (a household's members) may pick
    one by the id in Python, never sending the id to the database, and answer 200 or 404
    according to it; such answers are always asked again."""
    if status not in REFUSALS:
        return False
    values = (key.hex, str(key))
    return not any(v in query["sql"].lower() for query in queries for v in values)


def objects_for(lookups: set[Any], objects: list[models.Model]) -> list[models.Model]:
    """The objects a route looking up `lookups` should be asked for (all, when unsure)."""
    if not lookups or _UNKNOWN in lookups:
        return objects
    return [o for o in objects if lookups & {type(o), *o._meta.get_parent_list()}]


@contextlib.contextmanager
def capturing() -> Iterator[CaptureQueriesContext]:
    """The SQL of what runs inside. Django keeps the last 9,000 queries of a connection and
    CaptureQueriesContext slices that log by its length, so once a long walk has filled it
    every capture came back empty, and each route was then asked for every object (the walk
    took 54 s instead of 11). The log is emptied first."""
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as ctx:
        yield ctx


def send_capturing(
    client: Client, method: str, url: str, **kw: Any
) -> tuple[int, list[dict[str, Any]]]:
    """The status of one request and the SQL it ran."""
    with capturing() as ctx:
        response = client.generic(method, url, **kw)
    return response.status_code, ctx.captured_queries


def get_capturing(client: Client, url: str, **kw: Any) -> tuple[int, list[dict[str, Any]]]:
    """GET (POST when the route takes only that) and the SQL the request ran."""
    with capturing() as ctx:
        response = client.get(url, **kw)
        if response.status_code == 405:
            response = client.post(url, **kw)
    return response.status_code, ctx.captured_queries


# --- what a page says ----------------------------------------------------------------


def readable(response: HttpResponseBase) -> str:
    """Everything a person could read in the answer: HTML, JSON, CSV, or the XML inside an
    XLSX (a zip), lower-cased."""
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    else:
        body = response.content  # type: ignore[attr-defined]
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            body = b"\n".join(archive.read(name) for name in archive.namelist())
    return body.decode("utf-8", errors="replace").lower()


@dataclass
class Form:
    """A GET form of a page: where it goes and the fields a person would fill."""

    action: str
    texts: list[str] = field(default_factory=list)
    defaults: dict[str, str] = field(default_factory=dict)
    choices: dict[str, list[str]] = field(default_factory=dict)

    def variants(self, terms: list[str], max_choices: int = 6) -> Iterator[dict[str, str]]:
        """As left; each text field holding each term; each choice picked in turn."""
        yield dict(self.defaults)
        for name in self.texts:
            for term in terms:
                yield {**self.defaults, name: term}
        for name, options in self.choices.items():
            for option in options[:max_choices]:
                if option != self.defaults.get(name):
                    yield {**self.defaults, name: option}


class _FormParser(HTMLParser):
    TEXT_TYPES = frozenset({"text", "search", ""})

    def __init__(self, page_url: str) -> None:
        super().__init__()
        self.page_url = page_url
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "get":
                action = urlsplit(urljoin(self.page_url, a.get("action") or self.page_url))
                self._form = Form(action=action.path)
                self.forms.append(self._form)
            return
        form, name = self._form, a.get("name", "")
        if form is None or not name:
            if tag == "option" and form is not None and self._select:
                self._option(form, self._select, a)
            return
        if tag == "input":
            kind = a.get("type", "").lower()
            if kind in self.TEXT_TYPES:
                form.texts.append(name)
            elif kind in {"radio", "checkbox"}:
                form.choices.setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    form.defaults[name] = a.get("value", "on")
            elif kind not in {"submit", "button", "file", "password"}:
                form.defaults[name] = a.get("value", "")
        elif tag == "select":
            self._select = name
        elif tag == "textarea":
            form.texts.append(name)

    def _option(self, form: Form, select: str, a: dict[str, str]) -> None:
        value = a.get("value", "")
        form.choices.setdefault(select, []).append(value)
        if "selected" in a or select not in form.defaults:
            form.defaults[select] = value

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


_LINK = re.compile(r'href="([^"#]*\?[^"#]+)"')


def id_parameters(html: str, page_url: str) -> set[tuple[str, str]]:
    """The (path, parameter) pairs of the page's links that carry a uuid in the query
    string, such as a button that opens a form about one person."""
    found = set()
    for href in _LINK.findall(html):
        url = urlsplit(urljoin(page_url, unescape(href)))
        for name, value in parse_qsl(url.query):
            try:
                uuid.UUID(value)
            except ValueError:
                continue
            found.add((url.path, name))
    return found


def get_forms(html: str, page_url: str) -> list[Form]:
    parser = _FormParser(page_url)
    parser.feed(html)
    return parser.forms
