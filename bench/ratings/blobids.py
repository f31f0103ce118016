#!/usr/bin/env python3
"""WAL pages per group commit with the ratings' ids stored as 36-character text (as now) or as 16-byte blobs
(diagnostic, issue 7; bench/ratings/README.md).

Usage: python3 bench/ratings/blobids.py [DB] [folder]
DB is a benchmark database (default /tmp/mingcha-bench-ratings/data/mingcha.db, left by run.sh); only its schema of
the Ratings table and its indexes is read. In folder (default /tmp) the script builds that table twice in fresh
databases, fills each with 300,000 ratings, then commits 200 batches of 25 (synchronous=FULL, WAL) and prints WAL
pages and milliseconds per commit and the file size.
"""
import os, sqlite3, sys, time, uuid

source = sys.argv[1] if len(sys.argv) > 1 else "/tmp/mingcha-bench-ratings/data/mingcha.db"
folder = sys.argv[2] if len(sys.argv) > 2 else "/tmp"
with sqlite3.connect(source) as s:
    schema = [r[0] for r in s.execute(
        "select sql from sqlite_master where tbl_name = 'Ratings' and type in ('table', 'index') and sql is not null "
        "order by type = 'index'")]


def v7b():
    ms = int(time.time() * 1000); r = os.urandom(10)
    return ms.to_bytes(6, "big") + bytes([0x70 | (r[0] & 0x0F), r[1], 0x80 | (r[2] & 0x3F)]) + r[3:10]


def remove(path):
    for suffix in ("", "-wal", "-shm"):
        try: os.remove(path + suffix)
        except FileNotFoundError: pass


def run(blob, prefill=300000, batches=200, per=25):
    path = os.path.join(folder, "blobids-%d.db" % blob)
    remove(path)
    c = sqlite3.connect(path, isolation_level=None)
    c.execute("pragma journal_mode=wal"); c.execute("pragma wal_autocheckpoint=0")
    for sql in schema:
        c.execute(sql)
    conv = (lambda b: b) if blob else (lambda b: str(uuid.UUID(bytes=b)).upper())
    unit = conv(v7b()); secs = [conv(v7b()) for _ in range(16)]
    n = 0

    def batch(k):
        nonlocal n
        c.execute("begin immediate")
        for _ in range(k):
            n += 1
            now = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + ".%07d" % (n % 10_000_000)
            c.execute('insert into "Ratings" ("Id","CaseNumber","UnitId","SectionId","Channel","Scale","Level","CommonLevel",'
                      '"IsBad","RealName","RatedAt","ReceivedAt","DeviceId") values (?,?,?,?,?,?,?,?,?,0,?,?,?)',
                      (conv(v7b()), "W%d-%d-%d" % (1764700000, n % 2, n), unit, secs[n % 16], "Device", "ThreeLevel", 1, 1, 0, now, now, conv(v7b())))
        c.execute("commit")

    c.execute("pragma synchronous=OFF")
    for _ in range(prefill // 1000): batch(1000)
    c.execute("pragma wal_checkpoint(TRUNCATE)"); c.execute("pragma synchronous=FULL")
    t = time.perf_counter()
    for _ in range(batches): batch(per)
    el = (time.perf_counter() - t) / batches * 1000
    page = c.execute("pragma page_size").fetchone()[0]
    frames = (os.path.getsize(path + "-wal") - 32) // (24 + page)
    size = os.path.getsize(path)
    c.close()
    remove(path)
    print("blob" if blob else "text", "pages/commit %.1f  ms/commit %.2f  db size %.0f MB" % (frames / batches, el, size / 1e6))


for b in (0, 1, 0, 1):
    run(b)
