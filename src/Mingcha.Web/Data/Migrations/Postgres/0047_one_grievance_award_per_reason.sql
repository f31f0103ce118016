-- 0047 (decision 035), SAT-5: the same grievance award (委屈奖: same person, year and reason) is stored once, also when
-- posted twice at the same instant. A new grievance award carries "ReasonKey", the SHA-256 (hex) of its reason
-- normalised (Unicode NFC, trimmed, runs of white space as one space), written by the application; the unique index
-- holds one standing award per (year, person, key). Awards stored before this script keep a NULL key and stay out of the
-- index (no double among them can make it fail; the application's check still compares their reasons), and before it
-- MigrationSteps.SupersedeDoubleGrievancesAsync marks the later of identical standing grievance awards superseded (audited).
ALTER TABLE "IncentiveAwards" ADD COLUMN "ReasonKey" character varying(64) NULL;
CREATE UNIQUE INDEX "UX_IncentiveAwards_Year_SubjectId_ReasonKey" ON "IncentiveAwards" ("Year", "SubjectId", "ReasonKey") WHERE "ReasonKey" IS NOT NULL AND "SupersededById" IS NULL;
