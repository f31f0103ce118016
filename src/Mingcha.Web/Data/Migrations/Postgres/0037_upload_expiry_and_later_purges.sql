-- 0037: the hourly sweep records that an unfinished upload expired (tus expiration, EVD-4) before it removes the staged
-- bytes, so a later PATCH is told 410 Gone from the row, not only from the clock. Set once: an expiry, once recorded,
-- never changes, and an expired upload is never completed afterwards. mingcha_refuse_with_reason() is 0033's.
ALTER TABLE "EvidenceUploads" ADD COLUMN "ExpiredAt" timestamp with time zone;

CREATE TRIGGER "EvidenceUploads_expiry_stays" BEFORE UPDATE ON "EvidenceUploads" FOR EACH ROW
    WHEN (OLD."ExpiredAt" IS NOT NULL AND (OLD."ExpiredAt" IS DISTINCT FROM NEW."ExpiredAt" OR OLD."CompletedAt" IS DISTINCT FROM NEW."CompletedAt"))
    EXECUTE FUNCTION mingcha_refuse_with_reason('EVD-4: a recorded expiry of an upload never changes, and an expired upload is not completed');

-- 0037 (EVD-1): a file purged at the end of its retention and later handed in again (the same bytes, so the same SHA-256)
-- is stored again, and its new records have a retention of their own. The first purge of a file stays on its
-- "EvidenceBlobs" row (never changed, 0033); every later purge of the same content is a row of its own here, append-only.
-- A record's content is purged by the first purge made after the record.
CREATE TABLE "EvidenceBlobPurges" (
    "Id" uuid NOT NULL,
    "Sha256" character varying(64) NOT NULL,
    "PurgedAt" timestamp with time zone NOT NULL,
    "PurgedBy" character varying(450) NOT NULL,
    "PurgeDecision" character varying(500) NOT NULL,
    CONSTRAINT "PK_EvidenceBlobPurges" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_EvidenceBlobPurges_EvidenceBlobs_Sha256" FOREIGN KEY ("Sha256") REFERENCES "EvidenceBlobs" ("Sha256") ON DELETE RESTRICT
);
CREATE INDEX "IX_EvidenceBlobPurges_Sha256" ON "EvidenceBlobPurges" ("Sha256");

CREATE TRIGGER "EvidenceBlobPurges_no_update" BEFORE UPDATE ON "EvidenceBlobPurges"
    FOR EACH ROW EXECUTE FUNCTION mingcha_refuse_with_reason('EVD-1: a recorded purge never changes');
CREATE TRIGGER "EvidenceBlobPurges_no_delete" BEFORE DELETE ON "EvidenceBlobPurges"
    FOR EACH ROW EXECUTE FUNCTION mingcha_refuse_with_reason('EVD-1: a recorded purge is never deleted');
CREATE TRIGGER "EvidenceBlobPurges_no_truncate" BEFORE TRUNCATE ON "EvidenceBlobPurges"
    FOR EACH STATEMENT EXECUTE FUNCTION mingcha_refuse_with_reason('EVD-1: a recorded purge is never deleted: TRUNCATE refused');
