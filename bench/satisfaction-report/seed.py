"""Adds N device ratings to a migrated Mingcha SQLite database: spread evenly over the 365 days from FIRST (a date,
Beijing time; default 2026-01-01; a million ratings: one every 31.5 s), round-robin over the demo city's active windows (with their staff where a window has any);
90% 满意, 8% 基本满意, 2% 不满意. Usage: seed.py DB N [FIRST]"""
import sqlite3
import sys
import uuid
from datetime import datetime, timedelta

db, n = sys.argv[1], int(sys.argv[2])
con = sqlite3.connect(db)
windows = con.execute("""SELECT s."Id", s."UnitId", (SELECT t."Id" FROM "Staff" t WHERE t."SectionId" = s."Id" LIMIT 1)
                         FROM "Sections" s WHERE s."Kind" = 'Window' AND s."Active" = 1 ORDER BY s."Code" """).fetchall()
if not windows:
    sys.exit("no windows in the database")
start = datetime.fromisoformat(sys.argv[3]) if len(sys.argv) > 3 else datetime(2026, 1, 1)
year = 365 * 24 * 3600


def rows():
    for i in range(n):
        section, unit, staff = windows[i % len(windows)]
        level = 3 if i % 50 == 0 else 2 if i % 12 == 0 else 1
        at = (start + timedelta(seconds=i * year // n) - timedelta(hours=8)).strftime("%Y-%m-%d %H:%M:%S")
        yield (str(uuid.uuid4()).upper(), unit, section, staff, level, level, int(level == 3), at, at)


con.executemany("""INSERT INTO "Ratings" ("Id", "CaseNumber", "UnitId", "SectionId", "StaffId", "ServiceItemId", "Channel", "Scale", "Level",
                   "CommonLevel", "IsBad", "RealName", "RaterPhone", "Comment", "RatedAt", "ReceivedAt", "DeviceId")
                   VALUES (?, NULL, ?, ?, ?, NULL, 'Device', 'ThreeLevel', ?, ?, ?, 0, NULL, NULL, ?, ?, NULL)""", rows())
con.commit()
print(f"{n} ratings over {len(windows)} windows")
