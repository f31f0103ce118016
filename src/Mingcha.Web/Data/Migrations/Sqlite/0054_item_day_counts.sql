-- 0054 (decision 043): a unit's report by service item (SAT-8) reads each day's ratings and cases counted by unit and
-- item instead of every rating and case. Derived rows, counted with "RatingDayCounts" by the same job. The counting is
-- given up, so the next one (each start makes one) counts every day from scratch, items included.
CREATE TABLE "ItemDayCounts" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_ItemDayCounts" PRIMARY KEY,
    "Day" TEXT NOT NULL,
    "UnitId" TEXT NOT NULL,
    "ServiceItemId" TEXT NULL,
    "Scale" TEXT NOT NULL,
    "Level" INTEGER NOT NULL,
    "CommonLevel" INTEGER NOT NULL,
    "Excluded" INTEGER NOT NULL,
    "Count" INTEGER NOT NULL
);
CREATE INDEX "IX_ItemDayCounts_Day" ON "ItemDayCounts" ("Day");
CREATE TABLE "ItemCaseDayCounts" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_ItemCaseDayCounts" PRIMARY KEY,
    "Day" TEXT NOT NULL,
    "UnitId" TEXT NOT NULL,
    "ServiceItemId" TEXT NULL,
    "Cases" INTEGER NOT NULL,
    "Rated" INTEGER NOT NULL,
    "RatedByPublic" INTEGER NOT NULL,
    "WithBad" INTEGER NOT NULL
);
CREATE INDEX "IX_ItemCaseDayCounts_Day" ON "ItemCaseDayCounts" ("Day");
UPDATE "RatingDayCountState" SET "CountedThrough" = NULL, "CountedAt" = NULL;
