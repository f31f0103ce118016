-- 0053 (decision 043): the satisfaction report's 办件数 and 评价率 (SAT-8) read each day's cases counted by window and
-- staff member, with how many were rated, instead of every case. Derived rows, counted with "RatingDayCounts" by the same job; a case pushed
-- or imported late is found by "CreatedAt". The counting is given up, so the next one (each start makes one) counts
-- every day from scratch, cases included.
CREATE TABLE "ServiceRecordDayCounts" (
    "Id" uuid NOT NULL,
    "Day" date NOT NULL,
    "UnitId" uuid NOT NULL,
    "SectionId" uuid NOT NULL,
    "StaffId" uuid,
    "Cases" integer NOT NULL,
    "Rated" integer NOT NULL,
    "RatedByPublic" integer NOT NULL,
    "WithBad" integer NOT NULL,
    CONSTRAINT "PK_ServiceRecordDayCounts" PRIMARY KEY ("Id")
);
CREATE INDEX "IX_ServiceRecordDayCounts_Day" ON "ServiceRecordDayCounts" ("Day");
CREATE INDEX "IX_ServiceRecords_CreatedAt" ON "ServiceRecords" ("CreatedAt");
UPDATE "RatingDayCountState" SET "CountedThrough" = NULL, "CountedAt" = NULL;
