"""APA 7 rules that the CSL style leaves to the data, applied to the CSL-JSON items citeproc formats.

- An identifier such as a report number "99-02" is one number, not a range: citeproc would label it
  "Nos."; its hyphen is passed as a placeholder that citeproc does not read as a range, and put back
  in the rendered reference (`restore`).
- A thesis with no database, archive, DOI or URL is cited as unpublished (APA 7, 10.6): apa.csl then
  already puts the university after the bracket; the description says "Unpublished master's thesis"
  when it is pandoc's standard one (from the entry type), never when the contributor wrote their own.
- A republished work's note gives the original year only, "(Original work published 1959)" (APA 7's
  publication history, 9.39-9.41, and its republished book example in 10.2); apa.csl would add the
  original publisher, so it is left out (with a warning, as for any field the style cannot show).
"""

from __future__ import annotations

import re

#: stands for the hyphen of an identifier while citeproc formats it (a private-use character)
IDENTIFIER_HYPHEN = "\ue000"
_IDENTIFIER = re.compile(r"^\w+(-\w+)+$")
_IDENTIFIER_TYPES = ("report", "patent", "standard")
#: pandoc's descriptions of thesis entry types (phdthesis, mastersthesis, type = {mathesis}...)
_STANDARD_THESES = {"Master’s thesis": "Unpublished master’s thesis", "PhD thesis": "Unpublished doctoral thesis"}
#: CSL variables of a republished work that APA 7's note leaves out
UNSHOWN_VARIABLES = ("original-publisher", "original-publisher-place")


def apply(item: dict) -> dict:
    """A copy of the item as APA 7 wants it given to apa.csl."""
    item = dict(item)
    number = str(item.get("number", ""))
    if item.get("type") in _IDENTIFIER_TYPES and _IDENTIFIER.match(number):
        item["number"] = number.replace("-", IDENTIFIER_HYPHEN)
    if item.get("type") == "thesis" and not any(item.get(v) for v in ("archive", "DOI", "URL")):
        genre = item.get("genre")
        if genre in _STANDARD_THESES:
            item["genre"] = _STANDARD_THESES[genre]
    for variable in UNSHOWN_VARIABLES:
        item.pop(variable, None)
    return item


def restore(text: str) -> str:
    """Rendered text with identifiers' hyphens put back."""
    return text.replace(IDENTIFIER_HYPHEN, "-")
