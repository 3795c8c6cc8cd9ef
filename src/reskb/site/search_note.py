"""A line in the site search's results that says what it leaves out in a large catalogue, and where to look.

Beyond scale.TITLES_ONLY_ABOVE practices, record pages are in Material's site search by title only, and beyond
scale.PRACTICES_OUT_OF_SEARCH_ABOVE practice pages are not in it at all (site_search.py): without a word, a
reader would take "no results" for "no such practice". Material has no setting for such a line, so in those
cases the plugin adds SCRIPT to every page: it puts the note under the line that counts the results, with a
link to the finder (which searches the practices' full text) carrying the words typed. Up to those sizes
nothing is added.
"""

from __future__ import annotations

import json

from .finder import FINDER_PAGE
from .scale import practices_out_of_search, titles_only

SCRIPT = "assets/reskb/search-note.js"

NOTES = {
    "out": "Practices are not in this search: the catalogue is too large to load them on every page.",
    "titles": "Practices and other records are found here by their titles only, not by their text.",
}
LINK = "Search the full text of the practices in the finder"

_JS = """/* The site search's note for a large catalogue (search_note.py, generated): what it leaves out, and a link
   to the finder with the words typed. Text is set with textContent only. */
(function () {
  "use strict";
  var script = document.currentScript, NOTE = %(note)s, LINK = %(link)s, PAGE = %(page)s;

  function start() {
    var meta = document.querySelector(".md-search-result__meta");
    var query = document.querySelector("[data-md-component=search-query]");
    if (!meta || !script || document.getElementById("reskb-search-note")) return;
    var finder = new URL(PAGE, new URL("../../", script.src));  // this file is assets/reskb/search-note.js
    var note = document.createElement("p");
    note.id = "reskb-search-note";
    note.className = "reskb-search-note";
    var link = document.createElement("a");
    link.textContent = LINK;
    function update() {
      var words = query ? query.value.trim() : "";
      var target = new URL(finder.href);
      if (words) target.searchParams.set("words", words);
      link.href = target.href;
    }
    note.append(NOTE + " ", link, ".");
    meta.after(note);
    update();
    if (query) query.addEventListener("input", update);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
"""


def search_note(practices: int) -> str | None:
    """The note for a catalogue of this many practices, or None when the site search finds every record in full."""
    if practices_out_of_search(practices):
        return NOTES["out"]
    if titles_only(practices):
        return NOTES["titles"]
    return None


def search_note_script(practices: int, use_directory_urls: bool = True) -> str | None:
    """SCRIPT's content, or None when no note is needed."""
    note = search_note(practices)
    if note is None:
        return None
    page = FINDER_PAGE.removesuffix(".md") + ("/" if use_directory_urls else ".html")
    values = {"note": note, "link": LINK, "page": page}
    return _JS % {k: json.dumps(v).replace("<", "\\u003c") for k, v in values.items()}
