#!/usr/bin/env python3
"""The disk's commit latency, the bound of durable group commit (bench/ratings/README.md).

Usage: bench/ratings/fsync.py [folder]   (default /tmp). Prints, in ms per operation:
- a 4 KiB write then fdatasync over a preallocated file (what a WAL commit does once the WAL is preallocated);
- a 4 KiB append then fsync (the file grows each time);
- 25 pages of 4 KiB then fsync over the preallocated file (a group commit of about 25 ratings writes that many);
- a one-row SQLite transaction in WAL mode with synchronous=FULL (the smallest durable commit);
and the ceiling they put on 64 connections: at most 64 ratings per commit, so 64 / commit latency per second.
"""
import os, sqlite3, sys, tempfile, time

folder = sys.argv[1] if len(sys.argv) > 1 else "/tmp"
N = 300

def probe(op):
    t = time.perf_counter()
    for i in range(N):
        op(i)
    return (time.perf_counter() - t) / N * 1000

with tempfile.TemporaryDirectory(dir=folder) as d:
    path = os.path.join(d, "f")
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o644)
    os.write(fd, b"x" * 4096 * 1000); os.fsync(fd)
    over = probe(lambda i: (os.pwrite(fd, b"y" * 4096, (i % 1000) * 4096), os.fdatasync(fd)))
    app = probe(lambda i: (os.write(fd, b"y" * 4096), os.fsync(fd)))
    group = probe(lambda i: ([os.pwrite(fd, b"z" * 4096, ((i * 25 + k) % 1000) * 4096) for k in range(25)], os.fsync(fd)))
    os.close(fd)
    db = sqlite3.connect(os.path.join(d, "t.db"), isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL"); db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    def commit(i):
        db.execute("BEGIN IMMEDIATE"); db.execute("INSERT INTO t (v) VALUES (?)", ("x" * 300,)); db.execute("COMMIT")
    for i in range(50): commit(i)  # the WAL grows to its working size first
    sq = probe(commit)
    db.close()

print(f"overwrite+fdatasync {over:.2f} ms, append+fsync {app:.2f} ms, 25 pages+fsync {group:.2f} ms, SQLite WAL FULL commit {sq:.2f} ms "
      f"-> at most {64 / sq * 1000:,.0f} ratings/s for 64 connections (64 per commit); load {os.getloadavg()[0]:.1f}")
