"""What the blind sets' check.py scripts share: the parsed shipped corpus (each title's lower-cased
title and abstract, where keywords are looked up) and a reporter of the problems found."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from assistant.corpus import load_corpus  # noqa: E402

TEXTS = {p.title: f"{p.title} {p.abstract}".lower() for p in load_corpus([ROOT / "corpus"]).papers}
problems: list[tuple] = []


def err(*what) -> None:
    problems.append(what)
    print("ERROR", *what)


def check_set(here: Path) -> int:
    """The checks blind sets 4 and 5 share: exact fields, unique ids, known gold titles, keywords
    found in gold text, lists of 2-6 papers, comparisons of exactly 2, every list or comparison
    gold paper named by a keyword, empty negatives. Prints the counts; returns the exit code."""
    import collections
    import json

    text, HERE = TEXTS, here
    ids=set(); cnt=collections.Counter()
    FIELDS={'id','question','gold_titles','type','answer_keywords'}
    for fn in ['questions.jsonl','near_negatives.jsonl']:
        for ln,l in enumerate(open(HERE/fn),1):
            d=json.loads(l)
            if set(d)!=FIELDS: err(fn,ln,'fields',set(d))
            if d['id'] in ids: err('dup id',d['id'])
            ids.add(d['id']); cnt[(fn,d['type'])]+=1
            t=d['type']
            if t not in {'fact','numeric','multi','compare','negative'}: err(d['id'],'type',t)
            for g in d['gold_titles']:
                if g not in text: err(d['id'],'bad title',g)
            if t=='negative':
                if d['gold_titles'] or d['answer_keywords']: err(d['id'],'negative must be empty')
                continue
            if not d['gold_titles'] or not d['answer_keywords']: err(d['id'],'empty gold/kw')
            if len(set(d['gold_titles']))!=len(d['gold_titles']): err(d['id'],'dup gold')
            for k in d['answer_keywords']:
                if not any(k.lower() in text[g] for g in d['gold_titles'] if g in text): err(d['id'],'kw not in gold',k)
            if t=='multi' and not 2<=len(d['gold_titles'])<=6: err(d['id'],'multi size')
            if t=='compare' and len(d['gold_titles'])!=2: err(d['id'],'compare size')
            if t in ('multi','compare'):
                for g in d['gold_titles']:
                    if g in text and not any(k.lower() in text[g] for k in d['answer_keywords']): err(d['id'],'gold not named by any kw',g[:60])
    for k,v in sorted(cnt.items()): print(k,v)
    print('total',sum(cnt.values()),'FAILED' if problems else 'OK')
    return 1 if problems else 0
