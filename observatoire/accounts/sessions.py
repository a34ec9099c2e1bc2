"""Sessions in the database, read with the person they sign in, in one prepared query.

A signed-in person's session and the person are read on each of their requests. Django's
database store reads the session, then its authentication backend reads the person: two queries
(with Redis, a round trip to Redis and a query). Here the session row names its person
(``accounts.Session.user``, filled when the session is saved), and one query compiled once per
process (lib/prepared.py) reads the session, the person and what the header shows of them
(``backends.PERSON_ANNOTATIONS``). ``backends.ModelBackend.get_user`` takes that person instead
of reading it again; Django then checks the session's hash against it as usual.

The expiry date is checked in Python, which is what ``expire_date__gt=now()`` asked of the
database. Everything else is Django's store (``clearsessions`` empties expired rows).
"""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import db
from django.utils import timezone

from observatoire.accounts.backends import PERSON_ANNOTATIONS, read_with_session
from observatoire.accounts.models import Session
from observatoire.lib.numbers import parse_int
from observatoire.lib.prepared import Prepared

session_by_key = Prepared(
    lambda key: (
        Session.objects.filter(session_key=key)
        .select_related("user")
        .annotate(
            **{name: expression("user_id") for name, expression in PERSON_ANNOTATIONS.items()}
        )
    ),
    name="session_by_key",
)


class SessionStore(db.SessionStore):
    @classmethod
    def get_model_class(cls):
        return Session

    def _get_session_from_db(self):
        key = self.session_key
        found = session_by_key(key) if isinstance(key, str) else []
        if found and found[0].expire_date > timezone.now():
            session = found[0]
            person = session.user
            if person is not None:
                for name in PERSON_ANNOTATIONS:
                    setattr(person, name, getattr(session, name))
            read_with_session(person)
            return session
        read_with_session(None)
        self._session_key = None
        return None

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        person = str(data.get(SESSION_KEY, ""))
        session.user_id = parse_int(person)
        return session
