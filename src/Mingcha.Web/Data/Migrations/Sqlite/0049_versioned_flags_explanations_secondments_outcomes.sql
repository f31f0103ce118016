-- 0049 (decision 038): optimistic concurrency, as on complaints (0035), notices (0039) and follow-up cases (0041), on four
-- records whose state changes were checked in memory only: repeat flags (CMP-9: waived, filed, returned), written
-- explanations (EV-8: accepted, sent back, filed again), secondments (ORG-7: the end of a term) and outcomes (RCT-5: a
-- circular's publication). A version raised by every save and checked by it: of two requests made from the same reading,
-- the second stores nothing and gets 409. Existing rows start at 0; nothing in them can violate it.
ALTER TABLE "RepeatFlags" ADD COLUMN "Version" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "ResultExplanations" ADD COLUMN "Version" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Secondments" ADD COLUMN "Version" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "RectificationOutcomes" ADD COLUMN "Version" INTEGER NOT NULL DEFAULT 0;
