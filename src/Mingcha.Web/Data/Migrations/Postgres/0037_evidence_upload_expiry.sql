-- 0037: the hourly sweep records that an unfinished upload expired (tus expiration, EVD-4) before it removes the staged
-- bytes, so a later PATCH is told 410 Gone from the row, not only from the clock. Set once: an expiry, once recorded,
-- never changes, and an expired upload is never completed afterwards. mingcha_refuse_with_reason() is 0033's.
ALTER TABLE "EvidenceUploads" ADD COLUMN "ExpiredAt" timestamp with time zone;

CREATE TRIGGER "EvidenceUploads_expiry_stays" BEFORE UPDATE ON "EvidenceUploads" FOR EACH ROW
    WHEN (OLD."ExpiredAt" IS NOT NULL AND (OLD."ExpiredAt" IS DISTINCT FROM NEW."ExpiredAt" OR OLD."CompletedAt" IS DISTINCT FROM NEW."CompletedAt"))
    EXECUTE FUNCTION mingcha_refuse_with_reason('EVD-4: a recorded expiry of an upload never changes, and an expired upload is not completed');
