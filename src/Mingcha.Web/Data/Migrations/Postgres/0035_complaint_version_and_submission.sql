-- 0035: optimistic concurrency on complaints (CMP-7, SEC-3): a version raised by every save, checked by the save, so that
-- two state changes made from the same reading cannot both be stored. Existing rows start at 0.
ALTER TABLE "Complaints" ADD COLUMN "Version" integer NOT NULL DEFAULT 0;
-- A one-time submission key (CMP-3, CMP-6): the same submission sent twice (a double click, a retry after a timeout) is one
-- complaint. Its SHA-256, unique, and the hash of what was submitted with it.
ALTER TABLE "Complaints" ADD COLUMN "SubmissionKeyHash" character varying(64);
ALTER TABLE "Complaints" ADD COLUMN "SubmissionHash" character varying(64);
CREATE UNIQUE INDEX "IX_Complaints_SubmissionKeyHash" ON "Complaints" ("SubmissionKeyHash");
