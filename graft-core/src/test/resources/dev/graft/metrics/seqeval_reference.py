"""Writes seqeval_reference.json: seqeval's own figures for EntityMetricsSeqevalTest.

Run with seqeval 1.2.2 on the path:  python3 seqeval_reference.py > seqeval_reference.json
Every case is a list of sentences of gold and predicted tags; for each, seqeval's entities (get_entities, default
mode) and its scores (default mode; strict mode with IOB2 or IOBES where the tags fit the scheme).
"""
import json
import random
import sys
import warnings

import seqeval
from seqeval.metrics import accuracy_score
from seqeval.metrics import v1
from seqeval.metrics.sequence_labeling import precision_recall_fscore_support
from seqeval.metrics.sequence_labeling import get_entities
from seqeval.scheme import IOB2, IOBES

warnings.filterwarnings("ignore")

HAND_MADE = [
    # an I- starting an entity, type change inside a chunk, entities at sentence end
    ("i_starts", [["O", "I-PER", "I-PER", "O"]], [["O", "B-PER", "I-PER", "O"]]),
    ("type_change", [["B-PER", "I-PER", "I-LOC", "O"]], [["B-PER", "I-PER", "B-LOC", "O"]]),
    ("sentence_end", [["O", "B-ORG", "I-ORG"], ["B-LOC"]], [["O", "B-ORG", "I-ORG"], ["O"]]),
    ("across_sentences", [["B-PER"], ["I-PER", "O"]], [["B-PER"], ["B-PER", "O"]]),
    ("b_after_i_same_type", [["I-MISC", "B-MISC", "I-MISC"]], [["B-MISC", "I-MISC", "I-MISC"]]),
    ("bioes", [["S-PER", "B-LOC", "I-LOC", "E-LOC", "O"]], [["B-PER", "B-LOC", "E-LOC", "E-LOC", "O"]]),
    ("e_after_o", [["O", "E-PER", "O"]], [["O", "S-PER", "O"]]),
    ("nothing_predicted", [["B-PER", "O"]], [["O", "O"]]),
    ("nothing_gold", [["O", "O"]], [["B-PER", "O"]]),
    ("readme", [["O", "O", "O", "B-MISC", "I-MISC", "I-MISC", "O"], ["B-PER", "I-PER", "O"]],
     [["O", "O", "B-MISC", "I-MISC", "I-MISC", "I-MISC", "O"], ["B-PER", "I-PER", "O"]]),
]


def random_sentences(rng, prefixes, n):
    out = []
    for _ in range(n):
        length = rng.randint(1, 9)
        out.append(["O" if (p := rng.choice(prefixes)) == "O" else p + "-" + rng.choice(["PER", "LOC", "ORG"])
                    for _ in range(length)])
    return out


def scores(gold, pred, scheme=None):
    prfs = precision_recall_fscore_support if scheme is None else v1.precision_recall_fscore_support
    kw = {} if scheme is None else {"scheme": scheme}
    p, r, f, s = prfs(gold, pred, average=None, zero_division=0, **kw)
    mp, mr, mf, _ = prfs(gold, pred, average="micro", zero_division=0, **kw)
    return {"per_type_support": [int(x) for x in s], "precision": [float(x) for x in p], "recall": [float(x) for x in r],
            "f1": [float(x) for x in f], "micro": [float(mp), float(mr), float(mf)]}


def case(name, gold, pred, strict):
    c = {"name": name, "gold": gold, "pred": pred,
         "entities_gold": [[list(e) for e in get_entities(s)] for s in gold],
         "entities_pred": [[list(e) for e in get_entities(s)] for s in pred],
         "accuracy": accuracy_score(gold, pred), "default": scores(gold, pred)}
    if strict:
        c["strict_scheme"] = strict
        c["strict"] = scores(gold, pred, scheme={"IOB2": IOB2, "BIOES": IOBES}[strict])
    return c


def main():
    rng = random.Random(16)
    cases = [case(n, g, p, None) for n, g, p in HAND_MADE]
    cases.append(case("iob2_strict_hand", [["O", "I-PER", "I-PER", "B-LOC", "I-ORG"]],
                      [["B-PER", "I-PER", "I-PER", "B-LOC", "I-ORG"]], "IOB2"))
    cases.append(case("bioes_strict_hand", [["B-PER", "I-PER", "O", "S-LOC", "B-ORG", "E-ORG", "B-PER", "E-LOC"]],
                      [["B-PER", "E-PER", "O", "S-LOC", "B-ORG", "I-ORG", "E-ORG", "S-PER"]], "BIOES"))
    for i in range(60):
        gold = random_sentences(rng, ["O", "O", "B", "I", "E", "S"], 6)
        pred = [[rng.choice([t, t, "O", "B-PER", "I-LOC", "E-ORG", "S-PER"]) for t in s] for s in gold]
        cases.append(case("random_any_%d" % i, gold, pred, None))
    for i in range(60):
        gold = random_sentences(rng, ["O", "O", "B", "I"], 6)
        pred = [[rng.choice([t, t, "O", "B-PER", "I-PER", "I-LOC"]) for t in s] for s in gold]
        cases.append(case("random_iob2_%d" % i, gold, pred, "IOB2"))
    for i in range(60):
        gold = random_sentences(rng, ["O", "O", "B", "I", "E", "S"], 6)
        pred = [[rng.choice([t, t, "O", "B-PER", "I-PER", "E-PER", "S-LOC"]) for t in s] for s in gold]
        cases.append(case("random_bioes_%d" % i, gold, pred, "BIOES"))
    json.dump({"produced_by": "seqeval %s (source of github.com/chakki-works/seqeval at cd01b52, tag v1.2.2),"
                              " Python %s" % ("1.2.2", sys.version.split()[0]),
               "cases": cases}, sys.stdout, indent=None)
    sys.stdout.write("\n")


main()
