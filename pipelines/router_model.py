"""The learned router (分办模型): a spaCy text classifier that proposes a 承办部门 for documents no rule covers.

It learns from the office's own decisions: every document routed by an explicit rule, and every clerk's
correction (改办, weighed three times: a person looked at it). Documents routed by the model itself, sent to
the 办公室 for lack of a rule, returned, or classified are never learned from (classified text never leaves
the 机要 path). The model proposes a department with its confidence; routing.py uses it only where no rule
holds, and only at or above the confidence threshold; below it, the document goes to the 办公室 with the
proposal in its reason. An explicit rule is never overridden.

The model lives in <root>/routing-model/ (spaCy's own format, written atomically); each batch retrains it
first when the examples changed (so yesterday's corrections count today), and `shouwen learn` on demand.
"""
from __future__ import annotations

import json
import random
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

MODEL_DIR = "routing-model"
THRESHOLD = 0.6  # below this the proposal is shown to a person, not acted on
CORRECTION_WEIGHT = 3
MIN_EXAMPLES, MIN_DEPARTMENTS = 8, 2
MAX_EXAMPLES = 5000  # the most recent ones: an office's routing drifts with its work
TEXT_CHARS = 1500  # title plus the head of the text: issuer, subject, first paragraphs


@dataclass
class Example:
    text: str
    department: str
    source: str  # 'rule' or 'clerk'


@dataclass
class Proposal:
    department: str
    confidence: float


def model_text(title: str, body: str) -> str:
    return f"{title or ''}\n{(body or '')[:TEXT_CHARS]}"


def training_examples(ledger, index) -> list[Example]:
    """Rule decisions and clerk corrections of indexed documents, with their text from the search index
    (ledger: a Ledger — its training_rows —, or for callers of old the path of a SQLite ledger file;
    index: a SearchIndex; its stored_texts gives title and text by ledger id, whatever the backend)."""
    if hasattr(ledger, "training_rows"):
        rows = ledger.training_rows(MAX_EXAMPLES)
    else:
        if not Path(ledger).exists():
            return []
        from .ledger import SQLiteLedger

        opened = SQLiteLedger(Path(ledger), create=False)
        try:
            rows = opened.training_rows(MAX_EXAMPLES)
        finally:
            opened.close()
    texts = index.stored_texts([r[0] for r in rows])
    return [Example(model_text(*texts[doc_id]), department, source) for doc_id, source, department in rows
            if doc_id in texts]


def signature(examples: list[Example]) -> str:
    """What the model was trained on, to know when to train again."""
    import hashlib

    digest = hashlib.sha256()
    for e in sorted(examples, key=lambda e: (e.department, e.source, e.text)):
        digest.update(f"{e.department}\0{e.source}\0{e.text}\0".encode())
    return digest.hexdigest()


def _quiet_jieba() -> None:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)


def train(examples: list[Example], epochs: int = 12, seed: int = 0):
    """A spaCy pipeline (jieba words, bag of words and word pairs, one label per department)."""
    _quiet_jieba()
    import spacy
    from spacy.training import Example as SpacyExample
    from spacy.util import fix_random_seed, minibatch

    fix_random_seed(seed)
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    textcat = nlp.add_pipe("textcat", config={"model": {
        "@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": True, "ngram_size": 2,
        "no_output_layer": False, "length": 262144}})
    departments = sorted({e.department for e in examples})
    for department in departments:
        textcat.add_label(department)
    weighted = [e for e in examples for _ in range(CORRECTION_WEIGHT if e.source == "clerk" else 1)]
    texts = list({e.text for e in weighted})  # each distinct text tokenised once
    docs = dict(zip(texts, nlp.tokenizer.pipe(texts)))
    data = [SpacyExample.from_dict(docs[e.text], {"cats": {d: float(d == e.department) for d in departments}})
            for e in weighted]
    optimizer = nlp.initialize(lambda: data)
    rng = random.Random(seed)
    for _ in range(epochs):
        rng.shuffle(data)
        for batch in minibatch(data, size=16):
            nlp.update(batch, sgd=optimizer)
    return nlp


class RouterModel:
    """A trained router, loaded once per worker."""

    def __init__(self, nlp, meta: dict):
        self.nlp, self.meta = nlp, meta

    def propose(self, title: str, body: str) -> Proposal:
        return self.propose_text(model_text(title, body))

    def propose_text(self, text: str) -> Proposal:
        cats = self.nlp(text).cats
        department = max(cats, key=cats.get)
        return Proposal(department, round(float(cats[department]), 3))


def load(root: Path) -> Optional[RouterModel]:
    folder = Path(root) / MODEL_DIR
    if not (folder / "shouwen.json").is_file():
        return None
    _quiet_jieba()
    import spacy

    return RouterModel(spacy.load(folder), json.loads((folder / "shouwen.json").read_text(encoding="utf-8")))


def learn(root: Path, ledger, index, force: bool = False) -> Optional[dict]:
    """Train again when the examples changed (or when forced). ledger: the office's Ledger; index: the office's
    SearchIndex (texts). Returns the new model's facts, else None."""
    examples = training_examples(ledger, index)
    departments = {e.department for e in examples}
    if len(examples) < MIN_EXAMPLES or len(departments) < MIN_DEPARTMENTS:
        return None
    folder = Path(root) / MODEL_DIR
    current = signature(examples)
    meta_path = folder / "shouwen.json"
    if not force and meta_path.is_file() and json.loads(meta_path.read_text(encoding="utf-8")).get("signature") == current:
        return None
    meta = {"signature": current, "examples": len(examples),
            "corrections": sum(1 for e in examples if e.source == "clerk"),
            "departments": sorted(departments), "held_out_accuracy": held_out_accuracy(examples),
            "threshold": THRESHOLD}
    nlp = train(examples)
    staging = folder.with_name(MODEL_DIR + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    nlp.to_disk(staging)
    (staging / "shouwen.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    old = folder.with_name(MODEL_DIR + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        folder.rename(old)
    staging.rename(folder)  # a reader sees the old model or the new one, never half of one
    shutil.rmtree(old, ignore_errors=True)
    return meta


def held_out_accuracy(examples: list[Example], share: float = 0.2, seed: int = 1) -> Optional[float]:
    """Accuracy on a fifth of the examples the model did not see (for the clerk; None when too few)."""
    shuffled = examples[:]
    random.Random(seed).shuffle(shuffled)
    cut = int(len(shuffled) * share)
    test, rest = shuffled[:cut], shuffled[cut:]
    if len(test) < 5 or len({e.department for e in rest}) < MIN_DEPARTMENTS:
        return None
    model = RouterModel(train(rest), {})
    right = sum(model.propose_text(e.text).department == e.department for e in test)
    return round(right / len(test), 3)
