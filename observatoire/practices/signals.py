"""Signals other apps listen to, so that practices need not know about them."""

from django.dispatch import Signal

# Sent once a moderator has published a practice (a first publication or an accepted revision),
# after the change is saved: ``practice_published.send(sender=Practice, practice=p, first=True)``.
# The community app notifies the people who follow its category, themes or cooperatives.
practice_published = Signal()
