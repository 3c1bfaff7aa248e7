#!/usr/bin/env python3
# Inclusive time per frame, from a speedscope file made by `dotnet-trace convert --format speedscope`, summed over all
# threads and printed as a share of all sampled thread time. Frames are grouped by the regex's first group (frames it
# does not match are ignored); a frame that recurses counts once per stack.
# usage: speedscope-inclusive.py TRACE.speedscope.json REGEX [TOP]
#   e.g. speedscope-inclusive.py ours.speedscope.json '^[^!]*!(Platform\.[^(]*)' 40
import json,sys,collections,re
d=json.load(open(sys.argv[1])); pat=re.compile(sys.argv[2])
frames=[f['name'] for f in d['shared']['frames']]
keys=[(m.group(1) if (m:=pat.search(n)) else None) for n in frames]
agg=collections.Counter(); total=0
for p in d['profiles']:
    total+=p['endValue']-p['startValue']
    stack=[]; active=collections.Counter()
    for e in p['events']:
        f=e['frame']; k=keys[f]
        if e['type']=='O':
            stack.append((f,e['at'])); 
            if k: active[k]+=1
        else:
            f,at=stack.pop()
            if k:
                active[k]-=1
                if active[k]==0: agg[k]+=e['at']-at
print('total',total)
for k,v in agg.most_common(int(sys.argv[3]) if len(sys.argv)>3 else 40): print(round(100*v/total,3),k)
