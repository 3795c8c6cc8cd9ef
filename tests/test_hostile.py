"""Hostile input: every case gives a clear validation error or is rendered harmless, proved on the
built HTML; none crashes, hangs or writes outside the output folder."""

from __future__ import annotations

import signal
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import FIXTURE
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
    ("attribute list injection", "practices/harmless-attr.yaml", description('Text\n{: onclick="alert(1)" }'), None),
    ("quotes in title", "practices/harmless-quotes.yaml",
     practice("title: Family meetings in Norway", "title: 'Family \" onmouseover=\"alert(1) meetings'"), None),
    ("bom", "practices/harmless-bom.yaml", b"\xef\xbb\xbf" + BASE.replace("id: norway-family-meetings", "id: hostile").encode(),
     None),
    ("unclosed fences", "practices/harmless-fences.yaml", description("```\n" * 5000), None),
    ("javascript in howpublished", "bibliography/harmless.bib",
     "@misc{harmless2020, title={T}, year={2020}, howpublished={\\url{javascript:alert(1)}}}\n", None),
]


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


def test_harmless_cases_build_and_nothing_can_run(catalogue, tmp_path):
    for _, target, content, expected in CASES:
        if expected is None:
            write_case(catalogue, target, content)
    before = {p for p in tmp_path.rglob("*")}
    with time_limit(120):
        result = build_site(catalogue / "mkdocs.yml", tmp_path / "site")
    assert result.returncode == 0, result.stderr
    written = {p for p in tmp_path.rglob("*")} - before
    cache = catalogue / ".cache"  # the search index cache (gitignored), the one other place a build writes
    allowed = (tmp_path / "site", cache)
    outside = [p for p in written if not any(p == a or a in p.parents for a in allowed)]
    assert outside == [], "wrote outside the site"
    for page in ("harmless-entities", "harmless-attr", "harmless-quotes", "harmless-bom", "harmless-fences"):
        html = (tmp_path / "site/practices" / page / "index.html").read_text(encoding="utf-8")
        parser = _Scripts()
        parser.feed(html)
        assert parser.dangerous == [], page
        assert not any("alert" in script for script in parser.inline_scripts), page
        assert not any("<" in script for script in parser.data_scripts), page  # cannot close its <script>
    entities = (tmp_path / "site/practices/harmless-entities/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in entities  # shown as text
    quotes = (tmp_path / "site/practices/harmless-quotes/index.html").read_text(encoding="utf-8")
    assert '<meta name="citation_title" content="Family &#34; onmouseover=&#34;alert(1) meetings">' in quotes
    bib = (tmp_path / "site/bibliography/index.html").read_text(encoding="utf-8")
    assert 'href="javascript' not in bib


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
