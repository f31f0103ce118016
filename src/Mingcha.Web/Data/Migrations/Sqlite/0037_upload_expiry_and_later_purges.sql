-- 0037: the hourly sweep records that an unfinished upload expired (tus expiration, EVD-4) before it removes the staged
-- bytes, so a later PATCH is told 410 Gone from the row, not only from the clock. Set once: an expiry, once recorded,
-- never changes, and an expired upload is never completed afterwards.
ALTER TABLE "EvidenceUploads" ADD COLUMN "ExpiredAt" TEXT NULL;

CREATE TRIGGER "EvidenceUploads_expiry_stays" BEFORE UPDATE ON "EvidenceUploads"
WHEN OLD."ExpiredAt" IS NOT NULL AND (OLD."ExpiredAt" IS NOT NEW."ExpiredAt" OR OLD."CompletedAt" IS NOT NEW."CompletedAt")
BEGIN SELECT RAISE(ABORT, 'EVD-4: a recorded expiry of an upload never changes, and an expired upload is not completed'); END;

-- 0037 (EVD-1): a file purged at the end of its retention and later handed in again (the same bytes, so the same SHA-256)
-- is stored again, and its new records have a retention of their own. The first purge of a file stays on its
-- "EvidenceBlobs" row (never changed, 0033); every later purge of the same content is a row of its own here, append-only.
-- A record's content is purged by the first purge made after the record.
CREATE TABLE "EvidenceBlobPurges" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_EvidenceBlobPurges" PRIMARY KEY,
    "Sha256" TEXT NOT NULL,
    "PurgedAt" TEXT NOT NULL,
    "PurgedBy" TEXT NOT NULL,
    "PurgeDecision" TEXT NOT NULL,
    CONSTRAINT "FK_EvidenceBlobPurges_EvidenceBlobs_Sha256" FOREIGN KEY ("Sha256") REFERENCES "EvidenceBlobs" ("Sha256") ON DELETE RESTRICT
);
CREATE INDEX "IX_EvidenceBlobPurges_Sha256" ON "EvidenceBlobPurges" ("Sha256");

CREATE TRIGGER "EvidenceBlobPurges_no_update" BEFORE UPDATE ON "EvidenceBlobPurges"
BEGIN SELECT RAISE(ABORT, 'EVD-1: a recorded purge never changes'); END;
CREATE TRIGGER "EvidenceBlobPurges_no_delete" BEFORE DELETE ON "EvidenceBlobPurges"
BEGIN SELECT RAISE(ABORT, 'EVD-1: a recorded purge is never deleted'); END;
