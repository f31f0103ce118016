-- 0054 (decision 043): a unit's report by service item (SAT-8) reads each day's ratings and cases counted by unit and
-- item instead of every rating and case. Derived rows, counted with "RatingDayCounts" by the same job. The counting is
-- given up, so the next one (each start makes one) counts every day from scratch, items included.
CREATE TABLE "ItemDayCounts" (
    "Id" uuid NOT NULL,
    "Day" date NOT NULL,
    "UnitId" uuid NOT NULL,
    "ServiceItemId" uuid,
    "Scale" character varying(16) NOT NULL,
    "Level" integer NOT NULL,
    "CommonLevel" integer NOT NULL,
    "Excluded" boolean NOT NULL,
    "Count" integer NOT NULL,
    CONSTRAINT "PK_ItemDayCounts" PRIMARY KEY ("Id")
);
CREATE INDEX "IX_ItemDayCounts_Day" ON "ItemDayCounts" ("Day");
CREATE TABLE "ItemCaseDayCounts" (
    "Id" uuid NOT NULL,
    "Day" date NOT NULL,
    "UnitId" uuid NOT NULL,
    "ServiceItemId" uuid,
    "Cases" integer NOT NULL,
    "Rated" integer NOT NULL,
    "RatedByPublic" integer NOT NULL,
    "WithBad" integer NOT NULL,
    CONSTRAINT "PK_ItemCaseDayCounts" PRIMARY KEY ("Id")
);
CREATE INDEX "IX_ItemCaseDayCounts_Day" ON "ItemCaseDayCounts" ("Day");
UPDATE "RatingDayCountState" SET "CountedThrough" = NULL, "CountedAt" = NULL;
