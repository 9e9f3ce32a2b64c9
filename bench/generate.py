"""Synthetic but realistic imhgraph data for the benchmark.

``python bench/generate.py --programs N [--seed S] [--output FILE]`` writes one Turtle file in
the SPEC vocabulary: a few hundred generated topics hung under the project's own topic scheme
(``ontology/topics.ttl``) down to depth 4 and more, organizations, programs covering 15–45
topics each (topic popularity is skewed, so the field has a consensus core), a mix of complete,
incomplete and undeclared coverage, certificates and endorsement ladders with required topics
and entry requirements, and the source pages every fact cites.

The data is valid against ``ontology/shapes.ttl`` (no violations); a small, fixed share of
programs and topics carries the *warnings* that real data has (no ``imh:coverageComplete``,
no ``skos:definition``), so that ``validate`` has results to compare. The same arguments give
byte-identical output. About 6,400 triples of topics and vocabulary plus 46 per program:
``--programs 80`` ≈ 10k triples, ``2_000`` ≈ 100k, ``21_400`` ≈ 1M (see ``PROGRAMS_FOR``).
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://w3id.org/imhgraph/"
IMH = BASE + "ontology#"

#: the programs that land each benchmark size near its nominal triple count (with the vocabulary).
PROGRAMS_FOR: dict[str, int] = {"10k": 80, "100k": 2_000, "1M": 21_400}

#: the credential that ``gaps --all-programs --credential`` is benchmarked against.
BENCH_CREDENTIAL = "bench-endorsement"

EDUCATION = ("cda", "associate", "bachelor", "master", "doctorate")
PROFESSIONS = (
    "licensed-mental-health-clinician",
    "early-intervention-provider",
    "child-development-specialist",
    "health-professional",
    "family-support-specialist",
    "social-worker",
    "family-therapist",
    "psychologist",
    "psychiatrist",
    "nurse",
)
TRACKS = ("ClinicalTrack", "PolicyTrack", "ResearchFacultyTrack")
PLACES = (
    "Lakeside", "Northfield", "Riverside", "Hillcrest", "Oakmont", "Bayview", "Fairhaven",
    "Westbrook", "Eastgate", "Summit", "Pinecrest", "Maplewood", "Brookline", "Cedar Falls",
    "Greenville", "Ashford", "Milton", "Kingsport", "Harbor City", "Springdale",
)
ORG_KINDS = (
    "University", "Institute", "Association for Infant Mental Health", "Center for Early Childhood",
    "College", "Family Services", "Child Development Center",
)
PROGRAM_KINDS = (
    "Infant Mental Health Certificate", "Graduate Certificate in Infant Mental Health",
    "Fellowship in Infant-Parent Mental Health", "Reflective Practice Training",
    "Early Childhood Mental Health Program", "Master's Concentration in Infant Mental Health",
    "Perinatal Mental Health Certificate", "Infant-Parent Psychotherapy Training",
)
TOPIC_WORDS = (
    "assessment", "screening", "observation", "regulation", "co-regulation", "sleep", "feeding",
    "play", "language", "trauma", "grief", "resilience", "temperament", "caregiving", "home visiting",
    "group care", "consultation", "supervision", "documentation", "ethics", "policy", "advocacy",
    "research", "measurement", "fathers", "grandparents", "foster care", "adoption", "substance use",
    "depression", "anxiety", "neurodevelopment", "prematurity", "disability", "equity", "culture",
    "language access", "telehealth", "crisis", "safety planning", "infant massage", "video feedback",
    "parent groups", "outcomes", "fidelity", "self-care", "team work", "referral", "case review",
)
QUALIFIERS = (
    "Foundations of", "Advanced", "Applied", "Clinical", "Community", "Family-centred",
    "Evidence-based", "Reflective", "Culturally responsive", "Introduction to",
)


def scheme_topics() -> list[str]:
    """The IRIs of the topics in the project's own scheme (ontology/topics.ttl), sorted."""
    import pyoxigraph as ox

    store = ox.Store()
    store.load(path=str(ROOT / "ontology" / "topics.ttl"), format=ox.RdfFormat.TURTLE)
    query = f"SELECT DISTINCT ?t WHERE {{ ?t a <{IMH}Topic> }}"
    return sorted(solution["t"].value for solution in store.query(query))


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Generator:
    """Builds the Turtle text, block by block, from one seeded random source."""

    def __init__(self, programs: int, seed: int, topic_anchors: int = 12) -> None:
        self.n_programs = programs
        self.rng = random.Random(seed)
        self.seed = seed
        self.existing = scheme_topics()
        if not self.existing:
            raise SystemExit("ontology/topics.ttl holds no imh:Topic; cannot hang topics under it")
        self.anchors = sorted(self.rng.sample(self.existing, min(topic_anchors, len(self.existing))))
        self.generated: list[tuple[str, str, str, int]] = []  # slug, parent IRI, label, depth
        self._make_topic_tree()
        self.all_topics = self.existing + [BASE + "topic/" + t[0] for t in self.generated]
        # Skewed popularity: topics in a random order, weight 1/rank (Zipf), so a few dozen
        # topics are taught almost everywhere and the long tail by a handful of programs.
        order = self.all_topics[:]
        self.rng.shuffle(order)
        self.popular = order
        weights = [1.0 / (rank + 1) for rank in range(len(order))]
        total = 0.0
        self.cum_weights = []
        for w in weights:
            total += w
            self.cum_weights.append(total)

    # ------------------------------------------------------------------ topics

    def _make_topic_tree(self) -> None:
        counter = 0
        for anchor in self.anchors:
            frontier = [(anchor, 0)]
            while frontier:
                parent, depth = frontier.pop(0)
                if depth >= 4:
                    continue
                children = self.rng.randint(2, 3) if depth < 3 else self.rng.randint(1, 3)
                for _ in range(children):
                    counter += 1
                    slug = f"gen-topic-{counter:04d}"
                    label = f"{self.rng.choice(QUALIFIERS)} {self.rng.choice(TOPIC_WORDS)} ({counter})"
                    self.generated.append((slug, parent, label, depth + 1))
                    frontier.append((BASE + "topic/" + slug, depth + 1))

    def sample_topics(self, k: int) -> list[str]:
        """*k* distinct topics, drawn by popularity."""
        chosen: dict[str, None] = {}
        while len(chosen) < k:
            for t in self.rng.choices(self.popular, cum_weights=self.cum_weights, k=k):
                chosen.setdefault(t, None)
                if len(chosen) == k:
                    break
        return sorted(chosen)

    # ------------------------------------------------------------------ text

    def lines(self) -> Iterator[str]:
        """The whole Turtle document, line by line."""
        rng = self.rng
        yield "# Synthetic imhgraph benchmark data (bench/generate.py): "
        yield f"# --programs {self.n_programs} --seed {self.seed}. Not real programs.\n"
        for prefix, ns in (
            ("imh", IMH), ("org", BASE + "org/"), ("program", BASE + "program/"),
            ("credential", BASE + "credential/"), ("topic", BASE + "topic/"),
            ("profession", BASE + "profession/"), ("education", BASE + "education/"),
            ("schema", "https://schema.org/"), ("dcterms", "http://purl.org/dc/terms/"),
            ("skos", "http://www.w3.org/2004/02/skos/core#"),
            ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
            ("xsd", "http://www.w3.org/2001/XMLSchema#"), ("src", "https://example.org/bench/source/"),
        ):
            yield f"@prefix {prefix}: <{ns}> ."
        yield ""
        yield "src:topic-catalogue a schema:WebPage ; dcterms:title \"Synthetic topic catalogue\" ."
        for slug, parent, label, depth in self.generated:
            parent_ref = "topic:" + parent[len(BASE + "topic/"):]
            block = [
                f"topic:{slug} a imh:Topic , skos:Concept ;",
                "    skos:inScheme topic:scheme ;",
                f"    skos:broader {parent_ref} ;",
                f"    skos:prefLabel {_lit(label)} ;",
            ]
            if rng.random() < 0.3:
                block.append(f"    skos:altLabel {_lit(label.split(' (')[0].lower())} ;")
            # About 2% of topics lack a definition: a warning in validate, as in real data.
            if rng.random() >= 0.02:
                block.append(f"    skos:definition {_lit(f'Synthetic topic at depth {depth}: {label}.')} ;")
            block.append("    dcterms:source src:topic-catalogue .")
            yield "\n".join(block)

        n_orgs = max(2, self.n_programs // 4)
        endorsement_bodies = set(range(0, n_orgs, 40))
        credentials_of: dict[int, list[str]] = {}
        endorsements: list[str] = []
        for i in range(n_orgs):
            org = f"gen-org-{i:05d}"
            kind = "Association for Infant Mental Health" if i in endorsement_bodies else rng.choice(ORG_KINDS)
            label = f"{rng.choice(PLACES)} {kind} {i}"
            source = f"src:{org}"
            yield f"{source} a schema:WebPage ; dcterms:title {_lit(label + ': about us')} ; imh:retrieved \"2025-{1 + i % 12:02d}\"^^xsd:gYearMonth ."
            yield (
                f"org:{org} a imh:Organization ;\n    rdfs:label {_lit(label)} ;\n"
                f"    schema:url <https://example.org/bench/org/{i}> ;\n    dcterms:source {source} ."
            )
            creds = []
            # Every organization awards its own certificate.
            cert = f"{org}-certificate"
            creds.append(cert)
            yield (
                f"credential:{cert} a imh:Certificate ;\n    rdfs:label {_lit(label + ' certificate')} ;\n"
                f"    imh:awardedBy org:{org} ;\n    dcterms:source {source} ."
            )
            if i in endorsement_bodies:
                for level in range(1, 5):
                    slug = f"{org}-endorsement-{level}"
                    endorsements.append(slug)
                    yield self._credential(slug, f"{label} Endorsement Level {level}", org, source, level, rng.randint(10, 25))
            credentials_of[i] = creds

        # The credential `gaps --all-programs` is measured against: 30 required topics from the
        # whole popularity range, including generated deep topics (so `narrower` cells occur).
        yield self._credential(BENCH_CREDENTIAL, "Benchmark Endorsement", "gen-org-00000", "src:gen-org-00000", 3, 30)

        for i in range(self.n_programs):
            org_index = rng.randrange(n_orgs)
            org = f"gen-org-{org_index:05d}"
            slug = f"gen-program-{i:06d}"
            label = f"{rng.choice(PROGRAM_KINDS)} {i} ({rng.choice(PLACES)})"
            covers = self.sample_topics(rng.randint(15, 45))
            roll = rng.random()
            block = [
                f"program:{slug} a imh:TrainingProgram ;",
                f"    rdfs:label {_lit(label)} ;",
                f"    imh:offeredBy org:{org} ;",
            ]
            # Complete (45%), incomplete (45%), or undeclared (10%: a warning, and unknown cells).
            if roll < 0.45:
                block.append("    imh:coverageComplete true ;")
            elif roll < 0.90:
                block.append("    imh:coverageComplete false ;")
            block.append("    imh:covers " + " , ".join("topic:" + t[len(BASE + "topic/"):] for t in covers) + " ;")
            if rng.random() < 0.7:
                block.append(f"    imh:awards credential:{credentials_of[org_index][0]} ;")
            if endorsements and rng.random() < 0.3:
                block.append(f"    imh:preparesFor credential:{rng.choice(endorsements)} ;")
            if rng.random() < 0.8:
                block.append(f"    imh:requiresEducation education:{rng.choice(EDUCATION)} ;")
            if rng.random() < 0.5:
                block.append(f"    imh:minYearsExperience {rng.choice(('0', '1', '2', '2.5', '3'))} ;")
            professions = rng.sample(PROFESSIONS, rng.randint(1, 3))
            block.append("    imh:admitsProfession " + " , ".join("profession:" + p for p in sorted(professions)) + " ;")
            block.append(f"    imh:duration \"P{rng.choice((6, 9, 12, 18, 24))}M\"^^xsd:duration ;")
            block.append(f"    imh:deliveryMode {_lit(rng.choice(('online', 'in person', 'hybrid')))} ;")
            block.append(f"    imh:retrieved \"2025-{1 + i % 12:02d}-{1 + i % 28:02d}\"^^xsd:date ;")
            block.append(f"    dcterms:source src:{org} , <https://example.org/bench/program/{i}> .")
            yield "\n".join(block)
        yield ""

    def _credential(self, slug: str, label: str, org: str, source: str, level: int, n_topics: int) -> str:
        rng = self.rng
        topics = self.sample_topics(n_topics)
        return "\n".join(
            [
                f"credential:{slug} a imh:Endorsement ;",
                f"    rdfs:label {_lit(label)} ;",
                f"    imh:level {level} ;",
                f"    imh:awardedBy org:{org} ;",
                f"    imh:track imh:{rng.choice(TRACKS)} ;",
                f"    imh:requiresEducation education:{EDUCATION[min(level, 4)]} ;",
                f"    imh:minYearsExperience {level - 1} ;",
                f"    imh:minTrainingHours {30 * level} ;",
                f"    imh:minReflectiveSupervisionHours {24 * (level - 1)} ;",
                f"    imh:requiresExam {'true' if level >= 3 else 'false'} ;",
                "    imh:requiresTopic " + " , ".join("topic:" + t[len(BASE + "topic/"):] for t in topics) + " ;",
                f"    dcterms:source {source} .",
            ]
        )


def generate(programs: int, seed: int = 1) -> str:
    """The Turtle text for *programs* programs with random *seed*."""
    return "\n".join(Generator(programs, seed).lines()) + "\n"


def write(path: Path, programs: int, seed: int = 1) -> Path:
    """Write the data for *programs* programs to *path* (atomically: temp file, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        for line in Generator(programs, seed).lines():
            handle.write(line)
            handle.write("\n")
    tmp.replace(path)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--programs", type=int, required=True, help="number of training programs")
    parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same bytes)")
    parser.add_argument("--output", type=Path, help="Turtle file to write (default: standard output)")
    args = parser.parse_args(argv)
    if args.programs < 1:
        parser.error("--programs must be at least 1")
    if args.output:
        write(args.output, args.programs, args.seed)
    else:
        sys.stdout.write(generate(args.programs, args.seed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
