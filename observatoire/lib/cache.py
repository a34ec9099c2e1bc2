"""Caching keyed on what a page shows, invalidated per object.

Each cached thing (a rendered fragment, a visitor's whole page) records the *versions* it was
computed from: ``listing`` (what any list or count shows), ``practice:<pk>`` (a practice's own
content, documents and status), ``practice:<pk>:community`` (its comments and adoptions),
``cooperative:<pk>`` (a cooperative's adoptions), ``taxonomy`` (category and theme names). A write
renews only the versions of what it changed; a cached entry whose recorded versions are no longer
current is computed again. So a comment renews one practice's page, and a publication the lists,
never every page.

Two workers never compute the same expensive entry at once: the first takes a short lock, the
others wait for its result a bounded time (no dogpile). A practice's page, a few milliseconds,
goes without: taking and releasing the lock would cost more than an occasional second render.

Round trips are few, as each costs more than most of the page's queries (0.1 to 0.3 ms on the
loopback): the tokens a request needs are read together, with the entry itself when they are
known in advance (a fragment's), and a token missing from the cache is created together with
the first entry that records it. A practice's page missing from the cache costs three: its
entry, its tokens, its storage.

Visitors' whole pages also carry an ETag and a short ``Cache-Control: public`` so that a reverse
proxy may serve them; signed-in people's are private.
"""

import hashlib
import uuid
from collections.abc import Callable, Iterable
from functools import wraps
from time import sleep
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import urlencode

from observatoire.lib.personal import cut_at_personal_parts, fill_personal_parts

LISTING = "listing"
DIRECTORY = "directory"  # what the directory's lists, counts and map show
COOPERATIVES = "cooperatives"  # every cooperative's page, when many changed at once (an import)
TAXONOMY = "taxonomy"
FRAGMENT_SECONDS = 600
# How long a reverse proxy or a browser may reuse a visitor's page without asking again.
PUBLIC_MAX_AGE = 60
# No dogpile: the lock outlives a slow render; the others wait at most WAIT_POLLS × POLL_SECONDS.
LOCK_SECONDS = 30
WAIT_POLLS = 40
POLL_SECONDS = 0.05


def practice_version(pk: int) -> str:
    return f"practice:{pk}"


def community_version(practice_pk: int) -> str:
    return f"practice:{practice_pk}:community"


def cooperative_version(pk: int) -> str:
    return f"cooperative:{pk}"


def _token() -> str:
    return uuid.uuid4().hex[:12]


def version_key(name: str) -> str:
    return f"version:{name}"


def versions(names: Iterable[str]) -> dict[str, str]:
    """The current token of each name, created when missing (so a lost token only invalidates)."""
    keys = {version_key(name): name for name in names}
    found = cache.get_many(list(keys))
    missing = [key for key in keys if key not in found]
    if missing:
        found.update(_add_many({key: _token() for key in missing}))
    # Without a cache (DJANGO_CACHE=none) nothing is kept: fresh tokens, never equal twice.
    return {name: found.get(key) or _token() for key, name in keys.items()}


def _add_many(tokens: dict[str, str]) -> dict[str, str]:
    """Store each token whose key is missing; every key's token, ours or another worker's that
    came first. One round trip on Redis (lib/redis_cache.py), one a key elsewhere."""
    add_many = getattr(cache, "add_many", None)
    if add_many is not None:
        return add_many(tokens, None)
    found, lost = {}, []
    for key, token in tokens.items():
        if cache.add(key, token, None):
            found[key] = token
        else:
            lost.append(key)
    if lost:
        found.update(cache.get_many(lost))
    return found


def bump(*names: str) -> None:
    """Renew these versions now, and again once the transaction commits: a page computed in
    between from the old rows under the new token is thereby forgotten too."""
    keys = [version_key(name) for name in names]
    cache.set_many({key: _token() for key in keys}, None)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: cache.set_many({key: _token() for key in keys}, None))


def listing_version(request=None) -> str:
    """The token of everything lists and counts show; with ``request``, as this request first
    read it (one round trip for the whole request, see ``_request_versions``)."""
    if request is not None:
        return _request_versions(request, [LISTING])[LISTING]
    return versions([LISTING])[LISTING]


def forget_listings() -> None:
    """Lists and counts changed (a publication, a synonym…); practice pages are untouched."""
    bump(LISTING)


def forget_directory(*cooperative_pks: int) -> None:
    """The directory changed (some cooperatives saved, or many of them, or all rebuilt): its
    lists and map, and those cooperatives' pages, or every cooperative's page without any."""
    pages = [cooperative_version(pk) for pk in cooperative_pks] or [COOPERATIVES]
    bump(DIRECTORY, *pages)


def forget_taxonomy() -> None:
    """A category, theme or tag changed: the lists and the pages that name it."""
    bump(LISTING, TAXONOMY)


def forget_community(practice_pk: int, *, cooperative_pk: int | None = None) -> None:
    """A comment or an adoption: that practice's page (and the cooperative's), no list."""
    names = [community_version(practice_pk)]
    if cooperative_pk:
        names.append(cooperative_version(cooperative_pk))
    bump(*names)


def forget_practice_content(*pks: int) -> None:
    """A practice's page changed (documents, contact…) but not what its card shows."""
    bump(*(practice_version(pk) for pk in pks if pk))


def forget_deleted_practice(pk: int | None) -> None:
    if pk:
        bump(practice_version(pk), community_version(pk), LISTING)


def _card(practice) -> tuple | None:
    """What a list shows of a practice; None when no list shows it."""
    if practice.status != "published" or practice.deleted_at is not None:
        return None
    published = practice.published_at.isoformat() if practice.published_at else ""
    return (practice.visibility, practice.title, practice.summary, practice.category_id, published)


def forget_practice(practice, *, index: str = "") -> None:
    """A practice was saved (or reindexed, with ``index`` its search text): renew its page, and
    the lists only when what they show of it changed: its publication, visibility, card fields,
    or (``index``) the themes, cooperatives and words search finds it by.

    The last listed state is remembered per practice; a draft never renews a list.
    """
    card = _card(practice)
    digest = hashlib.sha256(repr((card, index)).encode()).hexdigest()[:24]
    signature = digest if card is not None else "unlisted"
    key = f"card:{practice.pk}:{'index' if index else 'fields'}"
    previous = cache.get(key)
    if previous is None:
        # Unknown (new, or the cache lost it): only a practice once published may have been shown.
        listed_change = card is not None or practice.published_at is not None
    else:
        listed_change = previous != signature
    cache.set(key, signature, None)
    if listed_change:
        bump(practice_version(practice.pk), LISTING)
    else:
        bump(practice_version(practice.pk))


# Recording, while something is computed, which versions it read.


def depends_on(request, *names: str) -> None:
    """Declare that what is being computed shows these objects; call it before reading them."""
    stack = getattr(request, "_cache_versions", None)
    if stack:
        stack[-1].update(_request_versions(request, names))


def read_versions_ahead(request, *names: str) -> None:
    """While a visitor's whole page is computed for the page cache, read now, together, the
    tokens of objects it will declare it depends on (with ``depends_on`` or a fragment's
    ``depends``): one round trip instead of one each. Otherwise nothing: a fragment reads the
    tokens it depends on with its entry, and nothing records the rest."""
    if getattr(request, "_computing_visitor_page", False):
        _request_versions(request, names)


def _request_versions(request, names: Iterable[str]) -> dict[str, str]:
    """The tokens of ``names`` as this request first read them. What is computed records the
    tokens read before its rows, whichever of its parts reads them first.

    A token missing from the cache is not created here: the request records a token of its
    own, which ``_store`` creates together with the entry that recorded it, only if no other
    token was created meanwhile (one round trip for both)."""
    return _read(request, names)[0]


def _entry_and_versions(request, key: str, names: Iterable[str]) -> tuple[Any, dict[str, str]]:
    """The cache entry ``key`` (or None) and the tokens of ``names``, in one round trip."""
    tokens, entry = _read(request, names, key)
    return entry, tokens


def _read(request, names: Iterable[str], entry_key: str | None = None):
    known = request.__dict__.setdefault("_version_tokens", {})
    new = request.__dict__.setdefault("_new_versions", {})
    names = list(names)
    missing = [name for name in names if name not in known]
    keys = [version_key(name) for name in missing]
    wanted = [*keys, entry_key] if entry_key else keys
    found = cache.get_many(wanted) if wanted else {}
    for name, key in zip(missing, keys, strict=True):
        token = found.get(key)
        if token is None:
            token = new[name] = _token()
        known[name] = token
    return {name: known[name] for name in names}, found.get(entry_key) if entry_key else None


def _new_tokens(request, recorded: dict[str, str]) -> dict[str, str]:
    """The tokens among ``recorded`` that this request made up, to be created with the entry."""
    new = getattr(request, "_new_versions", {})
    return {name: token for name, token in recorded.items() if new.get(name) == token}


def _record(request, found: dict[str, str]) -> None:
    stack = getattr(request, "_cache_versions", None)
    if stack:
        stack[-1].update(found)


def _computing(request, compute: Callable[[], Any], default: Iterable[str]):
    """Run ``compute`` and return (its value, the versions it depended on)."""
    stack = request.__dict__.setdefault("_cache_versions", [])
    stack.append(_request_versions(request, default) if default else {})
    try:
        value = compute()
    finally:
        recorded = stack.pop()
    _record(request, recorded)  # the enclosing page depends on what its fragments did
    return value, recorded


def _is_current(request, recorded: dict[str, str]) -> bool:
    return _request_versions(request, recorded) == recorded


def _store(key: str, entry, *, new_tokens: dict[str, str], lock_key: str | None) -> None:
    """Store an entry (and release its lock). The version tokens it recorded that were missing
    from the cache (``new_tokens``) are created first; if another token came meanwhile (a write,
    or another worker's entry), the entry is not stored: it could never be current. One round
    trip on Redis (lib/redis_cache.py)."""
    tokens = {version_key(name): token for name, token in new_tokens.items()}
    store = getattr(cache, "store_with_versions", None)
    if store is not None:
        store(key, entry, FRAGMENT_SECONDS, tokens, lock_key)
        return
    if tokens and _add_many(tokens) != tokens:
        if lock_key:
            cache.delete(lock_key)
        return
    cache.set(key, entry, FRAGMENT_SECONDS)
    if lock_key:
        cache.delete(lock_key)


def computed_once(
    key: str,
    is_fresh: Callable[[Any], bool],
    compute: Callable[[], Any],
    *,
    entry_of: Callable[[Any], Any] | None = None,
    lock: bool = True,
    request=None,
    ahead: Iterable[str] = (),
    recorded_of: Callable[[Any], dict[str, str]] | None = None,
):
    """The fresh cached value of ``key``, or ``compute()`` by one worker at a time.

    With ``entry_of``, what to keep of a computed value (None: nothing) is stored here, as the
    lock is released (one round trip on Redis); without, ``compute`` stores its result itself.
    Whoever finds the lock taken waits a bounded time for the other's result, then computes
    too rather than failing.

    ``lock=False`` is for what takes a few milliseconds (a practice's page): workers that miss
    it together each compute it, which costs less than taking and releasing a lock on every
    miss.

    With ``request``, the tokens of the versions named ``ahead`` are read with the entry, in
    one round trip, and the entry (whose versions ``recorded_of`` tells) is stored with the
    tokens this request made up (see ``_request_versions``).
    """
    if request is not None:
        value, _tokens = _entry_and_versions(request, key, ahead)
    else:
        value = cache.get(key)
    if value is not None and is_fresh(value):
        return value

    def store(entry, lock_key: str | None) -> None:
        recorded = recorded_of(entry) if request is not None and recorded_of else {}
        _store(key, entry, new_tokens=_new_tokens(request, recorded), lock_key=lock_key)

    if not lock:
        value = compute()
        if entry_of is not None and (entry := entry_of(value)) is not None:
            store(entry, None)
        return value
    lock_key = f"{key}:lock"
    if cache.add(lock_key, 1, LOCK_SECONDS):
        try:
            value = compute()
            entry = entry_of(value) if entry_of is not None else None
        except BaseException:
            cache.delete(lock_key)
            raise
        if entry is None:
            cache.delete(lock_key)
        else:
            store(entry, lock_key)
        return value
    for _attempt in range(WAIT_POLLS):
        sleep(POLL_SECONDS)
        released = cache.get(lock_key) is None  # before the value: it is stored before the release
        value = cache.get(key)
        if value is not None and is_fresh(value):
            return value
        if released:
            break  # the other worker failed, or made nothing to share
    value = compute()
    if entry_of is not None and (entry := entry_of(value)) is not None:
        store(entry, None)
    return value


def viewer_scope(user) -> str:
    """Members see members-only practices and contacts; everyone else sees the public site."""
    return "members" if user.is_authenticated and user.is_member else "public"


def cached_fragment(
    request,
    kind: str,
    parts: tuple,
    render: Callable[[], object],
    *,
    depends: Iterable[str] = (LISTING,),
    lock: bool = True,
    one_page: bool = False,
):
    """What ``render()`` returns, cached per language, viewer scope and ``parts``, for as long as
    the versions it depends on stay current: ``depends``, and those ``render`` declares with
    ``depends_on``.

    Only what is the same for everyone of a scope may be cached this way: no names, no forms.

    ``one_page``: the fragment shows on one page only (a practice's body on that practice's
    page). While that page is computed for visitors' page cache, whose entry will hold the
    fragment too, it is rendered directly instead of being looked up and stored a second time.
    ``lock``: as for ``computed_once``.
    """
    if one_page and getattr(request, "_computing_visitor_page", False):
        return _computing(request, render, depends)[0]
    signature = repr((kind, parts)).encode()
    key = ":".join(
        [
            "fragment",
            translation.get_language() or "fr",
            viewer_scope(request.user),
            hashlib.sha256(signature).hexdigest()[:32],
        ]
    )

    def compute():
        value, recorded = _computing(request, render, depends)
        return recorded, value

    recorded, value = computed_once(
        key,
        lambda entry: _is_current(request, entry[0]),
        compute,
        entry_of=lambda entry: entry,
        lock=lock,
        request=request,
        ahead=depends,
        recorded_of=lambda entry: entry[0],
    )
    _record(request, recorded)
    return value


# Whole pages for visitors, and what reverse proxies may do with them.


def is_personal(request) -> bool:
    """A session or a pending message: the page may show a name, a form token, a notice."""
    return (
        settings.SESSION_COOKIE_NAME in request.COOKIES
        or "messages" in request.COOKIES
        or request.method not in ("GET", "HEAD")  # HEAD: the same entry, the server sends no body
    )


def canonical_query(request, params: Iterable[str] | None) -> str:
    """The query string as the view reads it: only ``params`` (all if None), no empty value,
    in one order, so that equivalent addresses share one entry."""
    wanted = None if params is None else set(params)
    pairs = sorted(
        (key, value)
        for key, values in request.GET.lists()
        if wanted is None or key in wanted
        for value in values
        if value.strip()
    )
    return urlencode(pairs)


def cache_page_for_visitors(
    view=None,
    *,
    params: Iterable[str] | None = None,
    lock: bool = True,
    members: bool = False,
):
    """Serve a page to anonymous visitors from the cache while what it shows is unchanged.

    The key is the path, the ``params`` the view reads (any other is ignored), the language and
    whether htmx asks for a part; the entry holds the versions the page depended on (by default
    ``listing``). Only pages without a session, a message or a form token are shared: they are
    the same bytes for everyone, and are sent ``public`` with an ETag; anything personal is
    ``private, no-cache``. ``lock``: as for ``computed_once``.

    ``members``: the page is the same for every signed-in person who sees what they see (a
    list: the same for all members, and for all signed-in people outside the movement) but
    for the parts of ``base.html`` written with ``{% personal %}`` (the menu with their name,
    notifications and form token). Those people share one entry per scope, kept with a mark
    in place of each personal part, which is rendered for them on every request: a member
    reads a list as fast as a visitor, their session aside. Sent ``private``.
    """
    if view is None:
        return lambda function: cache_page_for_visitors(
            function, params=params, lock=lock, members=members
        )

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        signed_in = members and _shares_signed_in_page(request)
        if is_personal(request) and not signed_in:
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True, no_cache=True)
            return response
        language = translation.get_language() or "fr"
        address = f"{request.path}?{canonical_query(request, params)}"
        partial = request.headers.get("HX-Request", "")
        signature = repr((address, partial)).encode()
        # Kept cut at the personal parts (lib/personal.py): a key of its own, no older entry.
        audience = f"shared-{viewer_scope(request.user)}:" if signed_in else ""
        key = f"page:{language}:{audience}{hashlib.sha256(signature).hexdigest()[:32]}"

        def compute() -> dict:
            request._computing_visitor_page = True  # see cached_fragment(one_page=True)
            request._sharing_page = signed_in  # {% personal %} leaves its mark
            try:
                response, recorded = _computing(request, lambda: view(request, *args, **kwargs), ())
            finally:
                request._computing_visitor_page = False
                request._sharing_page = False
            if not recorded:
                recorded = _request_versions(request, [LISTING])
            if not _shareable(request, response):
                return {"response": response}
            etag_source = repr((sorted(recorded.items()), language, address, partial))
            entry = {
                "versions": recorded,
                "etag": '"' + hashlib.sha256(etag_source.encode()).hexdigest()[:32] + '"',
                # Signed-in people's: cut where each one's own parts go.
                "content": cut_at_personal_parts(response.content)
                if signed_in
                else response.content,
                "content_type": response["Content-Type"],
            }
            return entry

        entry = computed_once(
            key,
            lambda found: "versions" in found and _is_current(request, found["versions"]),
            compute,
            entry_of=lambda entry: None if "response" in entry else entry,
            lock=lock,
            request=request,
            recorded_of=lambda entry: entry["versions"],
        )
        if "response" in entry:
            response = entry["response"]
            if signed_in:
                content = cut_at_personal_parts(response.content)
                response.content = fill_personal_parts(request, content)
            patch_cache_control(response, private=True, no_cache=True)
            return response
        if signed_in:
            content = fill_personal_parts(request, entry["content"])
            response = HttpResponse(content, content_type=entry["content_type"])
            patch_cache_control(response, private=True, no_cache=True)
            return response
        if entry["etag"] in _requested_etags(request):
            response = HttpResponseNotModified()
        else:
            response = HttpResponse(entry["content"], content_type=entry["content_type"])
        response["ETag"] = entry["etag"]
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
        patch_vary_headers(response, ("Cookie", "HX-Request"))
        return response

    return wrapped


def _shares_signed_in_page(request) -> bool:
    """A signed-in person's GET with no message waiting (a notice is theirs alone)."""
    return (
        request.method in ("GET", "HEAD")
        and request.user.is_authenticated
        and "messages" not in request.COOKIES
        and "_messages" not in request.session
    )


def _shareable(request, response) -> bool:
    """Not a page that used the form token or sets a cookie: those are one visitor's own."""
    return (
        response.status_code == 200
        and not response.streaming
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not response.cookies
        and not response.has_header("Cache-Control")
    )


def _requested_etags(request) -> set[str]:
    header = request.headers.get("If-None-Match", "")
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}
