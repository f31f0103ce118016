-- 0033: the database itself refuses to rewrite the audit log (SEC-3, decision 025). The application only ever inserts
-- into "AuditEntries" (MingchaDb, the rating writer); verification finds an edit made behind its back, and now the
-- database refuses one outright. An operator who drops these triggers can still edit, and the hash chain then shows it.
CREATE TRIGGER "AuditEntries_no_update" BEFORE UPDATE ON "AuditEntries"
BEGIN SELECT RAISE(ABORT, 'AuditEntries are append-only (SEC-3): UPDATE refused'); END;

CREATE TRIGGER "AuditEntries_no_delete" BEFORE DELETE ON "AuditEntries"
BEGIN SELECT RAISE(ABORT, 'AuditEntries are append-only (SEC-3): DELETE refused'); END;

-- The evidence vault (EVD-1, decision 007): 0003 already refuses any change or deletion of evidence records and access-log
-- lines, the deletion of cases, holds and stored-file rows, and a change of a stored file's hash or size. These close
-- what it left open: a column the application never writes after the insert is fixed, and a purge, a release or a lift,
-- once recorded, stays. What the application does change: a case's target unit (a complaint reassigned, CMP-7), its
-- release (once), a hold's lift (once), a blob's purge (once), an assignment's withdrawal and reinstatement.
CREATE TRIGGER "EvidenceBlobs_fixed" BEFORE UPDATE ON "EvidenceBlobs"
WHEN OLD."MediaType" IS NOT NEW."MediaType" OR OLD."Backend" IS NOT NEW."Backend" OR OLD."StoredAt" IS NOT NEW."StoredAt"
BEGIN SELECT RAISE(ABORT, 'EVD-1: a stored evidence file never changes'); END;

CREATE TRIGGER "EvidenceBlobs_purge_stays" BEFORE UPDATE ON "EvidenceBlobs"
WHEN OLD."PurgedAt" IS NOT NULL AND (OLD."PurgedAt" IS NOT NEW."PurgedAt" OR OLD."PurgedBy" IS NOT NEW."PurgedBy" OR OLD."PurgeDecision" IS NOT NEW."PurgeDecision")
BEGIN SELECT RAISE(ABORT, 'EVD-1: a recorded purge never changes'); END;

CREATE TRIGGER "EvidenceCases_fixed" BEFORE UPDATE ON "EvidenceCases"
WHEN OLD."Id" IS NOT NEW."Id" OR OLD."Kind" IS NOT NEW."Kind" OR OLD."Title" IS NOT NEW."Title" OR OLD."TeamId" IS NOT NEW."TeamId"
  OR OLD."ReferenceType" IS NOT NEW."ReferenceType" OR OLD."ReferenceId" IS NOT NEW."ReferenceId"
  OR OLD."CreatedBy" IS NOT NEW."CreatedBy" OR OLD."CreatedAt" IS NOT NEW."CreatedAt"
BEGIN SELECT RAISE(ABORT, 'EVD-1: an evidence case keeps its kind, title, team, reference and creation'); END;

CREATE TRIGGER "EvidenceCases_release_stays" BEFORE UPDATE ON "EvidenceCases"
WHEN OLD."ReleasedAt" IS NOT NULL AND (OLD."ReleasedAt" IS NOT NEW."ReleasedAt" OR OLD."ReleasedBy" IS NOT NEW."ReleasedBy")
BEGIN SELECT RAISE(ABORT, 'EVD-3: the release of a case to its unit cannot be undone'); END;

CREATE TRIGGER "EvidenceHolds_fixed" BEFORE UPDATE ON "EvidenceHolds"
WHEN OLD."Id" IS NOT NEW."Id" OR OLD."CaseId" IS NOT NEW."CaseId" OR OLD."Reason" IS NOT NEW."Reason" OR OLD."Note" IS NOT NEW."Note"
  OR OLD."PlacedAt" IS NOT NEW."PlacedAt" OR OLD."PlacedBy" IS NOT NEW."PlacedBy"
BEGIN SELECT RAISE(ABORT, 'EVD-1: a hold keeps its case, reason, note and placing; it is only lifted'); END;

CREATE TRIGGER "EvidenceHolds_lift_stays" BEFORE UPDATE ON "EvidenceHolds"
WHEN OLD."LiftedAt" IS NOT NULL AND (OLD."LiftedAt" IS NOT NEW."LiftedAt" OR OLD."LiftedBy" IS NOT NEW."LiftedBy")
BEGIN SELECT RAISE(ABORT, 'EVD-1: a lifted hold stays lifted'); END;

CREATE TRIGGER "EvidenceCaseInspectors_fixed" BEFORE UPDATE ON "EvidenceCaseInspectors"
WHEN OLD."CaseId" IS NOT NEW."CaseId" OR OLD."UserId" IS NOT NEW."UserId"
BEGIN SELECT RAISE(ABORT, 'EVD-3: an assignment keeps its case and inspector'); END;

CREATE TRIGGER "EvidenceCaseInspectors_no_delete" BEFORE DELETE ON "EvidenceCaseInspectors"
BEGIN SELECT RAISE(ABORT, 'EVD-3: an assignment is withdrawn, never deleted'); END;
