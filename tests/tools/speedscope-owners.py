#!/usr/bin/env python3
# A partition of a vault read's work from a speedscope file (`dotnet-trace convert --format speedscope`) of the
# `vault` benchmark: only samples in managed code (CPU_TIME) and native time under PKCS#11 frames (SoftHSM2 runs in the
# process) count, and each goes to the innermost frame matching one of the owners below. Inclusive shares
# (tests/tools/speedscope-inclusive.py) overlap here: an async continuation runs nested in the awaited call's frames.
# usage: speedscope-owners.py TRACE.speedscope.json
import json,sys,collections,re
O=[
 ('vault: record lookup (RecordReadLookup: EF Core + Npgsql)', r'RecordReadLookup'),
 ('vault: consent call, client side (HttpClient, service token)', r'ConsentDecisionClient|ServiceTokenHandler|DaprApiTokenHandler'),
 ('vault: decrypt (EnvelopeCipher, cached data key)', r'RecordStore\+<DecryptAsync>|RecordStore\.DecryptAsync|EnvelopeCipher'),
 ('vault: access event, JSON + JWS (AccessAudit/SignedEventWriter)', r'AccessAudit\+<SignAsync>|AccessAudit\.SignAsync|SignedEventWriter'),
 ('vault: verify the signature before it leaves', r'Pkcs11SigningKey\.Verifies'),
 ('vault: PKCS#11 session + C_Sign', r'Pkcs11SigningKey'),
 ('PKCS#11 unwrap (cache priming before the row)', r'Pkcs11KeyEncryptionKey'),
 ('vault: PKCS#11 C_FindObjects for the signing key', r'Pkcs11Objects\.Find'),
 ('vault: rest of the read (RecordStore/RecordEndpoints)', r'RecordStore\+<ReadAsync>|RecordStore\.ReadAsync|RecordEndpoints'),
 ('vault: audit group commit (AccessAuditWriter)', r'AccessAuditWriter'),
 ('vault: outbox relay', r'OutboxRelay'),
 ('consent: POST /decisions endpoint', r'Platform\.Consent\.Api\.ConsentEndpoints|DecisionService|ConsentReader'),
 ('consent: X-Subject-Token validation', r'SubjectTokenValidator'),
 ('all: bearer token validation (JwtBearerHandler)', r'JwtBearerHandler'),
 ('all: tracing (OpenTelemetry ASP.NET Core/HttpClient listeners)', r'OpenTelemetry'),
 ('all: rate limiter', r'RateLimitingMiddleware\.(TryAcquire|CombinedAcquire)|RateLimiting!.*Limiter'),
 ('load driver (benchmark HTTP client)', r'^Platform\.Benchmarks!'),
 ('Kestrel + middleware, not above', r'Kestrel'),
]
d=json.load(open(sys.argv[1]))
frames=[f['name'] for f in d['shared']['frames']]
pats=[re.compile(p) for _,p in O]
UNWRAP=[n for n,_ in O].index('PKCS#11 unwrap (cache priming before the row)')
owner=[next((i for i,p in enumerate(pats) if p.search(n)),None) for n in frames]
isnat=[('Pkcs11' in n) for n in frames]
agg=collections.Counter(); total=0.0
for p in d['profiles']:
    stack=[]; last=None
    for e in p['events']:
        at=e['at']
        if last is not None and stack:
            dt=at-last; leaf=frames[stack[-1]]
            if dt>0 and (leaf=='CPU_TIME' or (leaf=='UNMANAGED_CODE_TIME' and any(isnat[f] for f in stack))):
                total+=dt
                o=next((owner[f] for f in reversed(stack) if owner[f] is not None),None)
                if any(owner[f]==UNWRAP for f in stack): o=UNWRAP  # a KEK's own lookups are the unwrap's
                agg[o]+=dt
        last=at
        if e['type']=='O': stack.append(e['frame'])
        else: stack.pop()
print('counted ms',round(total,1))
for i,(name,_) in enumerate(O): print(f'{100*agg[i]/total:6.2f} %  {name}')
print(f'{100*agg[None]/total:6.2f} %  other (thread pool, JIT helpers, GC, timers, identity, ...)')
