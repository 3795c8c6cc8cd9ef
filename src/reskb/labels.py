"""Every user-facing word the generated pages use for codes and headings, in one place for translation."""

from __future__ import annotations

ENUM_LABELS: dict[str, str] = {
    # phases
    "pre-trial": "Pre-trial",
    "in-prison": "In prison",
    "pre-release": "Pre-release",
    "release": "Release",
    "post-release": "Post-release",
    "community": "Community",
    # lead actor
    "state": "State",
    "ngo": "NGO",
    "hybrid": "Hybrid (state and NGO)",
    "multi-agency": "Multi-agency partnership",
    "international": "International",
    # status
    "planned": "Planned",
    "pilot": "Pilot",
    "established": "Established",
    "ended": "Ended",
    # evidence
    "unknown": "Not reported",
    "not-evaluated": "Not evaluated",
    "evaluation-planned": "Evaluation planned",
    "reported-outcomes": "Outcomes reported, no formal evaluation",
    "evaluated-findings-unavailable": "Evaluated: findings not available",
    "evaluated-implementation": "Evaluated: implementation only, effects not measured",
    "evaluated-positive": "Evaluated: positive effects",
    "evaluated-mixed": "Evaluated: mixed effects",
    "evaluated-no-effect": "Evaluated: no effect found",
    "evaluated-negative": "Evaluated: negative effects",
    # frequency
    "weekly": "Weekly",
    "every-two-weeks": "Every two weeks",
    "monthly": "Monthly",
    "quarterly": "Quarterly",
    "before-release": "Before each release",
    "per-case": "As cases require",
    "continuous": "Continuous",
}

HEADINGS = {
    "practices": "Practices",
    "challenges": "Challenges",
    "topics": "Topics",
    "countries": "Countries",
    "bibliography": "Bibliography",
    "description": "How it works",
    "why_promising": "Why it is promising",
    "considerations": "Trade-offs and considerations",
    "evidence": "Evidence",
    "responses": "Responses",
    "related": "Related practices",
    "references": "References",
    "at_a_glance": "At a glance",
}

FIELD_LABELS = {
    "countries": "Countries",
    "regions": "Regions",
    "city": "City",
    "phases": "Phases of custody",
    "lead_actor": "Lead actor",
    "lead_organisations": "Lead organisations",
    "participants": "Who takes part",
    "target_group": "Target group",
    "format": "Format",
    "frequency": "How often",
    "produces": "What it decides or produces",
    "status": "Status",
    "start_year": "Started",
    "end_year": "Ended",
    "evidence": "Evidence",
    "topics": "Topics",
    "challenges": "Challenges addressed",
    "last_reviewed": "Last reviewed",
}

#: provenance: record kinds, changes on the "Recently added and updated" page, the edit link
PROVENANCE_LABELS = {
    "practice": "Practice",
    "challenge": "Challenge",
    "topic": "Topic",
    "evaluation": "Evaluation",
    "glossary": "Glossary term",
    "added": "Added",
    "reviewed": "Reviewed",
    "recent_title": "Recently added and updated",
    "edit": "Edit this record",
}


def label(code: str) -> str:
    """Readable English for an enum value; unknown codes are shown with hyphens as spaces."""
    return ENUM_LABELS.get(code, code.replace("-", " ").capitalize())

#: rows of the comparison tables and the compare page, in the order a governor reads them
COMPARE_LABELS = {
    "where": "Where",
    "lead": "Who leads",
    "participants": "Who takes part",
    "frequency": "How often",
    "phases": "Phases of custody",
    "format": "Format",
    "produces": "What it decides or produces",
    "target_group": "Target group",
    "status": "Status",
    "evidence": "Evidence",
}

#: comparison groups across topics, by kind of format (see comparison.FORMAT_GROUPS)
FORMAT_GROUP_LABELS = {
    "multi-agency-meetings": "Multi-agency meetings (case conferences, network meetings, coordination units)",
    "training": "Staff training and train-the-trainer programmes",
    "risk-assessment": "Risk and needs assessment",
    "individual-support": "Individual support (mentoring, counselling, psychological, theological and practical support)",
}

#: evaluation studies: designs (strongest first), outcome measures, directions of findings, page words
EVALUATION_LABELS = {
    "randomised": "Randomised controlled trial",
    "quasi-experimental": "Quasi-experimental (comparison group)",
    "pre-post": "Before-and-after (pre-post)",
    "mixed-methods": "Mixed methods",
    "qualitative": "Qualitative",
    "process": "Process evaluation",
    "none": "No systematic method reported",
    "no-study": "No evaluation study recorded",
    "reoffending": "Reoffending",
    "attitudes": "Attitudes",
    "wellbeing": "Wellbeing",
    "social-reintegration": "Social reintegration",
    "engagement": "Engagement",
    "implementation": "Implementation",
    "institutional": "Institutional outcomes",
    "other": "Other",
    "positive": "Positive",
    "mixed": "Mixed",
    "no-effect": "No effect",
    "negative": "Negative",
    "not-reported": "Not reported",
    "evaluations_title": "Evaluations",
    "evaluations_intro": "Evaluation studies of the catalogue's practices: what was studied, how, and what was found.",
    "practice_section": "Evaluation studies",
    "strongest": "Strongest design",
    "practices": "Practices evaluated",
    "design": "Design",
    "year": "Published",
    "evaluator": "Evaluator",
    "sample": "Sample",
    "setting": "Setting",
    "countries": "Countries",
    "outcomes": "Outcomes",
    "measure": "Measure",
    "finding": "Finding",
    "direction": "Direction",
    "limitations": "Limitations",
}

#: curation: notes by the editors and values they inferred, shown apart from what the sources say
CURATION_LABELS = {
    "editorial_note": "Editorial note",
    "inferred": "inferred",
    "inferred_hint": "Inferred by the editors from what the sources describe; not stated in them.",
}

#: the glossary page and the hover text of linked terms
GLOSSARY_LABELS = {
    "title": "Glossary",
    "intro": "Terms used in the catalogue's records, in our words, each with its source.",
    "aliases": "Also written",
    "related_topics": "Related topics",
    "all_terms": "All terms",
}
