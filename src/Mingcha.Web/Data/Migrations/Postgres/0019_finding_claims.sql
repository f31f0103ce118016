-- 0019: one notice per finding, held by the database (RCT-2, decision 019). Each finding already on a notice is
-- claimed by it; should a race have put one on two notices, the first (lowest id, the earlier of two v7 ids) claims it.
CREATE TABLE "FindingClaims" (
    "FindingId" uuid NOT NULL,
    "NoticeId" uuid NOT NULL,
    "ClaimedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_FindingClaims" PRIMARY KEY ("FindingId")
);
CREATE INDEX "IX_FindingClaims_NoticeId" ON "FindingClaims" ("NoticeId");
INSERT INTO "FindingClaims" ("FindingId", "NoticeId", "ClaimedAt")
SELECT DISTINCT ON (nf."FindingId") nf."FindingId", nf."NoticeId", now()
FROM "NoticeFindings" nf ORDER BY nf."FindingId", nf."NoticeId";
