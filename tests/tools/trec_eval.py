#!/usr/bin/env python3
"""A small, dependency-free re-implementation of the trec_eval measures RagLab reports, to check them independently.

Usage:
    python3 tests/tools/trec_eval.py QRELS RUN [-c]

    QRELS  BEIR qrels TSV (header "query-id corpus-id score", CRLF tolerated) or classic TREC qrels (qid iter docid rel)
    RUN    TREC run file: qid Q0 docid rank score tag   (e.g. from `raglab eval run ... --trec RUN`)
    -c     also average over judged queries missing from the run (they score 0), like trec_eval -c

Prints, like trec_eval (but with 6 decimals): num_q, ndcg_cut_10, recall_100, recip_rank, P_10.

Semantics (trec_eval 9.x):
  * Each query's documents are ranked by score descending, ties by docid descending; the rank column is ignored.
  * A document is relevant when its grade is >= 1; the gain in nDCG is the grade, discounted by log2(rank + 1);
    the ideal DCG is over the judged relevant documents, best grades first, cut at 10.
  * recall_100 = relevant documents in the top 100 / relevant documents judged; P_10 divides by 10 always;
    recip_rank = 1 / rank of the first relevant document anywhere in the ranking (0 if none).
  * Averages are over the queries that are in both the qrels and the run (with -c: every query in the qrels).
"""
import math
import sys


def read_qrels(path):
    qrels = {}
    with open(path, encoding="utf-8", newline=None) as handle:
        for number, line in enumerate(handle, 1):
            fields = line.split()
            if not fields:
                continue
            if len(fields) == 3:
                qid, docid, grade = fields
            elif len(fields) == 4:
                qid, _, docid, grade = fields
            else:
                sys.exit(f"{path}:{number}: expected 3 (BEIR) or 4 (TREC) fields, got {len(fields)}")
            try:
                grade = int(grade)
            except ValueError:
                if number == 1:
                    continue  # the BEIR header
                sys.exit(f"{path}:{number}: relevance '{grade}' is not an integer")
            qrels.setdefault(qid, {})[docid] = grade
    return qrels


def read_run(path):
    run = {}
    with open(path, encoding="utf-8", newline=None) as handle:
        for number, line in enumerate(handle, 1):
            fields = line.split()
            if not fields:
                continue
            if len(fields) != 6:
                sys.exit(f"{path}:{number}: expected 'qid Q0 docid rank score tag', got {len(fields)} fields")
            qid, _, docid, _, score, _ = fields
            docs = run.setdefault(qid, {})
            if docid in docs:
                sys.exit(f"{path}:{number}: document {docid} appears twice for query {qid}")
            docs[docid] = float(score)
    # trec_eval's order: score descending, then docid descending.
    return {qid: [d for d, _ in sorted(docs.items(), key=lambda p: (p[1], p[0]), reverse=True)] for qid, docs in run.items()}


def measure(ranking, judged):
    relevant = {d: g for d, g in judged.items() if g >= 1}
    gains = [relevant.get(d, 0) for d in ranking]
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains[:10]))
    ideal = sorted(relevant.values(), reverse=True)[:10]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    first = next((i + 1 for i, g in enumerate(gains) if g > 0), None)
    return {
        "ndcg_cut_10": dcg / idcg if idcg > 0 else 0.0,
        "recall_100": sum(1 for g in gains[:100] if g > 0) / len(relevant) if relevant else 0.0,
        "recip_rank": 1.0 / first if first else 0.0,
        "P_10": sum(1 for g in gains[:10] if g > 0) / 10,
    }


def main(argv):
    args = [a for a in argv if a != "-c"]
    if len(args) != 2:
        sys.exit(__doc__)
    qrels, run = read_qrels(args[0]), read_run(args[1])
    queries = sorted(q for q in qrels if q in run or "-c" in argv)
    if not queries:
        sys.exit("No query of the run has judgements in the qrels: check that qids and docids use the same ids.")
    per_query = [measure(run.get(q, []), qrels[q]) for q in queries]
    print(f"{'num_q':<22}\tall\t{len(queries)}")
    for name in ("ndcg_cut_10", "recall_100", "recip_rank", "P_10"):
        print(f"{name:<22}\tall\t{sum(m[name] for m in per_query) / len(per_query):.6f}")


if __name__ == "__main__":
    main(sys.argv[1:])
