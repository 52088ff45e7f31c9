import json, collections, sys
from pathlib import Path
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from papers import ROOT, TEXTS as TXT, err, problems
ids=set()
def load(fn):
    rows=[json.loads(l) for l in open(fn) if l.strip()]
    for r in rows:
        if set(r)!={'id','question','gold_titles','type','answer_keywords'}: err(r.get('id'),'fields',set(r))
        if r['id'] in ids: err('dup id',r['id'])
        ids.add(r['id'])
    return rows
Q=load(HERE/'questions.jsonl'); N=load(HERE/'near_negatives.jsonl')
cnt=collections.Counter(r['type'] for r in Q)
print('questions by type:',dict(cnt),'negatives:',len(N))
want={'fact':14,'numeric':8,'multi':14,'compare':8}
if dict(cnt)!=want: err('counts',dict(cnt))
if len(N)!=20: err('neg count')
for r in N:
    if r['type']!='negative' or r['gold_titles'] or r['answer_keywords']: err(r['id'],'bad negative')
    if not r['id'].startswith('b3n-'): err(r['id'],'id prefix')
for r in Q:
    if not r['id'].startswith('b3-'): err(r['id'],'id prefix')
    g=r['gold_titles']; kw=r['answer_keywords']
    if not g or not kw: err(r['id'],'empty')
    for t in g:
        if t not in TXT: err(r['id'],'title not exact:',t)
    if len(set(g))!=len(g): err(r['id'],'dup gold')
    for k in kw:
        if not any(k.lower() in TXT.get(t,'') for t in g): err(r['id'],'kw not in gold:',k)
        if len(k.split())>4: err(r['id'],'kw too long',k)
    if r['type']=='multi' and not (2<=len(g)<=6): err(r['id'],'multi size',len(g))
    if r['type']=='compare' and len(g)!=2: err(r['id'],'compare size')
    if r['type'] in ('fact','numeric') and len(g)!=1: err(r['id'],'single gold expected')
    if r['type'] in ('multi','compare'):
        for t in g:
            if not any(k.lower() in TXT[t] for k in kw): err(r['id'],'gold not named by any kw:',t)
        # each keyword should ideally point at one gold paper (distinctive)
        for k in kw:
            hits=[t for t in g if k.lower() in TXT[t]]
            if len(hits)>1: print('  note',r['id'],'kw',repr(k),'occurs in',len(hits),'gold papers')
# overlap with existing eval questions (exact same gold + keyword)
import glob
prev=[]
for fn in [str(ROOT.parent/'shared'/'eval'/'dev.jsonl')]+[str(f) for f in (ROOT/'bench'/'eval').glob('*/questions.jsonl') if f.parent != HERE]:
    for l in open(fn):
        d=json.loads(l); prev.append(d)
for r in Q:
    for d in prev:
        if set(r['gold_titles'])==set(d['gold_titles']) and set(k.lower() for k in r['answer_keywords'])&set(k.lower() for k in d['answer_keywords']):
            print('  overlap?',r['id'],'~',d['id'],set(k.lower() for k in r['answer_keywords'])&set(k.lower() for k in d['answer_keywords']))
print('FAILED' if problems else 'OK')
