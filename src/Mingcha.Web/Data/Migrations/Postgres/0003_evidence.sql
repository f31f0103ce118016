-- 0003: the evidence vault (EVD-1..6). Tables generated from the EF model; the triggers make the database itself refuse
-- to change or delete evidence records, the access log and stored-file rows (decision 007).
CREATE TABLE "EvidenceBlobs" (
    "Sha256" character varying(64) NOT NULL,
    "Size" bigint NOT NULL,
    "MediaType" character varying(100) NOT NULL,
    "Backend" character varying(32) NOT NULL,
    "StoredAt" timestamp with time zone NOT NULL,
    "PurgedAt" timestamp with time zone,
    "PurgedBy" character varying(450),
    "PurgeDecision" character varying(500),
    CONSTRAINT "PK_EvidenceBlobs" PRIMARY KEY ("Sha256")
);

CREATE TABLE "EvidenceCases" (
    "Id" uuid NOT NULL,
    "Kind" character varying(32) NOT NULL,
    "Title" character varying(200) NOT NULL,
    "TargetUnitId" uuid,
    "TeamId" uuid,
    "ReferenceType" character varying(64),
    "ReferenceId" uuid,
    "CreatedBy" character varying(450) NOT NULL,
    "CreatedAt" timestamp with time zone NOT NULL,
    "ReleasedAt" timestamp with time zone,
    "ReleasedBy" character varying(450),
    CONSTRAINT "PK_EvidenceCases" PRIMARY KEY ("Id")
);

CREATE TABLE "EvidenceAccesses" (
    "Id" uuid NOT NULL,
    "CaseId" uuid NOT NULL,
    "ItemId" uuid,
    "Action" character varying(16) NOT NULL,
    "Purpose" character varying(500) NOT NULL,
    "UserId" character varying(450) NOT NULL,
    "UserName" character varying(256) NOT NULL,
    "Ip" character varying(64),
    "At" timestamp with time zone NOT NULL,
    "ValidUntil" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_EvidenceAccesses" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_EvidenceAccesses_EvidenceCases_CaseId" FOREIGN KEY ("CaseId") REFERENCES "EvidenceCases" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "EvidenceCaseInspectors" (
    "CaseId" uuid NOT NULL,
    "UserId" character varying(450) NOT NULL,
    "AssignedBy" character varying(450) NOT NULL,
    "AssignedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_EvidenceCaseInspectors" PRIMARY KEY ("CaseId", "UserId"),
    CONSTRAINT "FK_EvidenceCaseInspectors_EvidenceCases_CaseId" FOREIGN KEY ("CaseId") REFERENCES "EvidenceCases" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "EvidenceHolds" (
    "Id" uuid NOT NULL,
    "CaseId" uuid NOT NULL,
    "Reason" character varying(32) NOT NULL,
    "Note" character varying(500),
    "PlacedAt" timestamp with time zone NOT NULL,
    "PlacedBy" character varying(450) NOT NULL,
    "LiftedAt" timestamp with time zone,
    "LiftedBy" character varying(450),
    CONSTRAINT "PK_EvidenceHolds" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_EvidenceHolds_EvidenceCases_CaseId" FOREIGN KEY ("CaseId") REFERENCES "EvidenceCases" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "EvidenceItems" (
    "Id" uuid NOT NULL,
    "Seq" bigint NOT NULL,
    "CaseId" uuid NOT NULL,
    "Sha256" character varying(64) NOT NULL,
    "Size" bigint NOT NULL,
    "MediaType" character varying(100) NOT NULL,
    "FileName" character varying(255) NOT NULL,
    "CapturedAt" timestamp with time zone NOT NULL,
    "CaptureSource" character varying(16) NOT NULL,
    "DeviceClock" timestamp with time zone,
    "Location" character varying(200),
    "UploadedBy" character varying(450) NOT NULL,
    "UploaderName" character varying(256) NOT NULL,
    "UploadStartedAt" timestamp with time zone NOT NULL,
    "UploadedAt" timestamp with time zone NOT NULL,
    "LateUpload" boolean NOT NULL,
    "DurationMs" bigint,
    "MediaCreatedAt" timestamp with time zone,
    "UploadId" uuid NOT NULL,
    "PrevHash" character varying(64) NOT NULL,
    "Hash" character varying(64) NOT NULL,
    CONSTRAINT "PK_EvidenceItems" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_EvidenceItems_EvidenceBlobs_Sha256" FOREIGN KEY ("Sha256") REFERENCES "EvidenceBlobs" ("Sha256") ON DELETE RESTRICT,
    CONSTRAINT "FK_EvidenceItems_EvidenceCases_CaseId" FOREIGN KEY ("CaseId") REFERENCES "EvidenceCases" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "EvidenceUploads" (
    "Id" uuid NOT NULL,
    "CaseId" uuid NOT NULL,
    "Length" bigint NOT NULL,
    "FileName" character varying(255) NOT NULL,
    "Metadata" character varying(4000) NOT NULL,
    "CreatedBy" character varying(450) NOT NULL,
    "CreatedByName" character varying(256) NOT NULL,
    "CreatedAt" timestamp with time zone NOT NULL,
    "ExpiresAt" timestamp with time zone NOT NULL,
    "CompletedAt" timestamp with time zone,
    "ItemId" uuid,
    "FailedAt" timestamp with time zone,
    "Failure" character varying(500),
    CONSTRAINT "PK_EvidenceUploads" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_EvidenceUploads_EvidenceCases_CaseId" FOREIGN KEY ("CaseId") REFERENCES "EvidenceCases" ("Id") ON DELETE RESTRICT
);

CREATE INDEX "IX_EvidenceAccesses_CaseId_At" ON "EvidenceAccesses" ("CaseId", "At");

CREATE INDEX "IX_EvidenceAccesses_ItemId" ON "EvidenceAccesses" ("ItemId");

CREATE INDEX "IX_EvidenceCaseInspectors_UserId" ON "EvidenceCaseInspectors" ("UserId");

CREATE INDEX "IX_EvidenceCases_ReferenceType_ReferenceId" ON "EvidenceCases" ("ReferenceType", "ReferenceId");

CREATE INDEX "IX_EvidenceCases_TargetUnitId" ON "EvidenceCases" ("TargetUnitId");

CREATE INDEX "IX_EvidenceHolds_CaseId" ON "EvidenceHolds" ("CaseId");

CREATE INDEX "IX_EvidenceItems_CaseId_Sha256" ON "EvidenceItems" ("CaseId", "Sha256");

CREATE UNIQUE INDEX "IX_EvidenceItems_Seq" ON "EvidenceItems" ("Seq");

CREATE INDEX "IX_EvidenceItems_Sha256" ON "EvidenceItems" ("Sha256");

CREATE INDEX "IX_EvidenceUploads_CaseId" ON "EvidenceUploads" ("CaseId");

CREATE INDEX "IX_EvidenceUploads_ExpiresAt" ON "EvidenceUploads" ("ExpiresAt");

-- Append-only: no UPDATE, DELETE or TRUNCATE of evidence records or access-log lines; no DELETE of a case, hold
-- or stored-file row, and a stored file's hash and size never change (a purge only marks the row).
CREATE FUNCTION mingcha_evidence_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'EVD-1: % on % is refused: evidence is append-only', TG_OP, TG_TABLE_NAME;
END
$$;

CREATE TRIGGER "EvidenceItems_append_only" BEFORE UPDATE OR DELETE ON "EvidenceItems"
    FOR EACH ROW EXECUTE FUNCTION mingcha_evidence_refuse();
CREATE TRIGGER "EvidenceItems_no_truncate" BEFORE TRUNCATE ON "EvidenceItems"
    FOR EACH STATEMENT EXECUTE FUNCTION mingcha_evidence_refuse();
CREATE TRIGGER "EvidenceAccesses_append_only" BEFORE UPDATE OR DELETE ON "EvidenceAccesses"
    FOR EACH ROW EXECUTE FUNCTION mingcha_evidence_refuse();
CREATE TRIGGER "EvidenceAccesses_no_truncate" BEFORE TRUNCATE ON "EvidenceAccesses"
    FOR EACH STATEMENT EXECUTE FUNCTION mingcha_evidence_refuse();
CREATE TRIGGER "EvidenceBlobs_no_delete" BEFORE DELETE ON "EvidenceBlobs"
    FOR EACH ROW EXECUTE FUNCTION mingcha_evidence_refuse();
CREATE TRIGGER "EvidenceBlobs_fixed_content" BEFORE UPDATE OF "Sha256", "Size" ON "EvidenceBlobs"
    FOR EACH ROW EXECUTE FUNCTION mingcha_evidence_refuse();
CREATE TRIGGER "EvidenceCases_no_delete" BEFORE DELETE ON "EvidenceCases"
    FOR EACH ROW EXECUTE FUNCTION mingcha_evidence_refuse();
CREATE TRIGGER "EvidenceHolds_no_delete" BEFORE DELETE ON "EvidenceHolds"
    FOR EACH ROW EXECUTE FUNCTION mingcha_evidence_refuse();
