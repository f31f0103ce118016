#!/usr/bin/env python3
"""WAL pages per commit, by B-tree, for batches of ratings like the benchmark's (diagnostic, issue 7).

Usage: python3 bench/ratings/walpages.py DB [batches] [ratings-per-batch]
DB is a copy of a benchmark database (it is written to): for example
  cp /tmp/mingcha-bench-ratings/data/mingcha.db /tmp/walpages.db && python3 bench/ratings/walpages.py /tmp/walpages.db
It inserts the batches as the rating writer does (16 windows, two case-number streams, version 7 ids), each in one
transaction, then reads the frames' page numbers from the WAL and names each page's table or index (dbstat).
"""
import collections, os, sqlite3, struct, sys, time, uuid

db = sys.argv[1]
batches = int(sys.argv[2]) if len(sys.argv) > 2 else 100
per = int(sys.argv[3]) if len(sys.argv) > 3 else 25
c = sqlite3.connect(db, isolation_level=None)
c.execute("pragma journal_mode=wal")
c.execute("pragma wal_autocheckpoint=0")
c.execute("pragma wal_checkpoint(TRUNCATE)")
sections = [r[0] for r in c.execute('select distinct "SectionId" from "Ratings" limit 16')]
unit = c.execute('select "UnitId" from "Ratings" limit 1').fetchone()[0]
page_size = c.execute("pragma page_size").fetchone()[0]


def v7():
    ms = int(time.time() * 1000)
    r = os.urandom(10)
    b = ms.to_bytes(6, "big") + bytes([0x70 | (r[0] & 0x0F), r[1], 0x80 | (r[2] & 0x3F)]) + r[3:10]
    return str(uuid.UUID(bytes=b)).upper()


n = 0
for _ in range(batches):
    c.execute("begin immediate")
    for _ in range(per):
        n += 1
        now = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + ".%07d" % (n % 10_000_000)
        c.execute('insert into "Ratings" ("Id","CaseNumber","UnitId","SectionId","StaffId","ServiceItemId","Channel","Scale",'
                  '"Level","CommonLevel","IsBad","RealName","RaterPhone","Comment","RatedAt","ReceivedAt","DeviceId") '
                  'values (?,?,?,?,null,null,?,?,?,?,?,0,null,null,?,?,?)',
                  (v7(), "W%d-%d-%d" % (int(time.time()), n % 2, n), unit, sections[n % len(sections)], "Device", "ThreeLevel",
                   1, 1, 0, now, now, v7()))
    c.execute("commit")

wal = open(db + "-wal", "rb").read()
pages = []
offset = 32
while offset + 24 + page_size <= len(wal):
    pages.append(struct.unpack(">I", wal[offset:offset + 4])[0])
    offset += 24 + page_size
c.execute("pragma wal_checkpoint(TRUNCATE)")
owner = {page: name for name, page in c.execute("select name, pageno from dbstat")}
counts = collections.Counter(owner.get(p, "?") for p in pages)
print("%d batches of %d ratings: %.1f WAL pages per commit" % (batches, per, len(pages) / batches))
for name, k in counts.most_common():
    print("%6.2f  %s" % (k / batches, name))
