-- 0052: 办件与评价 (SAT-8) lists every unit's cases finished in a period, the latest first; "(UnitId, FinishedAt)" serves
-- one unit's, this index all units' (the Office's default view).
CREATE INDEX "IX_ServiceRecords_FinishedAt" ON "ServiceRecords" ("FinishedAt");
