"""Queries whose SQL is built once per process: the ORM's query, without the ORM's cost each time.

On an indexed lookup, building a QuerySet and compiling it to SQL costs far more than running it:
about 0.5 ms of Python for a practice's themes against 0.02 ms in SQLite. A page of ten such
queries spent most of its time there. A :class:`Prepared` query is written as an ordinary QuerySet
(in a function of its arguments); the first call on a connection builds it with stand-in values,
compiles it and keeps its SQL, where each argument goes among the parameters, and how its rows
become objects. Later calls only put the arguments in place and run the SQL.

It keeps no data: every call reads the database, through Django's cursor (so transactions,
``execute_wrapper`` and query counting see it like any query), and turns the rows into model
instances (``select_related`` included) or tuples exactly as the ORM does. It is not a cache.

Arguments: an ``int`` or a ``str`` is a parameter of the SQL; a list or tuple of them is one too
(one SQL per length, as ``__in`` needs); anything else (``None``, a boolean, a model class) and the
first ``shape`` arguments change the query itself and give one SQL per value. An argument used
where the SQL cannot take it as a parameter (a slice, ``contains`` that wraps it in ``%``) is
refused when the query is first built, not silently wrong. Querysets with ``prefetch_related``
or ``extra`` are refused too: prefetch with prepared queries of their own.
"""

import weakref
from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    ValuesIterable,
    ValuesListIterable,
    get_related_populators,
)

_INT_BASE = -(2**40)  # far below any primary key or count the site will hold
_MARK = "\x1fprepared:"
_PLANS = "_observatoire_prepared_plans"  # kept on the connection wrapper: dropped with it
MAX_PLANS = 2000  # a connection's plans (SQL and row readers: a few KiB each)


def _int_stand_in(position: int, item: int) -> int:
    return _INT_BASE - position * 10_000 - item


def _str_stand_in(position: int, item: int) -> str:
    return f"{_MARK}{position}:{item}\x1f"


def _kind(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return "int"
    if isinstance(value, str):
        return "str"
    return None


class _Plan:
    """One compiled form of a prepared query: SQL, where the arguments go, how rows are read."""

    def __init__(
        self, name: str, queryset: Any, slots: dict, outer: Callable[[str, str], str] | None = None
    ) -> None:
        if queryset._prefetch_related_lookups:
            raise ImproperlyConfigured(f"{name} : prefetch_related n'est pas préparable.")
        if queryset.query.extra or queryset._known_related_objects:
            raise ImproperlyConfigured(
                f"{name} : requête non préparable (extra, gestionnaire lié)."
            )
        self.iterable = queryset._iterable_class
        if self.iterable not in (
            ModelIterable,
            ValuesListIterable,
            FlatValuesListIterable,
            ValuesIterable,
        ):
            raise ImproperlyConfigured(f"{name} : forme de résultat non prise en charge.")
        self.db = queryset.db
        compiler = queryset.query.get_compiler(using=self.db)
        try:
            self.sql, params = compiler.as_sql()
        except EmptyResultSet:
            self.sql, params = "", ()
        self.empty = not self.sql
        # Each parameter: a constant of the query, or the argument (and item) it stands for.
        self.params: list[tuple[int, int | None] | tuple[None, Any]] = []
        found = set()
        for value in params:
            slot = slots.get((type(value), value)) if isinstance(value, (int, str)) else None
            if slot is not None:
                self.params.append(slot)
                found.add(slot)
            elif isinstance(value, str) and _MARK in value:
                raise ImproperlyConfigured(
                    f"{name} : un argument est transformé dans le SQL ({value!r}) ; "
                    "passez-le déjà sous sa forme finale."
                )
            else:
                self.params.append((None, value))
        missing = set(slots.values()) - found
        if missing and not self.empty:
            raise ImproperlyConfigured(
                f"{name} : les arguments {sorted(missing)} ne sont pas des paramètres du SQL "
                "(tranche, valeur calculée) : passez-les comme forme (shape)."
            )
        self.compiler = compiler
        if self.empty:
            return
        if outer is not None:  # a query around the queryset's: its rows, as tuples
            self.sql = outer(self.sql, connections[self.db].vendor)
            self.iterable, self.col_count, self.converters = ValuesListIterable, None, []
            return
        self.col_count = compiler.col_count if compiler.has_extra_select else None
        fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
        if compiler.has_composite_fields(fields):
            raise ImproperlyConfigured(f"{name} : clés composites non prises en charge.")
        self.converters = compiler.get_converters(fields)
        self.fetch_mode = queryset._fetch_mode
        query = queryset.query
        if self.iterable is ValuesIterable:
            self.names = (
                list(query.selected)
                if query.selected
                else [*query.extra_select, *query.values_select, *query.annotation_select]
            )
        elif self.iterable is ModelIterable:
            klass_info = compiler.klass_info
            self.model = klass_info["model"]
            select_fields = klass_info["select_fields"]
            self.start, self.end = select_fields[0], select_fields[-1] + 1
            self.init_list = [f[0].target.attname for f in compiler.select[self.start : self.end]]
            self.annotations = list(compiler.annotation_col_map.items())
            self.klass_info = klass_info
            self.populators = (
                None
                if self.fetch_mode.track_peers
                else get_related_populators(klass_info, compiler.select, self.db, self.fetch_mode)
            )

    def run(self, args: Sequence[Any]) -> list:
        if self.empty:
            return []
        params = [
            value
            if position is None
            else (args[position] if value is None else args[position][value])
            for position, value in self.params
        ]
        connection = connections[self.db]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.col_count is not None:
            rows = [row[: self.col_count] for row in rows]
        if self.converters:
            rows = list(self.compiler.apply_converters(rows, self.converters))
        if self.iterable is ModelIterable:
            return self._instances(rows)
        if self.iterable is FlatValuesListIterable:
            return [row[0] for row in rows]
        if self.iterable is ValuesIterable:
            names = self.names
            return [dict(zip(names, row, strict=True)) for row in rows]
        return [tuple(row) for row in rows]

    def _instances(self, rows: list) -> list:
        model, db, fetch_mode = self.model, self.db, self.fetch_mode
        start, end, init_list, annotations = self.start, self.end, self.init_list, self.annotations
        populators = self.populators
        peers: list | None = None
        if populators is None:  # peers are tracked per query run, as the ORM does
            populators = get_related_populators(
                self.klass_info, self.compiler.select, db, fetch_mode
            )
            peers = []
        from_db = model.from_db
        objects = []
        for row in rows:
            obj = from_db(db, init_list, row[start:end], fetch_mode=fetch_mode)
            if peers is not None:
                peers.append(weakref.ref(obj))
                obj._state.peers = peers
            for populator in populators:
                populator.populate(row, obj)
            for attr, position in annotations:
                setattr(obj, attr, row[position])
            objects.append(obj)
        return objects


class Prepared:
    """A query built by ``build(*args)`` whose SQL is compiled once per connection and shape.

    ``Prepared(build)(*args)`` returns the list the queryset ``build(*args)`` would give (model
    instances, tuples, flat values or dicts), with one query, without building the queryset.

    With ``outer``, the SQL run is ``outer(sql, vendor)``: a query written around the
    queryset's (for what the ORM cannot say, such as expanding a JSON array), whose rows come
    back as tuples.
    """

    def __init__(
        self,
        build: Callable[..., QuerySet],
        *,
        shape: int = 0,
        name: str = "",
        outer: Callable[[str, str], str] | None = None,
    ) -> None:
        self.build = build
        self.shape = shape
        self.name = name or getattr(build, "__qualname__", "requête préparée")
        self.outer = outer

    def __call__(self, *args: Any, using: str = DEFAULT_DB_ALIAS) -> list:
        key: list = [self]
        for position, value in enumerate(args):
            if position < self.shape:
                key.append(("shape", value))
            elif isinstance(value, (list, tuple)):
                key.append((tuple(_kind(item) for item in value), type(value)))
            else:
                kind = _kind(value)
                key.append(kind if kind else ("shape", value))
        key_tuple = tuple(key)
        connection = connections[using]
        plans = connection.__dict__.get(_PLANS)
        if plans is None:
            plans = connection.__dict__[_PLANS] = {}
        plan = plans.get(key_tuple)
        if plan is None:
            if len(plans) >= MAX_PLANS:  # shapes past the first MAX_PLANS: forget the oldest
                del plans[next(iter(plans))]
            plan = plans[key_tuple] = self._compile(args, key_tuple)
        return plan.run(args)

    def _compile(self, args: Sequence[Any], key: tuple) -> _Plan:
        stand_ins: list[Any] = []
        slots: dict = {}
        for position, value in enumerate(args):
            if position < self.shape:
                stand_ins.append(value)
                continue
            if isinstance(value, (list, tuple)):
                items = []
                for item_position, item in enumerate(value):
                    kind = _kind(item)
                    if kind is None:
                        raise ImproperlyConfigured(
                            f"{self.name} : une liste d'arguments ne contient que des entiers "
                            "ou des chaînes."
                        )
                    stand_in = (_int_stand_in if kind == "int" else _str_stand_in)(
                        position, item_position
                    )
                    slots[(type(stand_in), stand_in)] = (position, item_position)
                    items.append(stand_in)
                stand_ins.append(type(value)(items))
            elif (kind := _kind(value)) is not None:
                stand_in = (_int_stand_in if kind == "int" else _str_stand_in)(position, 0)
                slots[(type(stand_in), stand_in)] = (position, None)
                stand_ins.append(stand_in)
            else:
                stand_ins.append(value)
        return _Plan(self.name, self.build(*stand_ins), slots, self.outer)


def prepared(*, shape: int = 0) -> Callable[[Callable[..., QuerySet]], Prepared]:
    """Decorator form: ``@prepared()`` over a function that returns a QuerySet."""

    def wrap(build: Callable[..., QuerySet]) -> Prepared:
        return Prepared(build, shape=shape)

    return wrap


def attach(instance: Any, name: str, objects: list) -> None:
    """Make ``instance.<name>.all()`` give ``objects`` without a query, as ``prefetch_related``
    leaves it (``name``: a many-to-many field or a reverse foreign key, by its accessor)."""
    related = instance._meta.get_field(name).related_model
    queryset: QuerySet = QuerySet(model=related)
    queryset._result_cache = objects
    queryset._prefetch_done = True  # type: ignore[attr-defined]
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[name] = queryset
