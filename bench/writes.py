"""Signed-in members, through HTTP only (standard library: urllib and a cookie jar).

- ``python bench/writes.py login BASE EMAIL``: sign in as a generated person with a real POST to
  the sign-in page (CSRF token read from the form), check the session opens « Mon compte », and
  print the Cookie header wrk sends on every request of a member's mix.
- ``python bench/writes.py run BASE --emails FILE --practices FILE --rate R --max-seconds S
  --out FILE``: the stream of writes during the measures. At a fixed rate, members post comments
  on random practices, toggle bookmarks and save a draft, through the site's real views with their
  CSRF tokens, until SIGTERM (or S seconds, a safety bound). Every write is counted: succeeded
  (the view's redirect), failed (any other answer, by status), with latencies; the summary is
  written as one ``key=value`` line to FILE for bench/report.py.

A member posts at most COMMENTS_EACH comments, under the site's limit of COMMENTS_PER_HOUR: the
stream signs in ``--members`` members (four at a time) before it starts, enough for the planned
comments, then writes ``FILE.ready``; bench/run.sh waits for it before the first measure. Should
their comment budgets run out, another member signs in during the run.
"""

import argparse
import concurrent.futures
import html.parser
import http.cookiejar
import json
import random
import signal
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

PASSWORD = "observatoire-genere"  # every generated person's (generatedata)
TIMEOUT = 60
COMMENTS_EACH = 8  # the site allows 10 per hour and person (COMMENTS_PER_HOUR)
# One cycle of the stream: bookmarks are the most frequent write, then comments, then drafts.
CYCLE = ["bookmark", "comment", "bookmark", "draft", "bookmark", "bookmark"]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # a redirect is the answer we check, not something to follow


class FormFields(html.parser.HTMLParser):
    """The fields of the first POST form whose attributes contain ``marker`` (all of them when
    ``marker`` is empty), as a browser would send them, submit buttons left out."""

    def __init__(self, marker: str = ""):
        super().__init__(convert_charrefs=True)
        self.marker = marker
        self.fields: list[tuple[str, str]] = []
        self.inside = False
        self.done = False
        self.textarea: str | None = None
        self.select: str | None = None
        self.first_option: str | None = None
        self.selected = False
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form" and not self.done and not self.inside:
            if attributes.get("method", "").lower() == "post" and self.marker in " ".join(
                f"{key}={value}" for key, value in attributes.items()
            ):
                self.inside = True
            return
        if not self.inside:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text").lower()
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attributes:
                return
            self.fields.append((name, attributes.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea" and name:
            self.textarea, self.text = name, []
        elif tag == "select" and name:
            self.select, self.first_option, self.selected = name, None, False
        elif tag == "option" and self.select:
            value = attributes.get("value", "")
            if self.first_option is None:
                self.first_option = value
            if "selected" in attributes:
                self.fields.append((self.select, value))
                self.selected = True

    def handle_data(self, data):
        if self.textarea is not None:
            self.text.append(data)

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag == "textarea" and self.textarea is not None:
            self.fields.append((self.textarea, "".join(self.text).removeprefix("\n")))
            self.textarea = None
        elif tag == "select" and self.select:
            if not self.selected and self.first_option is not None:
                self.fields.append((self.select, self.first_option))
            self.select = None
        elif tag == "form":
            self.inside, self.done = False, True


def form_fields(page: str, marker: str = "") -> list[tuple[str, str]]:
    parser = FormFields(marker)
    parser.feed(page)
    return parser.fields


class Member:
    def __init__(self, base: str, email: str):
        self.base = base
        self.email = email
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )
        self.comments = 0
        self.draft_url = ""

    def request(self, path: str, data: list[tuple[str, str]] | None = None):
        """(status, Location header, body) of one request; redirects are not followed."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        if data is not None:
            request.add_header("Content-Type", "application/x-www-form-urlencoded")
            request.add_header("X-CSRFToken", self.csrf())
        try:
            with self.opener.open(request, timeout=TIMEOUT) as response:
                return response.status, response.headers.get("Location", ""), response.read()
        except urllib.error.HTTPError as error:  # 3xx (not followed), 4xx, 5xx
            return error.code, error.headers.get("Location", ""), error.read()

    def csrf(self) -> str:
        return next((cookie.value for cookie in self.jar if cookie.name == "csrftoken"), "")

    def cookie_header(self) -> str:
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.jar)

    def post(self, path: str, fields: list[tuple[str, str]]):
        return self.request(path, [("csrfmiddlewaretoken", self.csrf()), *fields])

    def login(self) -> None:
        status, _location, page = self.request("/connexion/")
        if status != 200:
            raise RuntimeError(f"page de connexion : {status}")
        fields = dict(form_fields(page.decode()))
        fields.update(username=self.email, password=PASSWORD)
        status, location, _page = self.request("/connexion/", list(fields.items()))
        if status != 302 or "sessionid" not in self.cookie_header():
            raise RuntimeError(f"connexion de {self.email} : {status} {location}")
        status, _location, _page = self.request("/compte/")
        if status != 200:
            raise RuntimeError(f"« Mon compte » de {self.email} répond {status}")


def login(base: str, email: str) -> None:
    member = Member(base, email)
    member.login()
    print(member.cookie_header())


class Stream:
    def __init__(self, base: str, emails: list[str], practices: list[str], seed: int):
        self.base = base
        self.emails = iter(emails)
        self.practices = practices
        self.rng = random.Random(seed)
        self.members: list[Member] = []
        self.counts: dict[str, int] = {}
        self.latencies: list[float] = []
        self.errors: list[str] = []

    def count(self, key: str) -> None:
        self.counts[key] = self.counts.get(key, 0) + 1

    def new_member(self, email: str | None = None) -> Member | None:
        member = Member(self.base, email or next(self.emails))
        try:
            member.login()
        except (RuntimeError, OSError) as error:
            self.count("login_failed")
            self.note(f"login: {error}")
            return None
        self.count("login_ok")
        self.members.append(member)
        return member

    def sign_in(self, count: int) -> None:
        emails = [email for email, _ in zip(self.emails, range(count), strict=False)]
        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(self.new_member, emails))
        if not self.members:
            sys.exit("aucun membre n'a pu se connecter : " + "; ".join(self.errors))

    def member(self, commenting: bool = False) -> Member | None:
        choices = [m for m in self.members if not commenting or m.comments < COMMENTS_EACH]
        if not choices:
            self.count("login_during_run")
            return self.new_member()
        return self.rng.choice(choices)

    def note(self, error: str) -> None:
        if len(self.errors) < 20:
            self.errors.append(error)

    def write(self, action: str) -> None:
        try:
            member = self.member(commenting=action == "comment")
        except StopIteration:  # no address left
            member = None
        if member is None:
            self.count(f"{action}_failed")
            self.count(f"{action}_status_nomember")
            return
        practice = self.rng.choice(self.practices)
        started = time.monotonic()
        try:
            if action == "comment":
                member.comments += 1
                kind = self.rng.choice(["question", "feedback"])
                number = self.rng.randrange(10**6)
                body = f"Message du banc d'essai n° {number} : merci pour ce récit."
                status, location, _ = member.post(
                    f"{practice}commenter/", [("kind", kind), ("body", body), ("site_web", "")]
                )
                ok = status == 302
            elif action == "bookmark":
                status, location, _ = member.post(f"{practice}enregistrer/", [])
                ok = status == 302
            else:
                ok, status = self.draft(member)
        except OSError as error:  # timeout, connection refused…
            ok, status = False, 0
            self.note(f"{action}: {error}")
        self.latencies.append(time.monotonic() - started)
        self.count(f"{action}_{'ok' if ok else 'failed'}")
        if not ok:
            self.count(f"{action}_status_{status}")

    def draft(self, member: Member) -> tuple[bool, int]:
        """A member's first draft is a new practice; later ones save it again, changed."""
        summary = f"Brouillon du banc d'essai, version {self.rng.randrange(10**6)}."
        path = member.draft_url or "/pratiques/soumettre/"
        status, _location, page = member.request(path)  # the form, as a browser shows it
        if status != 200:
            return False, status
        title = f"Brouillon du banc d'essai {self.rng.randrange(10**9)}"
        changes = {"summary": summary} if member.draft_url else {"summary": summary, "title": title}
        fields = [
            (name, changes.get(name, value))
            for name, value in form_fields(page.decode(), "practice-form")
            if name != "csrfmiddlewaretoken"
        ]
        status, location, _ = member.post(path, [*fields, ("action", "brouillon")])
        if status == 302 and location.endswith("/modifier/"):
            member.draft_url = urllib.parse.urlsplit(location).path
            return True, status
        return False, status

    def run(self, rate: float, max_seconds: float) -> float:
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        signal.signal(signal.SIGINT, lambda *_: stopping.append(True))
        started = time.monotonic()
        done = 0
        while not stopping and time.monotonic() - started < max_seconds:
            self.write(CYCLE[done % len(CYCLE)])
            done += 1
            pause = started + done / rate - time.monotonic()
            if pause > 0:
                time.sleep(pause)
        return time.monotonic() - started

    def summary(self, seconds: float, rate: float) -> str:
        writes = sum(n for key, n in self.counts.items() if key.endswith(("_ok", "_failed")))
        ok = sum(n for key, n in self.counts.items() if key.endswith("_ok"))
        latencies = sorted(self.latencies) or [0.0]
        fields = {
            "seconds": f"{seconds:.1f}",
            "rate_wanted": f"{rate:g}",
            "writes": writes,
            "ok": ok,
            "failed": writes - ok,
            "p50_ms": f"{latencies[len(latencies) // 2] * 1000:.0f}",
            "p95_ms": f"{latencies[int(len(latencies) * 0.95)] * 1000:.0f}",
            **self.counts,
        }
        return " ".join(f"{key}={value}" for key, value in fields.items())


def main() -> None:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    signin = commands.add_parser("login")
    signin.add_argument("base")
    signin.add_argument("email")
    stream = commands.add_parser("run")
    stream.add_argument("base")
    stream.add_argument("--emails", type=Path, required=True)
    stream.add_argument("--practices", type=Path, required=True)
    stream.add_argument("--rate", type=float, default=3.0)
    stream.add_argument("--max-seconds", type=float, default=1800)
    stream.add_argument("--members", type=int, default=4)
    stream.add_argument("--seed", type=int, default=0)
    stream.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    if args.command == "login":
        login(args.base, args.email)
        return
    emails = args.emails.read_text().split()
    practices = args.practices.read_text().split()
    writer = Stream(args.base, emails, practices, args.seed)
    writer.sign_in(args.members)
    args.out.with_suffix(".ready").write_text(f"{len(writer.members)}\n")
    seconds = writer.run(args.rate, args.max_seconds)
    line = writer.summary(seconds, args.rate)
    args.out.write_text(line + "\n")
    if writer.errors:
        args.out.with_suffix(".errors").write_text(json.dumps(writer.errors, indent=1))
    print(line)


if __name__ == "__main__":
    sys.exit(main())
