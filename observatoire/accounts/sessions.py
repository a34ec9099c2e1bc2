"""Sessions in the database, as Django keeps them, read with a prepared query.

A signed-in person's session is read on each of their requests (when Redis does not hold
sessions: settings.py). Django's own store builds that query through the ORM every time; this
one compiles it once per process (lib/prepared.py) and checks the expiry date in Python, which
is what ``expire_date__gt=now()`` asked of the database. Everything else is Django's.
"""

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from observatoire.lib.prepared import Prepared

session_by_key = Prepared(
    lambda key: Session.objects.filter(session_key=key), name="session_by_key"
)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        key = self.session_key
        found = session_by_key(key) if isinstance(key, str) else []
        if found and found[0].expire_date > timezone.now():
            return found[0]
        self._session_key = None
        return None
