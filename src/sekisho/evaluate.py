"""`sekisho eval pairs`: precision, recall and F1 of the scorer on labelled name pairs."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sekisho.errors import InvalidInput, ListFormatError
from sekisho.screen import Screener, parse_type

_TRUE = {"1", "true", "yes", "y", "t", "match"}
_FALSE = {"0", "false", "no", "n", "f", "nomatch", "no_match"}


@dataclass
class PairResult:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    misses: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"pairs": self.tp + self.fp + self.fn + self.tn, "tp": self.tp, "fp": self.fp, "fn": self.fn,
                "tn": self.tn, "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
                "misses": self.misses}


def read_pairs(path: Path) -> list[tuple[int, str, str, bool, str | None]]:
    rows = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        for col in ("name1", "name2", "is_match"):
            if col not in (reader.fieldnames or []):
                raise ListFormatError(str(path), f"missing column {col!r}; found {reader.fieldnames}", row=1)
        for rec in reader:
            label = (rec["is_match"] or "").strip().lower()
            if label not in _TRUE | _FALSE:
                raise ListFormatError(str(path), f"is_match must be true/false, found {rec['is_match']!r}",
                                      row=reader.line_num, field="is_match")
            try:
                etype = parse_type(rec.get("type") or rec.get("schema"))
            except InvalidInput:
                etype = None  # an unfamiliar schema (e.g. "Thing") says nothing about person vs company
            rows.append((reader.line_num, rec["name1"], rec["name2"], label in _TRUE, etype and etype.value))
    return rows


def eval_pairs(screener: Screener, path: Path, threshold: float) -> dict[str, Any]:
    result = PairResult()
    for line, a, b, truth, kind in read_pairs(path):
        score, _ = screener.compare(a, b, kind)
        predicted = score >= threshold
        if truth and predicted:
            result.tp += 1
        elif truth:
            result.fn += 1
            result.misses.append({"row": line, "name1": a, "name2": b, "is_match": True, "score": score})
        elif predicted:
            result.fp += 1
            result.misses.append({"row": line, "name1": a, "name2": b, "is_match": False, "score": score})
        else:
            result.tn += 1
    out = result.summary()
    out["threshold"] = threshold
    return out
