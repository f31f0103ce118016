-- 0041: optimistic concurrency on bad-rating follow-up cases and manipulation flags (SAT-7, SAT-9), as on complaints (0035)
-- and notices (0039): a version raised by every save and checked by it, so that two Office decisions made from the same
-- reading (an appeal upheld and rejected at once, a flag confirmed and cleared at once) cannot both be stored: the second
-- gets 409 and stores nothing. Existing rows start at 0.
ALTER TABLE "FollowUpCases" ADD COLUMN "Version" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "RatingFlags" ADD COLUMN "Version" INTEGER NOT NULL DEFAULT 0;
