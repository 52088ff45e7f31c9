"""Sanity checks for the blind5 set: exact fields, unique ids, known gold titles, keywords found in gold text,
multi lists of 2-6 papers, compare of exactly 2, every multi/compare gold named by a keyword, empty negatives."""
import json,collections,sys
from pathlib import Path
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from papers import ROOT, TEXTS as text, err, problems
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
sys.exit(1 if problems else 0)
