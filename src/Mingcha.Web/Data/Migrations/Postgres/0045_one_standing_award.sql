-- 0045 (decision 032), SAT-5: one standing award of a kind to a subject a year. Before this script SchemaMigrator
-- (MigrationSteps.SupersedeDoubleAwardsAsync) keeps the oldest of any doubles stored before standing and marks the later
-- ones superseded by it (0042's column), audited through the model; the index covers the standing awards only. The
-- grievance award (委屈奖) is given for each wrong suffered, possibly several times a year: not in the index.
CREATE UNIQUE INDEX "UX_IncentiveAwards_Year_Kind_SubjectId" ON "IncentiveAwards" ("Year", "Kind", "SubjectId") WHERE "SupersededById" IS NULL AND "Kind" <> 'Grievance';
