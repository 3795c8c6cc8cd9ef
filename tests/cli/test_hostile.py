"""Hostile input: every case gives a clear validation error or is rendered harmless, proved on the
built HTML; none crashes, hangs or writes outside the output folder."""

from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import signal
import threading
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURE, REPO, edit
from reskb.cli import main
from sitecheck import build_site

BASE = (FIXTURE / "practices/norway-family-meetings.yaml").read_text(encoding="utf-8")


def practice(old: str, new: str) -> str:
    """The fixture practice with one change, saved under another id (so both exist)."""
    text = BASE.replace("id: norway-family-meetings", "id: hostile")
    assert old in text
    return text.replace(old, new, 1)


def description(text: str) -> str:
    return practice("  A fixture practice. It cites", "  " + text.replace("\n", "\n  ") + "\n  It cites")


NESTED = "summary: " + "[" * 100 + "]" * 100 + "\n"
BOMB = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n" for i in range(8))

#: (name, file to write, content, expected message; None = must build and be harmless)
CASES: list[tuple[str, str, str | bytes, str | None]] = [
    ("script tag", "practices/hostile.yaml", practice("plan support,", "plan <script>alert(1)</script> support,"),
     "practices/hostile.yaml:3: summary: raw HTML is not allowed in text fields (found '<script>')"),
    ("event handler", "practices/hostile.yaml", description('<img src=x onerror="alert(1)">'),
     "practices/hostile.yaml:6: description: raw HTML is not allowed"),
    ("html link", "practices/hostile.yaml", description('<a href="https://x.org">x</a>'), "raw HTML is not allowed"),
    ("html comment", "practices/hostile.yaml", description("<!-- hidden -->"), "raw HTML is not allowed"),
    ("autolink javascript", "practices/hostile.yaml", description("<javascript:alert(1)>"), "raw HTML is not allowed"),
    ("javascript link", "practices/hostile.yaml", description("[x](javascript:alert(1))"),
     "description: links to 'javascript:' addresses are not allowed (hint: link only to http(s) or mailto addresses)"),
    ("mixed case scheme", "practices/hostile.yaml", description("[x](JaVaScRiPt:alert(1))"), "links to 'JaVaScRiPt:'"),
    ("entity obfuscated scheme", "practices/hostile.yaml", description("[x](java&#x73;cript:alert(1))"),
     "links to 'javascript:' addresses"),
    ("tab inside scheme", "practices/hostile.yaml", description("[x](java\tscript:alert(1))"), "links to 'javascript:'"),
    ("data link", "practices/hostile.yaml", description("[x](data:text/html;base64,PHNjcmlwdD4=)"), "links to 'data:'"),
    ("image with javascript", "practices/hostile.yaml", description("![x](javascript:alert(1))"), "links to 'javascript:'"),
    ("reference-style link", "practices/hostile.yaml", description("[x][1]\n\n[1]: javascript:alert(1)"),
     "links to 'javascript:'"),
    ("vbscript link", "practices/hostile.yaml", description("[x](vbscript:msgbox)"), "links to 'vbscript:'"),
    ("script in plain field", "practices/hostile.yaml",
     practice("  - name: Family members", "  - name: Family <script>x</script>"), "participants[1].name: raw HTML"),
    ("bidi override", "practices/hostile.yaml",
     practice("title: Family meetings in Norway", "title: \"Family \\u202e meetings\""),
     "title: the text contains invisible control characters"),
    ("alias bomb", "practices/hostile.yaml", BOMB,
     "practices/hostile.yaml:1: YAML anchors and aliases (& and *) are not allowed"),
    ("deep nesting", "practices/hostile.yaml", NESTED, "the YAML is nested too deeply"),
    ("10 MB text field", "practices/hostile.yaml", "summary: " + "x" * 10_000_000 + "\n",
     "the file is 10,000,010 bytes; at most 1,000,000 are allowed"),
    ("invalid UTF-8", "practices/hostile.yaml", BASE.encode("utf-8").replace(b"Norway", b"Norw\xe4y"),
     "practices/hostile.yaml:2: the file is not valid UTF-8 text"),
    ("binary junk", "practices/hostile.yaml", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not valid UTF-8"),
    ("tab indentation", "practices/hostile.yaml", practice("  - name: Probation service", "\t- name: Probation service"),
     "practices/hostile.yaml:14: this is not valid YAML"),
    ("id with ../", "practices/hostile.yaml", practice("id: hostile", "id: ../../outside"),
     "practices/hostile.yaml:1: id: '../../outside' is not in the expected form"),
    ("duplicate keys", "practices/hostile.yaml", practice("status: pilot", "status: pilot\nstatus: ended"),
     "practices/hostile.yaml:23: status: the field 'status' appears twice"),
    ("python object tag", "practices/hostile.yaml", practice("status: pilot", "status: !!python/object/apply:os.system [id]"),
     "is not allowed"),
    ("wrong type, top level", "practices/hostile.yaml", practice("countries: [NO]", "countries: 5"),
     "countries: expected a list, found a number"),
    ("wrong type, list item", "practices/hostile.yaml", practice("  - name: Family members\n    kind: family", "  - just text"),
     "participants[1]: expected a group of fields, found text"),
    ("wrong type, nested", "practices/hostile.yaml", practice("  kinds: [network-meeting]", "  kinds: network-meeting"),
     "format.kinds: expected a list, found text"),
    ("wrong type, deepest", "practices/hostile.yaml", practice('    pages: "5"', "    pages: [5]"),
     "references[0].pages: expected text, found a list"),
    ("wrong type, boolean", "practices/hostile.yaml", practice("status: pilot", "status: true"),
     "status: True is not an allowed value"),
    ("not a mapping", "practices/hostile.yaml", "- just\n- a list\n", "expected a record of 'field: value' lines"),
    ("empty file", "practices/hostile.yaml", "", "practices/hostile.yaml:1: the file is empty"),
    ("several documents", "practices/hostile.yaml", BASE + "---\nid: second\n", "more than one YAML document"),
    ("bib unbalanced braces", "bibliography/hostile.bib", "@misc{hostile,\n  title = {Open {brace}\n}\n",
     "bibliography/hostile.bib:"),
    ("bib repeated key", "bibliography/hostile.bib", "@misc{one, title={A}, year={2020}}\n\n@misc{one, title={B}}\n",
     "bibliography/hostile.bib:3: one: the key 'one' is already used in bibliography/hostile.bib:1"),
    ("bib key of another file", "bibliography/hostile.bib", "@misc{paper2018, title={Again}}\n",
     "paper2018: the key 'paper2018' is already used in bibliography/hostile.bib:1"),
    ("bib script in field", "bibliography/hostile.bib", "@misc{hostile, title={<script>alert(1)</script>}}\n",
     "HTML tags and control characters are not allowed in BibTeX fields"),
    ("bib javascript url", "bibliography/hostile.bib", "@misc{hostile, title={T}, url={javascript:alert(1)}}\n",
     "url: 'javascript:alert(1)' is not an http(s) address"),
    ("bib huge file", "bibliography/hostile.bib", "%" + "x" * 2_100_000 + "\n", "at most 2,000,000 are allowed"),
    ("bib binary", "bibliography/hostile.bib", b"\xff\xfe\x00@", "not valid UTF-8"),
    # rendered harmless: these build, and the HTML proves it
    ("escaped entities", "practices/harmless-entities.yaml",
     description("&lt;script&gt;alert(1)&lt;/script&gt; and &#60;script&#62;alert(1)&#60;/script&#62;"), None),
    ("quotes in title", "practices/harmless-quotes.yaml",
     practice("title: Family meetings in Norway", "title: 'Family \" onmouseover=\"alert(1) meetings'"), None),
    ("bom", "practices/harmless-bom.yaml", b"\xef\xbb\xbf" + BASE.replace("id: norway-family-meetings", "id: hostile").encode(),
     None),
    ("unclosed fences", "practices/harmless-fences.yaml", description("```\n" * 5000), None),
    ("javascript in howpublished", "bibliography/harmless.bib",
     "@misc{harmless2020, title={T}, year={2020}, howpublished={\\url{javascript:alert(1)}}}\n",
     "bibliography/harmless.bib:1: howpublished: 'javascript:alert(1)' is not an http(s) address"),
]

#: issue 12's classes -> the cases (in CASES or tests below) that cover each
CLASSES: dict[str, list[str]] = {}


def hostile(cls: str, name: str, target: str, content: str | bytes, expected: str | None) -> None:
    CASES.append((name, target, content, expected))
    CLASSES.setdefault(cls, []).append(name)


def bib(entry: str) -> str:
    return entry + "\n"


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


# 2. contributor Markdown sets no attribute, and no id the theme uses
hostile("attributes", "attribute list with a theme id", "practices/hostile.yaml",
        description('{"search": "x"}\n{: #__config }'), "practices/hostile.yaml:7: description: curly braces")
hostile("attributes", "inline attribute list with a handler", "practices/hostile.yaml",
        description('*x*{: onclick="alert(1)" }'), "attribute syntax, which is not allowed in record text")
hostile("attributes", "heading attribute list", "practices/hostile.yaml", description("## Intro {#__config}"),
        "description: curly braces '{#__config}' are attribute syntax")
hostile("attributes", "fence attributes", "practices/hostile.yaml", description("```{.python #__config}\nx\n```"),
        "curly braces '{.python #__config}'")
hostile("attributes", "escaped backslash before braces", "practices/hostile.yaml", description("\\\\{: .md-button }"),
        "attribute syntax")
hostile("attributes", "class and style", "practices/hostile.yaml", description('Text\n{: .md-header style="display:none" }'),
        "attribute syntax")
hostile("attributes", "bibtex key as theme id", "bibliography/hostile.bib", bib("@misc{__config, title={T}, year={2020}}"),
        "bibliography/hostile.bib:1: the key '__config' cannot be used as a page anchor")
hostile("attributes", "heading named like a theme id", "practices/harmless-heading.yaml",
        description("## __config\n\nText under it."), None)
hostile("attributes", "escaped braces stay text", "practices/harmless-braces.yaml",
        description("\\{: #__config \\}"), None)
hostile("attributes", "admonition sets a class", "practices/harmless-admonition.yaml",
        description('!!! md-header "Click"\n    Text.'), None)
hostile("attributes", "fence options", "practices/harmless-fence-options.yaml",
        description('```python title="__config" linenums="1"\nx = 1\n```'), None)

# 3. every value that reaches an attribute is escaped or refused
QUOTED_URL = '@misc{hostile, title={T}, year={2020},\n  url = {https://x.org/" onfocus="alert(1)}}'
hostile("attribute values", "bib url with a quote", "bibliography/hostile.bib", bib(QUOTED_URL),
        "bibliography/hostile.bib:2: url: 'https://x.org/\" onfocus=\"alert(1)' is not an http(s) address")
hostile("attribute values", "bib \\url with a quote in howpublished", "bibliography/hostile.bib",
        bib('@misc{hostile, title={T},\n  year={2020},\n  howpublished={\\url{https://x.org/"onmouseover=alert(1)}}}'),
        "bibliography/hostile.bib:3: howpublished: 'https://x.org/\"onmouseover=alert(1)' is not an http(s) address")
hostile("attribute values", "bib \\url to javascript in note", "bibliography/hostile.bib",
        bib("@misc{hostile, title={T}, year={2020}, note={See \\url{javascript:alert(1)}}}"),
        "note: 'javascript:alert(1)' is not an http(s) address")
hostile("attribute values", "bib doi with a quote", "bibliography/hostile.bib",
        bib('@misc{hostile, title={T}, year={2020}, doi={10.1000/x"onfocus=alert(1)}}'),
        "doi: '10.1000/x\"onfocus=alert(1)' is not a DOI")
hostile("attribute values", "record link with a quote", "practices/hostile.yaml",
        practice("status: pilot", 'status: pilot\nlinks:\n  - url: \'https://x.org/"onfocus=alert(1)\'\n    title: Site'),
        "links[0].url: 'https://x.org/\"onfocus=alert(1)' is not in the expected form")
hostile("attribute values", "quote in the meta description", "practices/harmless-meta.yaml",
        practice("plan support,", 'plan " http-equiv="refresh" content="0;url=https://evil.example/" support,'), None)
hostile("attribute values", "link address with attribute syntax", "practices/harmless-link.yaml",
        practice("status: pilot", "status: pilot\nlinks:\n  - url: https://example.org/){:#__config}\n    title: Site"), None)
# Material's tooltips (content.tooltips) show a link's title as HTML: entities in a title must not become markup
MARKUP = "&lt;img src=x onerror=alert&lpar;1&rpar;&gt;"
hostile("attribute values", "markup in a link title", "practices/harmless-link-title.yaml",
        description(f'See [the report](https://example.org/r "{MARKUP}").'), None)
hostile("attribute values", "markup in a glossary definition", "glossary/harmless-term.yaml",
        f"id: hostile\nterm: Fixture\ndefinition: A word of the fixtures {MARKUP} [@paper2018, p. 5].\n"
        'references:\n  - key: paper2018\n    pages: "5"\nlast_reviewed: 2026-01-15\n', None)

# 4. no file from outside the records reaches the site
hostile("file disclosure", "snippet in a text field", "practices/hostile.yaml", description('--8<-- ".git/config"'),
        "practices/hostile.yaml:7: description: '--8<--' (a snippet marker) is not allowed in record text")
hostile("file disclosure", "block snippet", "practices/hostile.yaml", description("--8<--\n.git/config\n--8<--"),
        "(a snippet marker) is not allowed")
hostile("file disclosure", "snippet in a code block", "practices/hostile.yaml",
        description('```\n;;--8<-- "secret.txt"\n```'), "(a snippet marker) is not allowed")
hostile("file disclosure", "snippet in a plain field", "practices/harmless-snippet.yaml",
        practice("  - name: Family members", '  - name: --8<-- "secret.txt"'), None)

# 5. linear time and bounded memory
VALID_CITES = ("It cites [@paper2018, p. 5] and @journal2016 again. " * 900)[:49_000]
hostile("denial of service", "50,000 brackets", "practices/hostile.yaml", description("[" * 50_000),
        "description: this text has too many '[' brackets")
hostile("denial of service", "unclosed links", "practices/hostile.yaml", description("[a](" * 12_000),
        "too many '[' brackets (or unclosed links)")
hostile("denial of service", "runs of @ in a bracket", "practices/hostile.yaml",
        description("[" + "@a:" * 15_000) + "references_extra: x\n", "unknown field 'references_extra'")
hostile("denial of service", "long key characters", "practices/hostile.yaml",
        description("[@" + "a." * 20_000) + "unknown_field: x\n", "unknown field 'unknown_field'")
hostile("denial of service", "deep list nesting", "practices/hostile.yaml",
        description("".join("  " * i + "- x\n" for i in range(400))), "at most 24 are allowed")
hostile("denial of service", "deep quotes", "practices/hostile.yaml", description(">" * 5000 + " x"), "quotes are nested")
hostile("denial of service", "emphasis run", "practices/hostile.yaml", description("*" * 5000 + "x" + "*" * 5000),
        "a run of 5000 '*' signs")
MACRO_BOMB = '@string{a0 = "xxxxxxxx"}\n' + "".join(f"@string{{a{i + 1} = a{i} # a{i}}}\n" for i in range(40)) + \
    "@misc{bomb, title = a40, year = {2020}}\n"
hostile("denial of service", "bib macro doubling", "bibliography/hostile.bib", MACRO_BOMB,
        "bibliography/hostile.bib:20: the @string macros expand to more than 4,000,000 characters")
hostile("denial of service", "bib macro used many times", "bibliography/hostile.bib",
        '@string{big = "' + "x" * 100_000 + '"}\n@misc{bomb, title = ' + " # ".join(["big"] * 100) + ", year={2020}}\n",
        "the @string macros expand to more than")
hostile("denial of service", "bib deep braces", "bibliography/hostile.bib",
        "@misc{deep, title = " + "{" * 100_000 + "x" + "}" * 100_000 + "}\n", "braces are nested 100001 deep")

hostile("denial of service", "bib of 1,001 works", "bibliography/hostile.bib",
        "".join(f"@misc{{many{i}, title={{T}}, year={{2020}}}}\n" for i in range(1_001)),
        "bibliography/hostile.bib:1001: the bibliography holds more than 1,000 works")

# 7. whatever the build trips on, validate reports first
hostile("validate = build", "30 February", "practices/hostile.yaml",
        practice("last_reviewed: 2026-01-15", "last_reviewed: 2026-02-30"),
        "practices/hostile.yaml:29: last_reviewed: '2026-02-30' is not a date in the calendar")
hostile("validate = build", "year 9999", "practices/hostile.yaml",
        practice("last_reviewed: 2026-01-15", "last_reviewed: 9999-12-31"),
        "last_reviewed: 9999-12-31 lies in the future")
hostile("validate = build", "added after review", "practices/hostile.yaml",
        practice("last_reviewed: 2026-01-15", "added: 2026-01-20\nlast_reviewed: 2026-01-15"),
        "added: the record is added (2026-01-20) after its last review (2026-01-15)")
EVALUATION = """id: hostile
title: A study of family meetings
summary: Families were interviewed [@paper2018, p. 5].
practices: [norway-family-meetings]
design: qualitative
outcomes: 5
references:
  - key: paper2018
    pages: "5"
last_reviewed: 2026-01-15
"""
hostile("validate = build", "evaluation outcomes not a list", "evaluations/hostile.yaml", EVALUATION,
        "evaluations/hostile.yaml:6: outcomes: expected a list, found a number")
hostile("validate = build", "folder named like a record", "practices/x.yaml/inner.yaml", BASE,
        "practices/x.yaml: folders are not allowed in practices/")

# 8. smaller gaps
hostile("smaller gaps", "C1 control character", "practices/hostile.yaml",
        practice("title: Family meetings in Norway", 'title: "Family \\x9b meetings"'),
        "title: the text contains invisible control characters")
hostile("smaller gaps", "C1 in bibtex", "bibliography/hostile.bib", bib("@misc{hostile, title={T \u009b x}, year={2020}}"),
        "HTML tags and control characters are not allowed")
hostile("smaller gaps", "Windows-reserved id", "practices/con.yaml", practice("id: hostile", "id: con"),
        "practices/con.yaml: 'con' is a name Windows reserves")
hostile("smaller gaps", "Windows-reserved bib name", "bibliography/LPT1.bib", bib("@misc{lpt, title={T}, year={2020}}"),
        "'LPT1' is a name Windows reserves")
hostile("smaller gaps", "names differing in case", "bibliography/REFS.bib", bib("@misc{other2020, title={T}, year={2020}}"),
        "bibliography/refs.bib: the name differs from bibliography/REFS.bib only in upper and lower case")
hostile("smaller gaps", "hidden record", "practices/.hidden.yaml", BASE,
        "practices/.hidden.yaml: hidden files are not read")
hostile("smaller gaps", "added in 1850", "practices/hostile.yaml",
        practice("last_reviewed: 2026-01-15", "added: 1850-01-01\nlast_reviewed: 2026-01-15"), "added: 1850-01-01 is before 2000")


@contextmanager
def time_limit(seconds: int):
    def fail(*_):  # noqa: ANN002
        raise TimeoutError(f"took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, fail)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def write_case(root: Path, target: str, content: str | bytes) -> None:
    path = root / target
    path.parent.mkdir(parents=True, exist_ok=True)
    name = target.split("/")[-1].removesuffix(".yaml")
    if isinstance(content, str):
        content = content.replace("id: hostile", f"id: {name}", 1).encode("utf-8")
    elif content.startswith(b"\xef\xbb\xbf"):
        content = content.replace(b"id: hostile", f"id: {name}".encode(), 1)
    path.write_bytes(content)


def test_corpus_is_large_enough():
    assert len(CASES) >= 30
    assert len({name for name, *_ in CASES}) == len(CASES)


@pytest.mark.parametrize(("name", "target", "content", "expected"), [c for c in CASES if c[3]], ids=[c[0] for c in CASES if c[3]])
def test_bad_input_gets_a_clear_error(catalogue, validate, name, target, content, expected):
    write_case(catalogue, target, content)
    with time_limit(20):
        code, out, err = validate(catalogue)
    assert code == 1, out
    assert any(expected in line for line in out), "\n".join(out)
    assert "Traceback" not in err


class _Scripts(HTMLParser):
    """Collects what could run: script bodies, event-handler attributes, and script URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.inline_scripts: list[str] = []  # executable ones
        self.data_scripts: list[str] = []  # JSON blocks (ld+json, the theme's config): never executed
        self.dangerous: list[str] = []
        self._script: str | None = None

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        self._script = (dict(attrs).get("type") or "text/javascript") if tag == "script" else None
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on"):
                self.dangerous.append(f"<{tag} {name}>")
            if name in ("href", "src", "action", "formaction") and value.startswith(("javascript:", "data:", "vbscript:")):
                self.dangerous.append(f"<{tag} {name}={value[:30]}>")

    def handle_endtag(self, tag):  # noqa: ANN001
        self._script = None

    def handle_data(self, data):  # noqa: ANN001
        if self._script is not None:
            (self.data_scripts if "json" in self._script else self.inline_scripts).append(data)


SECRET = "reskb-secret-marker-0d5f"
HARMLESS = [c for c in CASES if c[3] is None]
#: the site's own snippets configuration (CONTRIBUTING.md sections), which record text must never reach
SNIPPETS = """  - pymdownx.snippets:
      base_path: [!relative $config_dir]
      check_paths: true
"""


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    """The fixture catalogue with every harmless case, a secret file beside it and snippets switched on,
    built once for the module."""
    tmp = tmp_path_factory.mktemp("hostile")
    root = tmp / "catalogue"
    shutil.copytree(FIXTURE, root)
    (root / "secret.txt").write_text(SECRET, encoding="utf-8")
    (root / ".git").mkdir()
    (root / ".git/config").write_text(f"[http]\n  extraheader = AUTHORIZATION: basic {SECRET}\n", encoding="utf-8")
    config = root / "mkdocs.yml"
    tooltips = config.read_text(encoding="utf-8").replace("  font: false\n", "  font: false\n  features: [content.tooltips]\n")
    config.write_text(tooltips + SNIPPETS, encoding="utf-8")  # the site's tooltips, which show titles as HTML
    for _, target, content, _ in HARMLESS:
        write_case(root, target, content)
    before = set(tmp.rglob("*"))
    with time_limit(120):
        result = build_site(config, tmp / "site")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    written = set(tmp.rglob("*")) - before
    assert [p for p in written if not (p == tmp / "site" or tmp / "site" in p.parents)] == [], "wrote outside the site"
    return tmp / "site"


def harmless_pages(site: Path) -> list[Path]:
    return sorted(site.glob("practices/harmless-*/index.html")) + [site / "bibliography/index.html"]


class _Attributes(HTMLParser):
    """Every id, every attribute name and every meta tag of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.names: set[str] = set()
        self.meta: list[dict[str, str | None]] = []

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        self.names |= {name for name, _ in attrs}
        values = dict(attrs)
        if values.get("id"):
            self.ids.append(values["id"])
        if tag == "meta":
            self.meta.append(values)


def attributes(page: Path) -> _Attributes:
    parser = _Attributes()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def test_harmless_cases_build_and_nothing_can_run(hostile_site):
    pages = harmless_pages(hostile_site)
    assert len(pages) == len({t for _, t, _, _ in HARMLESS if t.startswith("practices/")}) + 1
    for page in pages:
        html = page.read_text(encoding="utf-8")
        parser = _Scripts()
        parser.feed(html)
        assert parser.dangerous == [], page
        assert not any("alert" in script for script in parser.inline_scripts), page
        assert not any("<" in script for script in parser.data_scripts), page  # cannot close its <script>
    entities = (hostile_site / "practices/harmless-entities/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in entities  # shown as text
    quotes = (hostile_site / "practices/harmless-quotes/index.html").read_text(encoding="utf-8")
    assert '<meta name="citation_title" content="Family &#34; onmouseover=&#34;alert(1) meetings">' in quotes
    bib = (hostile_site / "bibliography/index.html").read_text(encoding="utf-8")
    assert 'href="javascript' not in bib


def test_no_theme_id_handler_or_http_equiv_from_contributor_text(hostile_site):
    for page in harmless_pages(hostile_site):
        found = attributes(page)
        assert found.ids.count("__config") == 1, page  # the theme's own, and only that
        assert not [i for i in found.ids if i.startswith("__") and i not in ("__config", "__drawer", "__search")
                    and not i.startswith(("__nav", "__toc", "__palette", "__consent"))
                    and not re.fullmatch(r"__tabbed_1_\d+", i)], page
        # the only content tabs are the page's own "Cite this page" set (numbered 1 by pymdownx.tabbed)
        assert {i.split("_")[3] for i in found.ids if i.startswith("__tabbed_")} <= {"1"}, page
        assert not {n for n in found.names if n.startswith("on")}, page
        assert "http-equiv" not in found.names and "style" not in found.names, page
    heading = attributes(hostile_site / "practices/harmless-heading/index.html")
    assert "config" in heading.ids  # the heading keeps an anchor, just not the theme's


def test_titles_hold_no_markup(hostile_site):
    """Material's tooltips show a title attribute as HTML: no title from contributor text holds a '<'."""
    titles = _Titles()
    for page in harmless_pages(hostile_site):
        titles.feed(page.read_text(encoding="utf-8"))
    assert not [t for t in titles.values if "<" in t]
    assert "img src=x onerror=alert(1)" in titles.values  # the link keeps its title, as text
    assert "A word of the fixtures img src=x onerror=alert(1)." in titles.values  # the glossary term is linked


class _Titles(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.values: list[str] = []

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        self.values += [value or "" for name, value in attrs if name == "title"]


def test_quotes_in_meta_description_stay_inside_the_attribute(hostile_site):
    meta = attributes(hostile_site / "practices/harmless-meta/index.html").meta
    description = next(m for m in meta if m.get("name") == "description")
    assert 'http-equiv="refresh"' in (description["content"] or "")  # the text, as an attribute value
    assert not [m for m in meta if "http-equiv" in m]


def test_attribute_syntax_shows_as_text(hostile_site):
    braces = (hostile_site / "practices/harmless-braces/index.html").read_text(encoding="utf-8")
    assert "{: #__config }" in braces
    admonition = (hostile_site / "practices/harmless-admonition/index.html").read_text(encoding="utf-8")
    assert "!!! md-header" in admonition and 'class="admonition' not in admonition
    link = (hostile_site / "practices/harmless-link/index.html").read_text(encoding="utf-8")
    assert 'href="https://example.org/%29%7B:#__config%7D"' in link


def test_no_file_from_outside_the_records_is_published(hostile_site):
    for path in hostile_site.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path
    snippet = (hostile_site / "practices/harmless-snippet/index.html").read_text(encoding="utf-8")
    assert '"secret.txt"</dd>' in snippet  # the name, shown as text (in the "At a glance" list)


def test_script_never_runs_in_a_browser(hostile_site, browser):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(hostile_site))
    handler.log_message = lambda *a, **k: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    context = browser.new_context()
    tab = context.new_page()
    dialogs, errors = [], []
    tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    tab.on("console", lambda m: m.type == "error" and errors.append(m.text))
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else r.abort())
    try:
        for page in harmless_pages(hostile_site):
            url = f"{base}/{page.parent.relative_to(hostile_site).as_posix()}/"
            tab.goto(url)
            tab.wait_for_load_state("load")
            assert tab.url == url, "redirected"
            for element in tab.locator("article :is(a, p, h2, li, td, code):visible").all()[:15]:
                element.hover(timeout=2000)
            for element in tab.locator("article a[title]:not(.headerlink):visible").all():  # tooltips
                element.hover(timeout=2000)
                tab.wait_for_timeout(100)
            for _ in range(8):
                tab.keyboard.press("Tab")
            tab.wait_for_timeout(100)
            assert tab.evaluate("typeof __md_get === 'function'"), url  # the theme read its own configuration
    finally:
        context.close()
        httpd.shutdown()
    assert dialogs == [] and errors == []


def test_an_invalid_catalogue_never_leaves_a_half_written_site(catalogue, tmp_path):
    write_case(catalogue, "practices/hostile.yaml", description("<script>alert(1)</script>"))
    result = build_site(catalogue / "mkdocs.yml", tmp_path / "site")
    assert result.returncode == 1
    assert "practices/hostile.yaml:6: description: raw HTML is not allowed" in result.stderr
    assert not (tmp_path / "site").exists()


def test_symbolic_link_is_refused(catalogue, validate, tmp_path):
    outside = tmp_path / "outside.yaml"
    outside.write_text(BASE.replace("id: norway-family-meetings", "id: linked"))
    (catalogue / "practices/linked.yaml").symlink_to(outside)
    code, out, _ = validate(catalogue)
    assert code == 1
    assert any("practices/linked.yaml: symbolic links are not allowed here" in line for line in out)


# --- 1. code execution from the checkout ----------------------------------------------------------


class _Poison:
    """Unpickling this creates the marker file: proof that a pickle from the checkout was loaded."""

    def __init__(self, marker: Path) -> None:
        self.marker = str(marker)

    def __reduce__(self):  # noqa: ANN204
        return (open, (self.marker, "w"))


def poisoned_index(folder: Path, marker: Path) -> None:
    """A whoosh index whose table of contents unpickles _Poison."""
    from whoosh import index

    from reskb.search import _INDEX_NAME, SCHEMA

    folder.mkdir(parents=True)
    ix = index.create_in(folder, SCHEMA, indexname=_INDEX_NAME)
    toc = ix._read_toc()
    toc.segments, toc.generation = _Poison(marker), toc.generation + 1
    toc.write(ix.storage, _INDEX_NAME)
    ix.close()


CLASSES["code execution"] = ["committed cache", "cache inside the checkout", "cache others can write",
                             "symlinked cache"]


def test_a_committed_poisoned_cache_never_runs(catalogue, tmp_path, capsys):
    from whoosh import index

    from reskb.search import _INDEX_NAME, content_hash

    marker = tmp_path / "MARKER"
    cache = catalogue / ".cache/reskb-search"  # where the cache lived, with a stamp that matches the records
    poisoned_index(cache / "index", marker)
    (cache / "stamp.json").write_text(json.dumps({"hash": content_hash(catalogue)}), encoding="utf-8")
    index.open_dir(cache / "index", indexname=_INDEX_NAME).close()  # the poison is live: opening it runs it
    assert marker.exists()
    marker.unlink()

    result = build_site(catalogue / "mkdocs.yml", tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert main(["search", "family", "--path", str(catalogue)]) == 0
    assert "Family meetings in Norway" in capsys.readouterr().out
    assert not marker.exists()


def test_a_cache_inside_the_checkout_is_refused(catalogue, tmp_path, capsys):
    marker = tmp_path / "MARKER"
    poisoned_index(catalogue / ".cache/index", marker)
    assert main(["search", "family", "--path", str(catalogue), "--cache", ".cache"]) == 1
    assert "lies inside the catalogue folder" in capsys.readouterr().err
    assert not marker.exists()


def test_a_cache_others_can_write_is_refused(catalogue, tmp_path):
    from reskb.cache_dir import UnsafeCache
    from reskb.search import SearchIndex

    shared = tmp_path / "shared"
    poisoned_index(shared / "index", tmp_path / "MARKER")
    shared.chmod(0o777)
    with pytest.raises(UnsafeCache, match="others can write to the cache folder"):
        SearchIndex.open(catalogue, shared)
    assert not (tmp_path / "MARKER").exists()


def test_a_symlinked_cache_is_refused(catalogue, tmp_path):
    from reskb.cache_dir import UnsafeCache
    from reskb.search import SearchIndex

    poisoned_index(tmp_path / "elsewhere/index", tmp_path / "MARKER")
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache/index").symlink_to(tmp_path / "elsewhere/index")
    with pytest.raises(UnsafeCache, match="is a symbolic link"):
        SearchIndex.open(catalogue, tmp_path / "cache")
    assert not (tmp_path / "MARKER").exists()


# --- 4. symbolic links ------------------------------------------------------------------------------

SYMLINKS = {  # name -> (link inside the catalogue, expected message)
    "docs file to /etc/passwd": ("docs/leak.txt", "docs/leak.txt: symbolic links are not allowed here"),
    "symlinked practices folder": ("practices", "practices: symbolic links are not allowed here"),
    "link in a docs subfolder": ("docs/assets/x.css", "docs/assets/x.css: symbolic links are not allowed here"),
    "bib file link": ("bibliography/other.bib", "bibliography/other.bib: symbolic links are not allowed here"),
    "evaluations folder link": ("evaluations", "evaluations: symbolic links are not allowed here"),
}
CLASSES["file disclosure"] += list(SYMLINKS)


@pytest.mark.parametrize("name", list(SYMLINKS))
def test_symbolic_links_are_refused_by_validate_and_build(catalogue, validate, tmp_path, name):
    link, expected = SYMLINKS[name]
    target = tmp_path / "outside"
    if link in ("practices", "evaluations"):
        shutil.copytree(catalogue / "practices", target)
        if link == "practices":
            shutil.rmtree(catalogue / "practices")
    else:
        target.write_text(f"{SECRET}\n", encoding="utf-8")
    (catalogue / link).parent.mkdir(parents=True, exist_ok=True)
    (catalogue / link).symlink_to("/etc/passwd" if link == "docs/leak.txt" else target)
    code, out, _ = validate(catalogue)
    assert code == 1 and any(expected in line for line in out), out
    if name in ("docs file to /etc/passwd", "symlinked practices folder"):
        result = build_site(catalogue / "mkdocs.yml", tmp_path / "site")
        assert result.returncode == 1 and expected in result.stderr and "Traceback" not in result.stderr
        assert not (tmp_path / "site").exists()


# --- 6. CI annotations ------------------------------------------------------------------------------

ANNOTATIONS = {
    "newline in a file name": "practices/x\n::error file=README.md::pwned.yaml",
    "stop-commands in a file name": "practices/x\r\n::stop-commands::token.yaml",
    "percent, colon and comma in a file name": "practices/a%0A,b:c.yaml",
    "newline in a value": None,
}
CLASSES["ci annotations"] = list(ANNOTATIONS)


@pytest.mark.parametrize("name", list(ANNOTATIONS))
def test_github_annotations_cannot_be_injected(catalogue, validate, name):
    path = ANNOTATIONS[name]
    if path:
        (catalogue / path).write_text(BASE, encoding="utf-8")
    else:
        edit(catalogue / "practices/norway-family-meetings.yaml", "status: pilot",
             'status: "pilot\\n::error file=x::pwned"')
    code, out, _ = validate(catalogue, "--format", "github")
    assert code == 1
    for line in out:
        assert line.startswith(("::error file=", "::warning file=")), line
        command, _, message = line[2:].partition("::")
        properties = command.split(" ", 1)[1]
        assert "\n" not in line and "\r" not in line
        assert properties.count(",") <= 1 and all(p.split("=", 1)[0] in ("file", "line") for p in properties.split(","))
    if path and not name.startswith("percent"):
        assert any("the file name contains control characters" in line for line in out)
    if name.startswith("percent"):
        assert any("file=practices/a%250A%2Cb%3Ac.yaml" in line for line in out), out


# --- 7. validate passes => the build passes (the build refuses the same, cleanly) ---------------------

BUILD_REFUSES = ["30 February", "year 9999", "folder named like a record"]


@pytest.mark.parametrize("name", BUILD_REFUSES)
def test_the_build_refuses_what_validate_reports_without_a_traceback(catalogue, tmp_path, name):
    _, target, content, expected = next(c for c in CASES if c[0] == name)
    write_case(catalogue, target, content)
    result = build_site(catalogue / "mkdocs.yml", tmp_path / "site")
    assert result.returncode == 1 and expected in result.stderr and "Traceback" not in result.stderr


GLOSSARY_TERM = """id: hostile-term
term: Practices
definition: A term whose form is also a word of the site's addresses [@paper2018, p. 5].
references:
  - key: paper2018
    pages: "5"
last_reviewed: 2026-01-15
"""
LINKED_TEXTS = {  # where the glossary linker once wrote a link into another link's address or text
    "bracket in a linked title": ("title: Family meetings in Norway", "title: Family meetings in Norway [pilot]"),
    "parentheses in an address": ("  A fixture practice.", "  See [the site](https://example.org/a_(b)/practices)."),
    "brackets in link text": ("  A fixture practice.", "  See [a [b] practices](https://example.org/x)."),
}
CLASSES["validate = build"] += list(LINKED_TEXTS)


class _NestedLinks(HTMLParser):
    """Addresses of every link, and links inside links."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.nested = 0
        self._open = 0

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        if tag == "a":
            self.nested += self._open > 0
            self._open += 1
            self.hrefs.append(dict(attrs).get("href") or "")

    def handle_endtag(self, tag):  # noqa: ANN001
        if tag == "a":
            self._open = max(0, self._open - 1)


@pytest.mark.parametrize("name", list(LINKED_TEXTS))
def test_glossary_links_stay_out_of_other_links(catalogue, validate, tmp_path, name):
    (catalogue / "glossary").mkdir()
    (catalogue / "glossary/hostile-term.yaml").write_text(GLOSSARY_TERM, encoding="utf-8")
    edit(catalogue / "practices/norway-family-meetings.yaml", *LINKED_TEXTS[name])
    code, out, _ = validate(catalogue)
    assert code == 0, out
    result = build_site(catalogue / "mkdocs.yml", tmp_path / "site")
    assert result.returncode == 0, result.stderr  # no broken link from a link written into an address
    for page in ("practices/norway-family-meetings", "topics/family-support", "challenges/stigma"):
        html = (tmp_path / "site" / page / "index.html").read_text(encoding="utf-8")
        assert "](../glossary/" not in html, page  # no link syntax shown as text
        links = _NestedLinks()
        links.feed(html)
        assert links.nested == 0, page
        assert not [h for h in links.hrefs if "[" in h or "glossary" in h and "practices" in h], page


CLASSES["validate = build"].append("dotted and dotless i")


def test_dotted_and_dotless_i_in_a_term_s_word_build(catalogue, validate, tmp_path):
    """Regular expressions ignore case more widely than casefold(): 'PRACTİCES' and 'practıces' match the term
    'Practices' without being its key."""
    (catalogue / "glossary").mkdir()
    (catalogue / "glossary/hostile-term.yaml").write_text(GLOSSARY_TERM, encoding="utf-8")
    edit(catalogue / "practices/norway-family-meetings.yaml", "  A fixture practice.", "  PRACTİCES and practıces.")
    code, out, _ = validate(catalogue)
    assert code == 0, out
    result = build_site(catalogue / "mkdocs.yml", tmp_path / "site")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    html = (tmp_path / "site/practices/norway-family-meetings/index.html").read_text(encoding="utf-8")
    assert "PRACTİCES and practıces." in html


# --- 10. the workflow --------------------------------------------------------------------------------

WORKFLOWS = sorted((REPO / ".github/workflows").glob("*.yml"))
CLASSES["workflow"] = ["least privilege", "no pull_request_target", "no persisted credentials", "pinned actions",
                       "security policy"]


def workflow(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", WORKFLOWS, ids=[p.name for p in WORKFLOWS])
def test_workflows_run_with_least_privilege_on_pull_requests(path):
    data = workflow(path)
    triggers = data.get("on", data.get(True))  # YAML 1.1 reads the key `on` as true
    assert "pull_request_target" not in triggers and "workflow_run" not in triggers
    assert data["permissions"] == {"contents": "read"}
    for job in data["jobs"].values():
        for grant, level in job.get("permissions", {}).items():
            assert level != "write" or job.get("if", "").find("pull_request") != -1 or grant in ("pages", "id-token")


@pytest.mark.parametrize("path", WORKFLOWS, ids=[p.name for p in WORKFLOWS])
def test_actions_are_pinned_and_checkout_keeps_no_credentials(path):
    for job in workflow(path)["jobs"].values():
        for step in job.get("steps", []):
            if "uses" not in step:
                continue
            action, _, ref = step["uses"].partition("@")
            assert re.fullmatch(r"[0-9a-f]{40}", ref), f"{step['uses']} is not pinned to a commit"
            if action == "actions/checkout":
                assert step.get("with", {}).get("persist-credentials") is False


def test_security_policy_and_code_owners():
    policy = (REPO / "SECURITY.md").read_text(encoding="utf-8")
    for words in ("Trusted", "Untrusted", "Reporting a vulnerability", "CODEOWNERS"):
        assert words in policy
    owners = (REPO / ".github/CODEOWNERS").read_text(encoding="utf-8")
    for path in ("/src/", "/mkdocs.yml", "/docs/", "/.github/", "/pyproject.toml"):
        assert any(line.split()[0] == path for line in owners.splitlines() if line.strip() and not line.startswith("#"))


def test_every_class_has_at_least_three_cases():
    assert set(CLASSES) == {"code execution", "attributes", "attribute values", "file disclosure",
                            "denial of service", "ci annotations", "validate = build", "smaller gaps", "workflow"}
    assert all(len(names) >= 3 for names in CLASSES.values()), {k: len(v) for k, v in CLASSES.items()}


def test_theme_ids_are_refused_but_the_content_tabs_keep_their_own():
    """The sanitiser drops ids the theme reads (`__config`...); the ids pymdownx.tabbed numbers itself tie a
    "Cite this page" tab to its label (without them the tabs do not switch and axe reports unlabelled inputs)."""
    from reskb.site.untrusted import is_theme_id

    assert is_theme_id("__config") and is_theme_id("__search") and is_theme_id("__tabbed_x")
    assert is_theme_id("__tabbed_1_2 onmouseover") and is_theme_id("__tabbed_")
    assert not is_theme_id("__tabbed_1_2") and not is_theme_id("references")
