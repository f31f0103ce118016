-- 0033: the database itself refuses to rewrite the audit log (SEC-3, decision 025). The application only ever inserts
-- into "AuditEntries" (MingchaDb, the rating writer); verification finds an edit made behind its back, and now the
-- database refuses one outright. An operator who drops or disables these triggers can still edit, and the hash chain
-- then shows it.

-- Refuses the statement with the message given as the trigger's argument, so each trigger names its rule and what it
-- refused in the same words as on SQLite.
CREATE FUNCTION mingcha_refuse_with_reason() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%', TG_ARGV[0];
END
$$;

CREATE TRIGGER "AuditEntries_no_update" BEFORE UPDATE ON "AuditEntries"
    FOR EACH ROW EXECUTE FUNCTION mingcha_refuse_with_reason('AuditEntries are append-only (SEC-3): UPDATE refused');
CREATE TRIGGER "AuditEntries_no_delete" BEFORE DELETE ON "AuditEntries"
    FOR EACH ROW EXECUTE FUNCTION mingcha_refuse_with_reason('AuditEntries are append-only (SEC-3): DELETE refused');
-- TRUNCATE fires no row trigger: it needs its own.
CREATE TRIGGER "AuditEntries_no_truncate" BEFORE TRUNCATE ON "AuditEntries"
    FOR EACH STATEMENT EXECUTE FUNCTION mingcha_refuse_with_reason('AuditEntries are append-only (SEC-3): TRUNCATE refused');

-- The evidence vault (EVD-1, decision 007): 0003 already refuses any change, deletion or truncation of evidence records
-- and access-log lines, the deletion of cases, holds and stored-file rows, and a change of a stored file's hash or size.
-- These close what it left open: a TRUNCATE of the other evidence tables (no row trigger sees it), a column the
-- application never writes after the insert, and a purge, a release or a lift once recorded. What the application does
-- change: a case's target unit (a complaint reassigned, CMP-7), its release (once), a hold's lift (once), a blob's purge
-- (once), an assignment's withdrawal and reinstatement.
CREATE TRIGGER "EvidenceBlobs_fixed" BEFORE UPDATE ON "EvidenceBlobs" FOR EACH ROW
    WHEN (OLD."MediaType" IS DISTINCT FROM NEW."MediaType" OR OLD."Backend" IS DISTINCT FROM NEW."Backend" OR OLD."StoredAt" IS DISTINCT FROM NEW."StoredAt")
    EXECUTE FUNCTION mingcha_refuse_with_reason('EVD-1: a stored evidence file never changes');
CREATE TRIGGER "EvidenceBlobs_purge_stays" BEFORE UPDATE ON "EvidenceBlobs" FOR EACH ROW
    WHEN (OLD."PurgedAt" IS NOT NULL AND (OLD."PurgedAt" IS DISTINCT FROM NEW."PurgedAt" OR OLD."PurgedBy" IS DISTINCT FROM NEW."PurgedBy"
          OR OLD."PurgeDecision" IS DISTINCT FROM NEW."PurgeDecision"))
    EXECUTE FUNCTION mingcha_refuse_with_reason('EVD-1: a recorded purge never changes');
CREATE TRIGGER "EvidenceBlobs_no_truncate" BEFORE TRUNCATE ON "EvidenceBlobs"
    FOR EACH STATEMENT EXECUTE FUNCTION mingcha_refuse_with_reason('EVD-1: stored evidence files are never deleted: TRUNCATE refused');

CREATE TRIGGER "EvidenceCases_fixed" BEFORE UPDATE ON "EvidenceCases" FOR EACH ROW
    WHEN (OLD."Id" IS DISTINCT FROM NEW."Id" OR OLD."Kind" IS DISTINCT FROM NEW."Kind" OR OLD."Title" IS DISTINCT FROM NEW."Title"
          OR OLD."TeamId" IS DISTINCT FROM NEW."TeamId" OR OLD."ReferenceType" IS DISTINCT FROM NEW."ReferenceType"
          OR OLD."ReferenceId" IS DISTINCT FROM NEW."ReferenceId" OR OLD."CreatedBy" IS DISTINCT FROM NEW."CreatedBy"
          OR OLD."CreatedAt" IS DISTINCT FROM NEW."CreatedAt")
    EXECUTE FUNCTION mingcha_refuse_with_reason('EVD-1: an evidence case keeps its kind, title, team, reference and creation');
CREATE TRIGGER "EvidenceCases_release_stays" BEFORE UPDATE ON "EvidenceCases" FOR EACH ROW
    WHEN (OLD."ReleasedAt" IS NOT NULL AND (OLD."ReleasedAt" IS DISTINCT FROM NEW."ReleasedAt" OR OLD."ReleasedBy" IS DISTINCT FROM NEW."ReleasedBy"))
    EXECUTE FUNCTION mingcha_refuse_with_reason('EVD-3: the release of a case to its unit cannot be undone');
CREATE TRIGGER "EvidenceCases_no_truncate" BEFORE TRUNCATE ON "EvidenceCases"
    FOR EACH STATEMENT EXECUTE FUNCTION mingcha_refuse_with_reason('EVD-1: evidence cases are never deleted: TRUNCATE refused');

CREATE TRIGGER "EvidenceHolds_fixed" BEFORE UPDATE ON "EvidenceHolds" FOR EACH ROW
    WHEN (OLD."Id" IS DISTINCT FROM NEW."Id" OR OLD."CaseId" IS DISTINCT FROM NEW."CaseId" OR OLD."Reason" IS DISTINCT FROM NEW."Reason"
          OR OLD."Note" IS DISTINCT FROM NEW."Note" OR OLD."PlacedAt" IS DISTINCT FROM NEW."PlacedAt" OR OLD."PlacedBy" IS DISTINCT FROM NEW."PlacedBy")
    EXECUTE FUNCTION mingcha_refuse_with_reason('EVD-1: a hold keeps its case, reason, note and placing; it is only lifted');
CREATE TRIGGER "EvidenceHolds_lift_stays" BEFORE UPDATE ON "EvidenceHolds" FOR EACH ROW
    WHEN (OLD."LiftedAt" IS NOT NULL AND (OLD."LiftedAt" IS DISTINCT FROM NEW."LiftedAt" OR OLD."LiftedBy" IS DISTINCT FROM NEW."LiftedBy"))
    EXECUTE FUNCTION mingcha_refuse_with_reason('EVD-1: a lifted hold stays lifted');
CREATE TRIGGER "EvidenceHolds_no_truncate" BEFORE TRUNCATE ON "EvidenceHolds"
    FOR EACH STATEMENT EXECUTE FUNCTION mingcha_refuse_with_reason('EVD-1: holds are lifted, never deleted: TRUNCATE refused');

CREATE TRIGGER "EvidenceCaseInspectors_fixed" BEFORE UPDATE ON "EvidenceCaseInspectors" FOR EACH ROW
    WHEN (OLD."CaseId" IS DISTINCT FROM NEW."CaseId" OR OLD."UserId" IS DISTINCT FROM NEW."UserId")
    EXECUTE FUNCTION mingcha_refuse_with_reason('EVD-3: an assignment keeps its case and inspector');
CREATE TRIGGER "EvidenceCaseInspectors_no_delete" BEFORE DELETE ON "EvidenceCaseInspectors"
    FOR EACH ROW EXECUTE FUNCTION mingcha_refuse_with_reason('EVD-3: an assignment is withdrawn, never deleted');
CREATE TRIGGER "EvidenceCaseInspectors_no_truncate" BEFORE TRUNCATE ON "EvidenceCaseInspectors"
    FOR EACH STATEMENT EXECUTE FUNCTION mingcha_refuse_with_reason('EVD-3: an assignment is withdrawn, never deleted: TRUNCATE refused');
