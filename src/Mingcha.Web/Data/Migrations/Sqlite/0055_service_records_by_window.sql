-- 0055: 办件与评价 (SAT-8) of one window: a quiet window's year of cases was found through its unit's year (every case of
-- the unit read to find a few: 250 ms for the benchmark's busiest unit); this index finds them at once, and a window's
-- cases of one service item with their figures. Ratings get no such index: a window's ratings read their unit's range
-- (decision 008: each index of Ratings costs every device's write).
CREATE INDEX "IX_ServiceRecords_SectionId_FinishedAt" ON "ServiceRecords" ("SectionId", "FinishedAt");
