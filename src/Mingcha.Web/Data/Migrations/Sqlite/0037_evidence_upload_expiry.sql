-- 0037: the hourly sweep records that an unfinished upload expired (tus expiration, EVD-4) before it removes the staged
-- bytes, so a later PATCH is told 410 Gone from the row, not only from the clock. Set once: an expiry, once recorded,
-- never changes, and an expired upload is never completed afterwards.
ALTER TABLE "EvidenceUploads" ADD COLUMN "ExpiredAt" TEXT NULL;

CREATE TRIGGER "EvidenceUploads_expiry_stays" BEFORE UPDATE ON "EvidenceUploads"
WHEN OLD."ExpiredAt" IS NOT NULL AND (OLD."ExpiredAt" IS NOT NEW."ExpiredAt" OR OLD."CompletedAt" IS NOT NEW."CompletedAt")
BEGIN SELECT RAISE(ABORT, 'EVD-4: a recorded expiry of an upload never changes, and an expired upload is not completed'); END;
