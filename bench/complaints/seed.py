#!/usr/bin/env python3
"""Bulk-seeds N complaints (default 1,000,000) straight into a migrated Mingcha SQLite file, in the shapes the app writes
(Guid as upper-case text, DateTime as 'yyyy-MM-dd HH:MM:SS.fffffff', DateOnly as 'yyyy-MM-dd', enums as names).
The audit log is not written: this is load data, not history. Usage: seed.py DB [N]"""
import hashlib, random, sqlite3, sys, uuid, datetime as dt

db, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
con = sqlite3.connect(db)
con.execute("PRAGMA journal_mode=WAL"); con.execute("PRAGMA synchronous=OFF")
units = [r[0] for r in con.execute('SELECT "Id" FROM "Units"')]
if not units: sys.exit("no units: start the app once with the demo city first")
rng = random.Random(11)
channels = ["Hotline12345", "ComplaintHotline", "InPerson", "Letter", "Web", "Email", "SuggestionBox"]
types = ["SlowHandling", "NotInforming", "RefusalWithoutReason", "BuckPassing", "Attitude", "AbuseOfPost", "Dereliction", "Other"]
# By age, as a city's complaints stand: recent ones in hand, older ones closed (a few refused, a few overdue or under review).
recent = [("Received", 10), ("Assigned", 60), ("Answered", 15), ("ReturnedToOffice", 3), ("Closed", 12)]
older = [("Closed", 93), ("NotAccepted", 4), ("Assigned", 1), ("UnderReview", 1), ("Answered", 1)]
now = dt.datetime(2026, 11, 16)
matters = ["营业执照办理超时", "不动产登记多次往返", "社保卡申领", "医保报销", "公积金提取", "户籍迁移", "税务发票领用", "施工许可", "食品经营许可", "窗口态度生硬"]
start = dt.datetime(2025, 1, 1)
span = int((dt.datetime(2026, 11, 15) - start).total_seconds())

def key(s):
    return "".join(c for c in s.lower() if c.isalnum())[:64]

def ckey(phone):
    return hashlib.sha256(("mingcha-complainant:p:" + phone).encode()).hexdigest()[:32]

cols = ('"Id","Number","QueryCodeHash","Channel","Kind","Type","Status","UnitId","FirstUnitId","SectionId","StaffNamed","Matter","MatterKey","Reasons",'
        '"EvidenceNote","EvidenceCaseId","Anonymous","HasInterest","ComplainantName","ComplainantPhone","ComplainantIdNumber","ComplainantKey","ExternalTicket",'
        '"ReceivedAt","ReceivedOn","CreatedBy","CreatedAt","AssignedOn","LastDay","TransferLastDay","Assignments","ExtensionRequested","ExtensionDays",'
        '"ExtensionReason","Extended","Answer","AnsweredAt","AnsweredLate","SentBack","Urges","NotAcceptedReason","CloseNote","ClosedAt","Substantiated",'
        '"Accountability","ContactGranted","RatingLevel","RatingId","Dissatisfied","RepeatFlagId","ClueRoundId","ClueSectionId"')
sql = f'INSERT INTO "Complaints" ({cols}) VALUES ({",".join("?" * 52)})'
batch = []
for i in range(n):
    at = start + dt.timedelta(seconds=rng.randrange(span), microseconds=rng.randrange(1_000_000))
    table = recent if (now - at).days < 20 else older
    status = rng.choices(table, [w for _, w in table])[0][0]
    unit = rng.choice(units)
    matter = rng.choice(matters)
    phone = f"13{rng.randrange(100_000_000, 999_999_999)}"
    anon = rng.random() < 0.05
    day = at.date()
    assigned = status not in ("Received", "NotAccepted")
    last = (day + dt.timedelta(days=14)).isoformat() if assigned else None
    ts = at.strftime("%Y-%m-%d %H:%M:%S.%f") + "0"
    batch.append((str(uuid.uuid4()).upper(), f"TS{day:%Y%m%d}-B{i:07d}", hashlib.sha256(f"bench-{i}".encode()).hexdigest(), rng.choice(channels),
                  "Suggestion" if anon else "Complaint", rng.choice(types), status, unit, unit, None, None, matter, key(matter), "批量压测数据", "回执",
                  None, int(anon), 1, None if anon else "张三", None if anon else phone, None, "" if anon else ckey(phone), None,
                  ts, day.isoformat(), "bench", ts, day.isoformat() if assigned else None, last, None, 1 if assigned else 0, 0, None, None, 0,
                  None, None, 0, 0, 0, None, None, None, None, None, 0, None, None, 0, None, None, None))
    if len(batch) == 20_000:
        con.executemany(sql, batch); con.commit(); batch.clear()
if batch: con.executemany(sql, batch); con.commit()
con.execute("ANALYZE"); con.commit()
print(n, "complaints over", len(units), "units")
