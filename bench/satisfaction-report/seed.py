"""Adds N device ratings to a migrated Mingcha SQLite database: spread evenly over the 365 days from FIRST (a date,
Beijing time; default 2026-01-01; a million ratings: one every 31.5 s), round-robin over the demo city's active windows (with their staff where a window has any);
90% 满意, 8% 基本满意, 2% 不满意. Each rating rates a case (SAT-8) whose service record is added with it, finished a minute
before; one more case in seven goes unrated (its record alone), so about 87.5% of the cases are rated. A case at a window
offering service items (the demo's human-resources halls) is of one of them in turn; the rating names none (as a device's),
so it counts under its case's item. Usage: seed.py DB N [FIRST]"""
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
offered = {}
for section, item in con.execute('SELECT "SectionId", "ServiceItemId" FROM "SectionServiceItems" ORDER BY "SectionId", "ServiceItemId"'):
    offered.setdefault(section, []).append(item)
start = datetime.fromisoformat(sys.argv[3]) if len(sys.argv) > 3 else datetime(2026, 1, 1)
year = 365 * 24 * 3600


def utc(i, back=0):
    return (start + timedelta(seconds=i * year // n - back) - timedelta(hours=8)).strftime("%Y-%m-%d %H:%M:%S")


def rows():
    for i in range(n):
        section, unit, staff = windows[i % len(windows)]
        level = 3 if i % 50 == 0 else 2 if i % 12 == 0 else 1
        at = utc(i)
        yield (str(uuid.uuid4()).upper(), f"BR{i:09d}", unit, section, staff, level, level, int(level == 3), at, at)


def records():
    for i in range(n):
        section, unit, staff = windows[i % len(windows)]
        phone = f"137{i % 100_000_000:08d}" if i % 5 else None
        items = offered.get(section)
        item = items[(i // len(windows)) % len(items)] if items else None
        yield (str(uuid.uuid4()).upper(), f"BR{i:09d}", unit, section, staff, item, phone, utc(i, 600), utc(i, 60), utc(i))
        if i % 7 == 3:
            yield (str(uuid.uuid4()).upper(), f"BU{i:09d}", unit, section, staff, item, phone, utc(i, 900), utc(i, 300), utc(i, 290))


con.executemany("""INSERT INTO "Ratings" ("Id", "CaseNumber", "UnitId", "SectionId", "StaffId", "ServiceItemId", "Channel", "Scale", "Level",
                   "CommonLevel", "IsBad", "RealName", "RaterPhone", "Comment", "RatedAt", "ReceivedAt", "DeviceId")
                   VALUES (?, ?, ?, ?, ?, NULL, 'Device', 'ThreeLevel', ?, ?, ?, 0, NULL, NULL, ?, ?, NULL)""", rows())
con.executemany("""INSERT INTO "ServiceRecords" ("Id", "CaseNumber", "UnitId", "SectionId", "StaffId", "ServiceItemId", "CitizenPhone",
                   "AcceptedAt", "FinishedAt", "SourceTokenId", "CreatedAt") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)""", records())
con.commit()
cases = con.execute('SELECT count(*) FROM "ServiceRecords"').fetchone()[0]
print(f"{n} ratings over {len(windows)} windows; {cases} service records")
