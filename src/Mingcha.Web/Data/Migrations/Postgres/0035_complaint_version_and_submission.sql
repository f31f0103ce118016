-- 0035: optimistic concurrency on complaints (CMP-7, SEC-3): a version raised by every save, checked by the save, so that
-- two state changes made from the same reading cannot both be stored. Existing rows start at 0.
ALTER TABLE "Complaints" ADD COLUMN "Version" integer NOT NULL DEFAULT 0;
