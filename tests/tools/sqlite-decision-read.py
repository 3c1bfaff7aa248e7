#!/usr/bin/env python3
# Where a consent decision's SQLite read spends its time, outside .NET (issue 18). Builds a Consents table shaped like
# the consent service's (1 000 000 rows: 100 000 patients x 10 consents over 2-5 grantees, the service's three
# indexes) in a scratch file, then times the decision's lookup (Subject, GranteeId -> every column the service reads):
#   - through the service's index, random keys (pages mostly outside SQLite's cache) and 100 hot keys;
#   - the same hot keys inside one read transaction (what a statement costs without starting its own transaction:
#     SQLite takes and drops the database's shared lock and checks the file on every autocommit read);
#   - with a covering index over every column read (no table lookup per row);
#   - with memory-mapped reads (PRAGMA mmap_size).
# Python's own cost per statement is printed first ("SELECT ?,?"). Figures are per lookup, one thread.
# usage: python3 tests/tools/sqlite-decision-read.py [scratch-file]   (about 1 minute; the file is about 600 MB)
# To count the system calls per read: strace -c -f python3 -c "<a loop of the lookup>" (2 fcntl + 1 fstat each here).
import os, random, sqlite3, sys, time, uuid

db = sys.argv[1] if len(sys.argv) > 1 else '/tmp/sqlite-decision-read.db'
COLUMNS = '"Id","Subject","GranteeKind","GranteeId","Categories","Purposes","Actions","ValidFromMs","ValidUntilMs","Status","Version","CreatedAtMs","UpdatedAtMs"'
QUERY = f'SELECT {COLUMNS} FROM "Consents" {{hint}} WHERE "Subject"=? AND "GranteeId"=?'

if not os.path.exists(db):
    c = sqlite3.connect(db)
    c.execute('PRAGMA journal_mode=WAL')
    c.execute('''CREATE TABLE "Consents" ("Id" TEXT NOT NULL PRIMARY KEY, "Subject" TEXT NOT NULL, "GranteeKind" TEXT NOT NULL,
        "GranteeId" TEXT NOT NULL, "Categories" TEXT NOT NULL, "Purposes" TEXT NOT NULL, "ValidFromMs" INTEGER NOT NULL,
        "ValidUntilMs" INTEGER NULL, "Status" TEXT NOT NULL, "Version" INTEGER NOT NULL, "CreatedAtMs" INTEGER NOT NULL,
        "UpdatedAtMs" INTEGER NOT NULL, "Hash" TEXT NOT NULL, "Actions" TEXT NOT NULL DEFAULT 'access')''')
    r = random.Random(1)
    grantees = ['pr' + r.randbytes(15).hex() for _ in range(20500)]
    rows = []
    for _ in range(100_000):
        subject = 'pt' + r.randbytes(15).hex()
        chosen = r.sample(grantees, 2 + r.randrange(4))
        for i in range(10):
            rows.append((str(uuid.UUID(bytes=r.randbytes(16))).upper(), subject, 'practitioner', chosen[i % len(chosen)],
                         '["laboratory","imaging"]', '["TREAT"]', 1, None, 'active', 1, 1, 1, r.randbytes(32).hex()))
    c.executemany('INSERT INTO "Consents" ("Id","Subject","GranteeKind","GranteeId","Categories","Purposes","ValidFromMs",'
                  '"ValidUntilMs","Status","Version","CreatedAtMs","UpdatedAtMs","Hash") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)', rows)
    c.execute('CREATE INDEX "IX_Consents_GranteeId" ON "Consents" ("GranteeId")')
    c.execute('CREATE INDEX "IX_Consents_Status_ValidUntilMs" ON "Consents" ("Status","ValidUntilMs")')
    c.execute('CREATE INDEX "IX_Consents_Subject_GranteeId" ON "Consents" ("Subject","GranteeId")')
    c.execute('CREATE INDEX "IX_Consents_Covering" ON "Consents" ("Subject","GranteeId","Id","GranteeKind","Categories",'
              '"Purposes","Actions","ValidFromMs","ValidUntilMs","Status","Version","CreatedAtMs","UpdatedAtMs")')
    c.commit()
    c.close()

c = sqlite3.connect(db, isolation_level=None)
keys = [tuple(k) for k in c.execute('SELECT "Subject","GranteeId" FROM "Consents" ORDER BY random() LIMIT 50000')]
hot = keys[:100] * 500
service = QUERY.format(hint='INDEXED BY "IX_Consents_Subject_GranteeId"')
covering = QUERY.format(hint='INDEXED BY "IX_Consents_Covering"')


def timed(label, sql, lookups):
    for k in lookups[:5000]:
        c.execute(sql, k).fetchall()
    start = time.perf_counter()
    for k in lookups:
        c.execute(sql, k).fetchall()
    print(f'{label:<58} {(time.perf_counter() - start) / len(lookups) * 1e6:6.1f} us')


timed('python per statement (SELECT ?,?)', 'SELECT ?,?', keys)
timed("service's index, random keys", service, keys)
timed("service's index, 100 hot keys", service, hot)
c.execute('BEGIN')
timed("service's index, 100 hot keys, one read transaction", service, hot)
c.execute('COMMIT')
timed('covering index, random keys', covering, keys)
c.execute('PRAGMA mmap_size=2000000000')
timed("service's index, random keys, mmap", service, keys)
timed('covering index, random keys, mmap', covering, keys)
