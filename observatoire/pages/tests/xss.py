"""A corpus of stored-XSS payloads and a check that a page renders them inert.

The check does not look for the payloads themselves but at what the page could run: our templates
never use inline event handlers, inline scripts, frames or ``javascript:`` links (the CSP forbids
them too), so any of those in a page means user text escaped its escaping.
"""

from html.parser import HTMLParser

PAYLOADS = [
    "<script>alert('xss-1')</script>",
    '"><script>alert("xss-2")</script>',
    "<img src=x onerror=alert('xss-3')>",
    "<svg onload=alert('xss-4')></svg>",
    "<svg><script>alert('xss-5')</script></svg>",
    "' onmouseover='alert(6)' x='",
    '" autofocus onfocus="alert(7)',
    "</textarea><script>alert('xss-8')</script>",
    "</title><script>alert('xss-9')</script>",
    "<iframe srcdoc=\"<script>alert('xss-10')</script>\"></iframe>",
    "<a href=\"javascript:alert('xss-11')\">clic</a>",
    "[clic](javascript:alert('xss-12'))",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(13)>",
    "<details open ontoggle=alert(14)>",
    "<object data=\"data:text/html,<script>alert('xss-15')</script>\"></object>",
    "<body onload=alert(16)>",
    "<input autofocus onfocus=alert(17)>",
    "<form action=\"javascript:alert('xss-18')\"><button>go</button></form>",
    "{{ 7|add:42 }}{% debug %}",
    "<style>*{background:url('javascript:alert(20)')}</style>",
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(22)">',
    "&lt;script&gt;alert('xss-23')&lt;/script&gt;",
    "<scr<script>ipt>alert('xss-24')</scr</script>ipt>",
]

DANGEROUS_TAGS = {"iframe", "object", "embed", "base", "frame", "frameset", "applet"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "srcdoc"}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:text/html")


class _Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.in_script = False
        self.in_style = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in DANGEROUS_TAGS:
            self.problems.append(f"<{tag}>")
        if tag == "script":
            self.in_script = True
            if not (attributes.get("src") or "").startswith("/static/"):
                self.problems.append("inline <script>")
        if tag == "style":
            self.problems.append("<style> element")
        if tag == "meta" and attributes.get("http-equiv", "").lower() == "refresh":
            self.problems.append("<meta http-equiv=refresh>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name}= on <{tag}>")
            if name == "style":
                self.problems.append(f"style= on <{tag}>")
            if name in URL_ATTRIBUTES and value:
                cleaned = "".join(value.split()).lower()
                if cleaned.startswith(DANGEROUS_SCHEMES):
                    self.problems.append(f"{name}={value!r} on <{tag}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False


def problems_in(html: str) -> list[str]:
    """What in ``html`` could run code or restyle the page; empty when the page is inert."""
    audit = _Audit()
    audit.feed(html)
    audit.close()
    return audit.problems


def assert_inert(html: str, where: str = "") -> None:
    problems = problems_in(html)
    assert not problems, f"{where}: {problems}"
