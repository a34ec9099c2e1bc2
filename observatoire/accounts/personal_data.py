"""What the platform holds about a person, gathered from every app (GDPR).

Each app registers, in its ``AppConfig.ready()``, how to export a person's data, how « Mes
données » names it for people, and what to do with it when the account is deleted::

    personal_data.register(
        "commentaires",
        title=_("commentaires"),
        export=lambda user: [{"texte": c.body, "date": c.created_at} for c in ...],
        labels={"texte": _("texte"), "date": personal_data.fields(Comment)("created_at")},
        erase=lambda user: Comment.objects.filter(author=user).update(author=None),
    )

``export`` returns JSON-serialisable data under stable keys, the same in every language: the
download is read by other services (dates are serialised by DjangoJSONEncoder). ``title`` and
``labels`` are for people: the heading of the section, and for each key of the exported rows
its label, a (lazy) translation or the model field whose ``verbose_name`` it is; a field with
choices also shows its values by their labels (« chaque semaine », not ``weekly``), as
``choices`` does for enumerated values of no field. ``erase`` anonymises or deletes the data.
Contributions stay, without their author.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Field, Model
from django.utils.functional import Promise

# A label for people: a translation, or the model field whose verbose name it is.
Label = str | Promise | Field


@dataclass(frozen=True)
class Source:
    key: str
    title: str | Promise
    export: Callable[[Any], Any]
    erase: Callable[[Any], None] | None
    labels: Mapping[str, Label]
    choices: Mapping[str, Mapping[Any, Any]]  # raw value → its label

    def label(self, key: str) -> str:
        """One key of the exported rows as people read it, in the active language."""
        label = self.labels.get(key, key)
        return str(label.verbose_name if isinstance(label, Field) else label)

    def shown(self, key: str, value: Any) -> Any:
        """An enumerated value under this key as people read it: the label of its choice."""
        choices = self.choices.get(key, {})
        if isinstance(value, str | int) and value in choices:
            return str(choices[value])
        return value


_sources: dict[str, Source] = {}


def register(
    key: str,
    *,
    title: str | Promise,
    export: Callable[[Any], Any],
    erase: Callable[[Any], None] | None = None,
    labels: Mapping[str, Label] | None = None,
    choices: Mapping[str, Mapping[Any, Any]] | None = None,
) -> None:
    labels = dict(labels or {})
    of_fields = {
        name: dict(label.flatchoices)
        for name, label in labels.items()
        if isinstance(label, Field) and label.choices
    }
    _sources[key] = Source(key, title, export, erase, labels, of_fields | dict(choices or {}))


def fields(model: type[Model]) -> Callable[[str], Field]:
    """A model's fields by name, as labels: ``practice = fields(Practice)``, then
    ``labels={"titre": practice("title")}``."""

    def field(name: str) -> Field:
        found = model._meta.get_field(name)
        if not isinstance(found, Field):
            raise TypeError(f"{model.__name__}.{name} is a relation of another model")
        return found

    return field


def sources() -> list[Source]:
    return list(_sources.values())


def export_for(user) -> dict[str, Any]:
    return {source.key: source.export(user) for source in _sources.values()}


def erase_for(user) -> None:
    for source in _sources.values():
        if source.erase is not None:
            source.erase(user)
