-- 0042 (decision 032).
-- SAT-1, SAT-8: a window's public rating page settings, kept by the Office: the scale of its QR page (before 0042 any
-- visitor chose it with ?scale=5) and whether a case number is taken only with a receipt's signed link. A window
-- without a row keeps the defaults: three levels, a bare case number taken.
CREATE TABLE "RatingPoints" (
    "SectionId" TEXT NOT NULL CONSTRAINT "PK_RatingPoints" PRIMARY KEY,
    "Scale" TEXT NOT NULL,
    "SignedCaseOnly" INTEGER NOT NULL,
    "UpdatedAt" TEXT NOT NULL,
    "UpdatedBy" TEXT NOT NULL
);

-- SAT-5: one standing award of a kind to a subject a year; a double post was stored twice. Awards are never deleted:
-- a later double is marked superseded by the oldest (before 0045, MigrationSteps.SupersedeDoubleAwardsAsync, audited),
-- and 0045's unique index covers the standing awards only.
ALTER TABLE "IncentiveAwards" ADD COLUMN "SupersededById" TEXT NULL;
