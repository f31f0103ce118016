-- 0051 (decision 043): SAT-4's period figures read a day's counts instead of every rating. Derived rows, rebuilt from
-- "Ratings" and "RatingExclusions" by the hourly job "rating-day-counts"; nothing else writes them. The state's one row
-- starts empty (nothing counted: every figure reads the ratings until the first counting).
CREATE TABLE "RatingDayCounts" (
    "Id" uuid NOT NULL,
    "Day" date NOT NULL,
    "UnitId" uuid NOT NULL,
    "SectionId" uuid NOT NULL,
    "StaffId" uuid,
    "Scale" character varying(16) NOT NULL,
    "Level" integer NOT NULL,
    "CommonLevel" integer NOT NULL,
    "Excluded" boolean NOT NULL,
    "Count" integer NOT NULL,
    CONSTRAINT "PK_RatingDayCounts" PRIMARY KEY ("Id")
);
CREATE INDEX "IX_RatingDayCounts_Day" ON "RatingDayCounts" ("Day");
CREATE TABLE "RatingDayCountState" (
    "Id" integer NOT NULL,
    "CountedThrough" date,
    "CountedAt" timestamp with time zone,
    CONSTRAINT "PK_RatingDayCountState" PRIMARY KEY ("Id")
);
INSERT INTO "RatingDayCountState" ("Id", "CountedThrough", "CountedAt") VALUES (1, NULL, NULL);
