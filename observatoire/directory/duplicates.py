"""Possible duplicates in the directory, and merging two cooperatives into one.

The same SIREN twice is refused outright (a unique column; the SIRENE import and the admin say
so). What is left are cooperatives entered twice under two SIRENs, or before their SIREN was
known: two cooperatives of the same commune whose names, once their legal words (« Scop »,
« SARL »…), accents and punctuation are set aside, are the same or nearly (``SIMILAR``).

A permanent of their Union régionale (an administrator, any) merges two of them: the one kept
takes the other's practices, people, invitations, adoptions and followers; the other is
archived, never deleted (its SIREN and its history stay), and each gets a version saying so.
"""

import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from observatoire.accounts.models import STAFF_ROLES, AccessRequest, Invitation, User
from observatoire.community.models import Adoption, Follow
from observatoire.directory.editing import add_version, snapshot
from observatoire.network.models import Cooperative
from observatoire.practices.models import Practice

# Words of a name that say its legal form, not who it is.
LEGAL_WORDS = {
    *("scop", "scic", "cae", "sarl", "sas", "sa", "sapo", "eurl", "sasu", "coop"),
    *("cooperative", "cooperatives", "societe", "ste", "ouvriere", "production", "de", "du"),
    *("des", "la", "le", "les", "l", "d", "et", "interet", "collectif"),
}
# Two names at least this alike (difflib's ratio, 0 to 1) are shown as a possible duplicate.
SIMILAR = 0.85
# Past this many cooperatives in one commune, only identical names are compared.
COMPARED_IN_A_COMMUNE = 400


def name_key(name: str) -> str:
    """« SCOP Menuiserie des Pentes, SARL » → « menuiserie pentes »."""
    text = unicodedata.normalize("NFKD", name.lower())
    text = "".join(c if c.isalnum() else " " for c in text if not unicodedata.combining(c))
    return " ".join(word for word in text.split() if word not in LEGAL_WORDS)


@dataclass(frozen=True)
class Pair:
    first: Cooperative
    second: Cooperative
    similarity: float

    @property
    def both(self) -> tuple[Cooperative, Cooperative]:
        return (self.first, self.second)


def may_merge(user, *cooperatives: Cooperative) -> bool:
    """Administrators merge any; a permanent or moderator of a UR, its cooperatives only."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_administrator:
        return True
    return (
        user.role in STAFF_ROLES
        and user.organisation_id is not None
        and all(c.union_id == user.organisation_id for c in cooperatives)
    )


def may_list(user) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and (user.is_administrator or user.role in STAFF_ROLES)
    )


def possible_duplicates(user) -> list[Pair]:
    """The pairs of listed cooperatives this person may merge that look like one another, the
    most alike first."""
    cooperatives = (
        Cooperative.objects.listed()
        .select_related("departement")
        .annotate(practice_count=Count("practices", distinct=True))
    )
    if not user.is_administrator:
        cooperatives = cooperatives.filter(union_id=user.organisation_id)
    by_commune: dict[str, list[tuple[str, Cooperative]]] = defaultdict(list)
    for cooperative in cooperatives.order_by("pk"):
        place = cooperative.commune_code or f"{cooperative.departement_id}:{cooperative.commune}"
        by_commune[place].append((name_key(cooperative.name), cooperative))
    pairs = []
    for members in by_commune.values():
        if len(members) > COMPARED_IN_A_COMMUNE:
            pairs += _identical(members)
            continue
        for index, (first_key, first) in enumerate(members):
            for second_key, second in members[index + 1 :]:
                similarity = _similarity(first_key, second_key)
                if similarity >= SIMILAR:
                    pairs.append(Pair(first, second, similarity))
    return sorted(pairs, key=lambda pair: (-pair.similarity, pair.first.sort_name))


def _identical(members: list[tuple[str, Cooperative]]) -> list[Pair]:
    same: dict[str, list[Cooperative]] = defaultdict(list)
    for key, cooperative in members:
        same[key].append(cooperative)
    return [
        Pair(group[index], other, 1.0)
        for group in same.values()
        for index in range(len(group))
        for other in group[index + 1 :]
    ]


def _similarity(first: str, second: str) -> float:
    if not first or not second:
        return 0.0
    if first == second:
        return 1.0
    matcher = SequenceMatcher(None, first, second, autojunk=False)
    if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
        return 0.0
    return matcher.ratio()


@dataclass(frozen=True)
class Moved:
    practices: int
    people: int
    adoptions: int
    follows: int


def what_moves(drop: Cooperative, keep: Cooperative) -> Moved:
    """What merging ``drop`` into ``keep`` would move (the confirmation page says it)."""
    kept_practices = set(keep.practices.values_list("pk", flat=True))
    adopted = set(keep.adoptions.values_list("practice_id", flat=True))
    followers = set(keep.follows.values_list("user_id", flat=True))
    return Moved(
        practices=drop.practices.exclude(pk__in=kept_practices).count(),
        people=User.objects.filter(cooperative=drop).count(),
        adoptions=drop.adoptions.exclude(practice_id__in=adopted).count(),
        follows=drop.follows.exclude(user_id__in=followers).count(),
    )


@transaction.atomic
def merge(drop: Cooperative, keep: Cooperative, author) -> Moved:
    """Move everything of ``drop`` to ``keep`` and archive ``drop``; both rows locked first."""
    if drop.pk == keep.pk:
        raise ValueError("a cooperative is not merged into itself")
    locked = {
        c.pk: c for c in Cooperative.objects.select_for_update().filter(pk__in=[drop.pk, keep.pk])
    }
    drop, keep = locked[drop.pk], locked[keep.pk]
    before = {drop.pk: snapshot(drop), keep.pk: snapshot(keep)}
    moved = what_moves(drop, keep)
    # Its practices: carried by the one kept (their facets and search rows follow).
    through = Practice.cooperatives.through
    carried = set(through.objects.filter(cooperative=keep).values_list("practice_id", flat=True))
    practices = list(Practice.objects.filter(cooperatives=drop))
    through.objects.filter(cooperative=drop, practice_id__in=carried).delete()
    through.objects.filter(cooperative=drop).update(cooperative=keep)
    # Its people, their invitations and access requests.
    User.objects.filter(cooperative=drop).update(cooperative=keep)
    Invitation.objects.filter(cooperative=drop).update(cooperative=keep)
    AccessRequest.objects.filter(cooperative=drop).update(cooperative=keep)
    # Its adoptions (where both adopted a practice, the one kept keeps its own) and followers.
    adopted = set(keep.adoptions.values_list("practice_id", flat=True))
    Adoption.objects.filter(cooperative=drop, practice_id__in=adopted).delete()
    for adoption in Adoption.objects.filter(cooperative=drop):
        adoption.cooperative = keep
        adoption.save(update_fields=["cooperative"])  # its pages forget the old one
    followers = set(keep.follows.values_list("user_id", flat=True))
    Follow.objects.filter(cooperative=drop, user_id__in=followers).delete()
    Follow.objects.filter(cooperative=drop).update(cooperative=keep)
    drop.archived_at = timezone.now()
    drop.save()
    keep.save()
    for practice in practices:
        practice.reindex()
    for cooperative, merged in (
        (drop, {"merged_into": keep.name}),
        (keep, {"merged_from": drop.name}),
    ):
        add_version(
            cooperative,
            author,
            before=before[cooperative.pk],
            data={**snapshot(cooperative), **merged},
            changed=list(merged),
        )
    return moved
