#!/usr/bin/env python3
"""Issues N device tokens straight into a Mingcha SQLite database (bench only) and prints a window's id.
Usage: tokens.py DB N TOKENFILE -> prints SECTION id on stdout."""
import hashlib, secrets, sqlite3, sys, uuid, datetime
db, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
c = sqlite3.connect(db)
rows = c.execute("SELECT Id, UnitId FROM Sections WHERE Kind='Window' AND ParentSectionId IS NOT NULL ORDER BY Code").fetchall()
unit = rows[0][1]
sections = [r[0].lower() for r in rows if r[1] == unit]
now = datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M:%S")
with open(out, "w") as f:
    for i in range(n):
        tid = uuid.uuid4()
        secret = secrets.token_hex(32)
        # LastUsedAt set: the first use of a token records it (at most hourly); 1000 first uses would measure that, not ratings.
        c.execute("INSERT INTO ApiTokens (Id, Name, SecretHash, Scopes, UnitId, CreatedBy, CreatedAt, LastUsedAt) VALUES (?,?,?,?,?,?,?,?)",
                  (str(tid).upper(), f"bench device {i}", hashlib.sha256(secret.encode()).hexdigest(), "ratings:write", unit, "bench", now, now))
        f.write(f"mct_{tid.hex}_{secret}\n")
c.commit()
print(','.join(sections))
