-- 0019: one notice per finding, held by the database (RCT-2, decision 019). Each finding already on a notice is
-- claimed by it; should a race have put one on two notices, the first (lowest id, the earlier of two v7 ids) claims it.
CREATE TABLE "FindingClaims" (
    "FindingId" TEXT NOT NULL CONSTRAINT "PK_FindingClaims" PRIMARY KEY,
    "NoticeId" TEXT NOT NULL,
    "ClaimedAt" TEXT NOT NULL
);
CREATE INDEX "IX_FindingClaims_NoticeId" ON "FindingClaims" ("NoticeId");
INSERT INTO "FindingClaims" ("FindingId", "NoticeId", "ClaimedAt")
SELECT nf."FindingId", MIN(nf."NoticeId"), strftime('%Y-%m-%d %H:%M:%f', 'now')
FROM "NoticeFindings" nf GROUP BY nf."FindingId";
