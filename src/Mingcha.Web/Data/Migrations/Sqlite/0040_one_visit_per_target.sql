-- 0040 (INS-5, INS-10): a round's target has at most one visit. Scheduling a round's visits checked this only in code,
-- so a double click on "安排检查" gave every target two visits (two counted toward the year's targets). Now the database
-- holds it: of two requests at the same instant the second stores nothing and gets 409.
-- Before this script, SchemaMigrator leaves the target with the oldest of any doubles (MigrationSteps, audited).
CREATE UNIQUE INDEX "UX_Visits_TargetId" ON "Visits" ("TargetId") WHERE "TargetId" IS NOT NULL;
