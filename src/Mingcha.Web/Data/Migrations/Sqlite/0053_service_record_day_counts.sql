-- 0053 (decision 043): the satisfaction report's 办件数 and 评价率 (SAT-8) read each day's cases counted by window and
-- staff member, with how many were rated, instead of every case. Derived rows, counted with "RatingDayCounts" by the same job; a case pushed
-- or imported late is found by "CreatedAt". The counting is given up, so the next one (each start makes one) counts
-- every day from scratch, cases included.
CREATE TABLE "ServiceRecordDayCounts" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_ServiceRecordDayCounts" PRIMARY KEY,
    "Day" TEXT NOT NULL,
    "UnitId" TEXT NOT NULL,
    "SectionId" TEXT NOT NULL,
    "StaffId" TEXT NULL,
    "Cases" INTEGER NOT NULL,
    "Rated" INTEGER NOT NULL,
    "RatedByPublic" INTEGER NOT NULL,
    "WithBad" INTEGER NOT NULL
);
CREATE INDEX "IX_ServiceRecordDayCounts_Day" ON "ServiceRecordDayCounts" ("Day");
CREATE INDEX "IX_ServiceRecords_CreatedAt" ON "ServiceRecords" ("CreatedAt");
UPDATE "RatingDayCountState" SET "CountedThrough" = NULL, "CountedAt" = NULL;
