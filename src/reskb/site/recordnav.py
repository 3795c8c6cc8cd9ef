"""Where each generated record page sits, without putting records into the navigation (ARCHITECTURE.md,
"Scale"): the list page whose tab it belongs to, its breadcrumbs, and the previous and next page of that list.
Pure data (page paths relative to docs/); the plugin turns it into the theme's tab, path and footer."""

from __future__ import annotations

from dataclasses import dataclass

from ..records.catalogue import Catalogue, country_name
from ..records.catalogue import title_key as by_title

PRACTICES, TOPICS, CHALLENGES, COUNTRIES, COMPARE, EVALUATIONS, GLOSSARY = (
    "practices/index.md", "topics/index.md", "challenges/index.md", "countries/index.md", "compare/index.md",
    "evaluations/index.md", "glossary/index.md")


@dataclass(frozen=True)
class Place:
    """A page's place: the list it belongs to, its breadcrumbs above it (title, path) and its neighbours."""

    home: str  # the list page whose tab is active
    crumbs: tuple[tuple[str, str], ...]
    previous: str | None
    next: str | None


def _sequence(paths: list[str], home: str, crumbs: dict[str, tuple[tuple[str, str], ...]]) -> dict[str, Place]:
    out = {}
    for i, path in enumerate(paths):
        out[path] = Place(home, crumbs[path], paths[i - 1] if i else None, paths[i + 1] if i + 1 < len(paths) else None)
    return out


def places(cat: Catalogue, group_pages: list[tuple[str, str]] | None = None) -> dict[str, Place]:
    """Every record page's place. `group_pages` are the comparison tables (path, title), in list order."""
    out: dict[str, Place] = {}
    practices = sorted(cat.practices.values(), key=by_title)
    crumbs = {}
    for p in practices:
        first = p.data["countries"][0]
        crumbs[f"practices/{p.id}.md"] = (("Practices", PRACTICES), (country_name(first), f"countries/{first.lower()}.md"))
    out.update(_sequence(list(crumbs), PRACTICES, crumbs))
    for kind, home, name in (("topic", TOPICS, "Topics"), ("challenge", CHALLENGES, "Challenges"),
                             ("evaluation", EVALUATIONS, "Evaluations"), ("glossary", GLOSSARY, "Glossary")):
        paths = [f"{home.split('/')[0]}/{r.id}.md" for r in sorted(cat.records[kind].values(), key=by_title)]
        out.update(_sequence(paths, home, {path: ((name, home),) for path in paths}))
    paths = [f"countries/{code.lower()}.md" for code in cat.countries]
    out.update(_sequence(paths, COUNTRIES, {path: (("Practices", PRACTICES), ("Countries", COUNTRIES)) for path in paths}))
    groups = [path for path, _ in group_pages or []]
    out.update(_sequence(groups, COMPARE, {path: (("Practices", PRACTICES), ("Compare", COMPARE)) for path in groups}))
    return out
