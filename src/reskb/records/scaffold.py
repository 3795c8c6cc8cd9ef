"""`reskb new`: a commented record template, generated from the JSON Schemas so it never drifts.

Every field of the schema appears in the template with what it is for, whether it is required and,
for fixed vocabularies, the values allowed. Required fields hold the placeholder `TODO` (which the
validator reports until it is replaced); optional fields are commented out, ready to be uncommented.
"""

from __future__ import annotations

import argparse
import datetime
import difflib
import os
import re
import shutil
import sys
import textwrap
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from .catalogue import FOLDERS, KINDS, RESERVED_COUNTRY_CODES
from .placeholders import MARKER
from .schema import resolve, schema

WIDTH = 100
ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
ID_PROPOSAL_LENGTH = 60
#: letters that Unicode does not decompose into an ASCII letter plus accents
_FOLD = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "OE", "ł": "l",
                       "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "TH", "ı": "i",
                       "’": "", "'": "", "&": " and "})
#: Markdown text fields get a block scalar in the template, to show how longer text is written
_BLOCK_REFS = ("common.schema.json#/$defs/markdown", "common.schema.json#/$defs/summary")


class ScaffoldError(Exception):
    """A refusal with a message a contributor can act on (exit code 1)."""


def slugify(title: str, max_length: int = ID_PROPOSAL_LENGTH) -> str:
    """An id proposal from a title: ASCII letters (accents folded), digits and single hyphens."""
    text = unicodedata.normalize("NFKD", title.translate(_FOLD))
    text = "".join(c for c in text if not unicodedata.combining(c)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length + 1].rsplit("-", 1)[0] if "-" in slug[:max_length + 1] else slug[:max_length]
    return slug.strip("-")


# --- the template --------------------------------------------------------------------------


def _comment(text: str, indent: int, first: str = "# ", rest: str = "#   ") -> list[str]:
    pad = " " * indent
    return textwrap.wrap(" ".join(text.split()), width=WIDTH, initial_indent=pad + first,
                         subsequent_indent=pad + rest, break_on_hyphens=False, break_long_words=False)


def _scalar(value: Any) -> str:
    """A value as YAML flow text, quoted only where YAML needs it (dates stay plain: our loader reads them as text)."""
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000, sort_keys=False)
    return text.removesuffix("\n...\n").strip()


def _allowed(node: dict[str, Any]) -> str:
    if "enum" in node:
        return "one of: " + ", ".join(str(v) for v in node["enum"])
    items = resolve(node.get("items", {}))
    if "enum" in items:
        return "one or more of: " + ", ".join(str(v) for v in items["enum"])
    return ""


def _field(name: str, raw: dict[str, Any], required: bool, indent: int, values: dict[str, Any]) -> list[str]:
    """The doc comment and the value lines of one field; optional fields without a value commented out."""
    node = resolve(raw)
    need = "required" if required else "optional"
    lines = _comment(f"{name} ({need}): {node.get('description', '')}", indent)
    allowed = _allowed(node)
    if allowed:
        lines += _comment(allowed, indent, "#   ", "#     ")
    pad = " " * indent
    given = name in values
    kind = node.get("type")
    items = resolve(node.get("items", {}))
    if given:
        body = [f"{pad}{name}: {_scalar(values[name])}"]
    elif kind == "object":
        body = [f"{pad}{name}:", *_fields(node, indent + 2, {})]
    elif kind == "array" and items.get("type") == "object":
        inner = _fields(items, indent + 4, {})
        first = next(i for i, line in enumerate(inner) if not line.lstrip().startswith("#"))
        inner[first] = f"{pad}  - {inner[first].lstrip()}"
        body = [f"{pad}{name}:", *inner]
    elif kind == "array":
        body = [f"{pad}{name}: [{MARKER}]"]
    elif raw.get("$ref") in _BLOCK_REFS:
        body = [f"{pad}{name}: |", f"{pad}  {MARKER}"]
    else:
        body = [f"{pad}{name}: {MARKER}"]
    if not required and not given:
        body = [f"{pad}# {line[indent:]}" for line in body]
    return lines + body


def _fields(node: dict[str, Any], indent: int, values: dict[str, Any]) -> list[str]:
    required = set(node.get("required", []))
    props = node.get("properties", {})
    order = [n for n in props if n in required] + [n for n in props if n not in required] if indent else list(props)
    lines: list[str] = []
    for name in order:
        if lines and not indent:
            lines.append("")
        lines += _field(name, props[name], name in required, indent, values)
    return lines


def template(kind: str, values: dict[str, Any] | None = None) -> str:
    """The commented template of a record kind; `values` fills top-level fields (id, title, countries...)."""
    doc = schema(kind)
    folder = FOLDERS[kind]
    head = [f"# yaml-language-server: $schema=../src/reskb/schemas/{kind}.schema.json", "#",
            *_comment(doc["description"], 0, "# ", "# "), "#",
            "# How to fill in this file (the contributor guide, CONTRIBUTING.md, explains each step):",
            f"# - Replace every {MARKER} with what your sources say; `reskb validate` lists each one left.",
            "# - Optional fields are commented out: remove the '# ' at the start of their lines to use them,",
            "#   or leave them out where the sources are silent. Never guess.",
            "# - Cite in text with [@key] or [@key, p. 23]; every key must be in bibliography/*.bib.",
            f"# - The file name is the id: {folder}/<id>.yaml.", ""]
    return "\n".join(head + _fields(doc, 0, values or {})) + "\n"


# --- creating a record ---------------------------------------------------------------------


def taken(root: Path, kind: str, record_id: str) -> Path | None:
    """The file that already holds this id in this kind's folder (by file name or by its `id:` line)."""
    folder = root / FOLDERS[kind]
    if (folder / f"{record_id}.yaml").exists():
        return folder / f"{record_id}.yaml"
    line = re.compile(rf"^id:\s*['\"]?{re.escape(record_id)}['\"]?\s*(#.*)?$", re.MULTILINE)
    for path in sorted(folder.glob("*.y*ml")) if folder.is_dir() else []:
        if line.search(path.read_text(encoding="utf-8", errors="replace")):
            return path
    return None


def check_id(root: Path, kind: str, record_id: str) -> None:
    if not ID_PATTERN.match(record_id) or len(record_id) > 80:
        proposal = slugify(record_id)
        raise ScaffoldError(f"'{record_id}' cannot be an id: use lowercase letters a-z, digits and single hyphens"
                            + (f", e.g. '{proposal}'" if proposal else ""))
    existing = taken(root, kind, record_id)
    if existing is not None:
        shown = existing.relative_to(root).as_posix()
        raise ScaffoldError(f"the id '{record_id}' is already taken by {shown}: choose another id with --id, "
                            "or edit that file instead")


def check_countries(codes: list[str]) -> list[str]:
    import pycountry

    from .validate import _country_hint

    out = []
    for raw in codes:
        code = raw.strip().upper()
        if code in RESERVED_COUNTRY_CODES or (len(code) == 2 and code.isalpha() and pycountry.countries.get(alpha_2=code)):
            out.append(code)
        else:
            raise ScaffoldError(f"'{raw.strip()}' is not an ISO 3166-1 country code ({_country_hint(code)})")
    return list(dict.fromkeys(out))


def check_refs(root: Path, kind: str, ids: list[str]) -> list[str]:
    """Ids of topics or challenges that must exist already."""
    known = sorted(p.stem for p in (root / FOLDERS[kind]).glob("*.yaml"))
    for value in ids:
        if value not in known:
            close = difflib.get_close_matches(value, known, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else f"the {kind} ids are the file names in {FOLDERS[kind]}/"
            raise ScaffoldError(f"unknown {kind} id '{value}' ({hint})")
    return list(dict.fromkeys(ids))


def _split(values: list[str] | None) -> list[str]:
    """Values given as repeated options and/or comma-separated."""
    return [v.strip() for item in values or [] for v in item.split(",") if v.strip()]


def _ask(prompt: str, check: Callable[[str], Any], default: str = "") -> Any:
    """Ask on the terminal until the answer passes `check` (which raises ScaffoldError otherwise)."""
    while True:
        answer = input(f"{prompt}" + (f" [{default}]" if default else "") + ": ").strip() or default
        try:
            return check(answer)
        except ScaffoldError as exc:
            print(f"  {exc}", file=sys.stderr)


def _require(what: str) -> Callable[[str], str]:
    def check(answer: str) -> str:
        if len(answer) < 3:
            raise ScaffoldError(f"please give the {what} (at least 3 characters)")
        return answer
    return check


def gather(args: argparse.Namespace, root: Path, interactive: bool) -> dict[str, Any]:
    """Top-level values for the template, from the options and, on a terminal, from questions."""
    kind = args.kind
    title = (args.title or "").strip()
    if not title and interactive:
        title = _ask(f"Title of the {kind}", _require("title"))
    if len(title) < 3:
        raise ScaffoldError("give the title with --title \"...\" (there is no terminal to ask on)"
                            if not interactive else "a title needs at least 3 characters")
    record_id = (args.id or "").strip()
    if not record_id:
        proposal = slugify(title)
        if interactive:
            record_id = _ask("Id (the file name and web address; never changes)",
                             lambda a: check_id(root, kind, a) or a, proposal)
        elif not proposal:
            raise ScaffoldError("no id can be made from this title (no letters a-z): give one with --id")
        else:
            record_id = proposal
    check_id(root, kind, record_id)
    values: dict[str, Any] = {"id": record_id, "term" if kind == "glossary" else "title": title}

    countries = _split(getattr(args, "country", None))
    topics = _split(getattr(args, "topic", None))
    challenges = _split(getattr(args, "challenge", None))
    if kind == "practice":
        if not countries and interactive:
            countries = _ask("Countries (ISO codes, comma-separated, e.g. NL, DE; Enter to fill in later)",
                             lambda a: check_countries(_split([a])))
        if not topics and interactive:
            known = ", ".join(sorted(p.stem for p in (root / "topics").glob("*.yaml")))
            print(f"Topics: {known}")
            topics = _ask("Topics (ids, comma-separated; Enter to fill in later)",
                          lambda a: check_refs(root, "topic", _split([a])))
        if countries:
            values["countries"] = check_countries(countries)
        if topics:
            values["topics"] = check_refs(root, "topic", topics)
        if challenges:
            values["challenges"] = check_refs(root, "challenge", challenges)
    elif kind == "challenge" and topics:
        values["topics"] = check_refs(root, "topic", topics)
    elif countries or topics or challenges:
        raise ScaffoldError(f"a {kind} has no countries, topics or challenges; leave out those options")
    today = args.date or datetime.date.today().isoformat()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", today):
        raise ScaffoldError(f"'{today}' is not a date in the form YYYY-MM-DD")
    values["last_reviewed"] = today
    values["added"] = today
    return values


def create(root: Path, kind: str, values: dict[str, Any]) -> Path:
    """Write the template for a new record; never overwrites a file."""
    folder = root / FOLDERS[kind]
    if not folder.is_dir():
        raise ScaffoldError(f"no {FOLDERS[kind]}/ folder in {root}: run the command from the repository's top "
                            "folder, or give it with --path")
    check_id(root, kind, values["id"])
    path = folder / f"{values['id']}.yaml"
    try:
        with path.open("x", encoding="utf-8") as out:  # "x": fails rather than overwrite
            out.write(template(kind, values))
    except FileExistsError:
        raise ScaffoldError(f"{FOLDERS[kind]}/{path.name} already exists; it was left unchanged") from None
    return path


def cmd_new(args: argparse.Namespace) -> int:
    root = Path(args.path)
    interactive = sys.stdin.isatty() and not args.no_input
    try:
        if not (root / FOLDERS[args.kind]).is_dir():
            raise ScaffoldError(f"no {FOLDERS[args.kind]}/ folder in '{root}': run the command from the "
                                "repository's top folder, or give it with --path")
        values = gather(args, root, interactive)
        if args.stdout:
            sys.stdout.write(template(args.kind, values))
            return 0
        path = create(root, args.kind, values)
    except ScaffoldError as exc:
        print(f"reskb new: {exc}", file=sys.stderr)
        return 1
    except (EOFError, KeyboardInterrupt):
        print("\nreskb new: stopped; nothing was written", file=sys.stderr)
        return 1
    shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()
    print(f"created {shown}\n"
          f"next: 1. replace every {MARKER} in it with what your sources say (optional fields are commented out)\n"
          f"      2. add the works you cite to bibliography/*.bib\n"
          f"      3. run: {command('reskb')} validate    (it lists each {MARKER} left and anything else to fix)\n"
          f"      4. preview: NO_MKDOCS_2_WARNING=1 {command('mkdocs')} serve --dirty, then open "
          f"{preview_url(root, FOLDERS[args.kind], values['id'])}")
    return 0


def command(name: str) -> str:
    """How to run one of our console scripts from this shell: its bare name when it is on PATH, else its path in
    the virtual environment that runs us (a fresh shell has not activated it)."""
    if shutil.which(name):
        return name
    script = Path(sys.executable).parent / name
    try:
        return script.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return script.as_posix()


_SITE_URL = re.compile(r"""^site_url:\s*(?:!ENV\s*\[\s*(\w+)\s*,\s*)?["']?([^"'\]\s]*)""", re.MULTILINE)


def preview_url(root: Path, folder: str, record_id: str) -> str:
    """Where `mkdocs serve` shows the record: it serves the site under the path of site_url (e.g. /reskb/),
    read from mkdocs.yml as MkDocs reads it (RESKB_SITE_URL when an !ENV tag names it and it is set)."""
    path = "/"
    config = root / "mkdocs.yml"
    match = _SITE_URL.search(config.read_text(encoding="utf-8")) if config.is_file() else None
    if match:
        url = os.environ.get(match.group(1), match.group(2)) if match.group(1) else match.group(2)
        path = urlsplit(url).path or "/"
    if not path.endswith("/"):
        path += "/"
    return f"http://127.0.0.1:8000{path}{folder}/{record_id}/"


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    new = sub.add_parser("new", help="start a new practice, challenge, topic, evaluation or glossary term from a "
                         "commented template",
                         description="Write a commented template for a new record, generated from the JSON "
                         "Schemas. On a terminal it asks for what the options do not give; otherwise it "
                         "never waits for input.")
    new.add_argument("kind", choices=KINDS, help="what to add")
    new.add_argument("--title", help="the record's title (a glossary term's term), e.g. \"Case conferences in Rotterdam\"")
    new.add_argument("--id", help="the record's id and file name (default: made from the title)")
    new.add_argument("--country", action="append", metavar="CODE",
                     help="ISO 3166-1 code of a country (practices); repeat it or separate codes by commas")
    new.add_argument("--topic", action="append", metavar="ID", help="id of a topic (practices, challenges); repeatable")
    new.add_argument("--challenge", action="append", metavar="ID", help="id of a challenge (practices); repeatable")
    new.add_argument("--date", help="date for 'added' and 'last_reviewed' (default: today), YYYY-MM-DD")
    new.add_argument("--path", default=".", help="catalogue folder (default: current folder)")
    new.add_argument("--stdout", action="store_true", help="print the template instead of writing the file")
    new.add_argument("--no-input", action="store_true", help="never ask questions, even on a terminal")
    new.set_defaults(func=cmd_new)
