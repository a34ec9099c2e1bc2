"""Plain factory functions for people."""

import itertools

from observatoire.accounts.models import Role, User

_counter = itertools.count(1)


def make_user(
    *, role: str = Role.MEMBER, password: str = "un-mot-de-passe-solide", **fields
) -> User:
    number = next(_counter)
    fields.setdefault("email", f"personne{number}@exemple.coop")
    fields.setdefault("full_name", f"Personne {number}")
    return User.objects.create_user(password=password, role=role, **fields)
