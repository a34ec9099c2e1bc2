"""What the platform holds about a person, gathered from every app (GDPR).

Each app registers, in its ``AppConfig.ready()``, how to export a person's data and what to do
with it when the account is deleted::

    personal_data.register(
        "commentaires",
        export=lambda user: [{"texte": c.body, "date": c.created_at} for c in ...],
        erase=lambda user: Comment.objects.filter(author=user).update(author=None),
    )

``export`` returns JSON-serialisable data (dates are serialised by DjangoJSONEncoder);
``erase`` anonymises or deletes it. Contributions stay, without their author.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Source:
    key: str
    export: Callable[[Any], Any]
    erase: Callable[[Any], None] | None


_sources: dict[str, Source] = {}


def register(
    key: str,
    *,
    export: Callable[[Any], Any],
    erase: Callable[[Any], None] | None = None,
) -> None:
    _sources[key] = Source(key, export, erase)


def sources() -> list[Source]:
    return list(_sources.values())


def export_for(user) -> dict[str, Any]:
    return {source.key: source.export(user) for source in _sources.values()}


def erase_for(user) -> None:
    for source in _sources.values():
        if source.erase is not None:
            source.erase(user)
