-- 0051 (decision 043): SAT-4's period figures read a day's counts instead of every rating. Derived rows, rebuilt from
-- "Ratings" and "RatingExclusions" by the hourly job "rating-day-counts"; nothing else writes them. The state's one row
-- starts empty (nothing counted: every figure reads the ratings until the first counting).
CREATE TABLE "RatingDayCounts" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_RatingDayCounts" PRIMARY KEY,
    "Day" TEXT NOT NULL,
    "UnitId" TEXT NOT NULL,
    "SectionId" TEXT NOT NULL,
    "StaffId" TEXT NULL,
    "Scale" TEXT NOT NULL,
    "Level" INTEGER NOT NULL,
    "CommonLevel" INTEGER NOT NULL,
    "Excluded" INTEGER NOT NULL,
    "Count" INTEGER NOT NULL
);
CREATE INDEX "IX_RatingDayCounts_Day" ON "RatingDayCounts" ("Day");
CREATE TABLE "RatingDayCountState" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_RatingDayCountState" PRIMARY KEY,
    "CountedThrough" TEXT NULL,
    "CountedAt" TEXT NULL
);
INSERT INTO "RatingDayCountState" ("Id", "CountedThrough", "CountedAt") VALUES (1, NULL, NULL);
