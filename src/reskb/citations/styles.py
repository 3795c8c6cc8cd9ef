"""The citation styles a reader or `reskb cite` can choose (a module of its own: the command line's parser
lists them without loading the formatter)."""

STYLES = {"apa": "apa", "chicago": "chicago-author-date", "harvard": "harvard-cite-them-right",
          "vancouver": "vancouver-nlm"}
STYLE_NAMES = {"apa": "APA 7", "chicago": "Chicago (author-date)", "harvard": "Harvard (Cite Them Right)",
               "vancouver": "Vancouver"}
