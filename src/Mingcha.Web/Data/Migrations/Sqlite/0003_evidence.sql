-- 0003: the evidence vault (EVD-1..6). Tables generated from the EF model; the triggers make the database itself refuse
-- to change or delete evidence records, the access log and stored-file rows (decision 007).
CREATE TABLE "EvidenceBlobs" (
    "Sha256" TEXT NOT NULL CONSTRAINT "PK_EvidenceBlobs" PRIMARY KEY,
    "Size" INTEGER NOT NULL,
    "MediaType" TEXT NOT NULL,
    "Backend" TEXT NOT NULL,
    "StoredAt" TEXT NOT NULL,
    "PurgedAt" TEXT NULL,
    "PurgedBy" TEXT NULL,
    "PurgeDecision" TEXT NULL
);

CREATE TABLE "EvidenceCases" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_EvidenceCases" PRIMARY KEY,
    "Kind" TEXT NOT NULL,
    "Title" TEXT NOT NULL,
    "TargetUnitId" TEXT NULL,
    "TeamId" TEXT NULL,
    "ReferenceType" TEXT NULL,
    "ReferenceId" TEXT NULL,
    "CreatedBy" TEXT NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    "ReleasedAt" TEXT NULL,
    "ReleasedBy" TEXT NULL
);

CREATE TABLE "EvidenceAccesses" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_EvidenceAccesses" PRIMARY KEY,
    "CaseId" TEXT NOT NULL,
    "ItemId" TEXT NULL,
    "Action" TEXT NOT NULL,
    "Purpose" TEXT NOT NULL,
    "UserId" TEXT NOT NULL,
    "UserName" TEXT NOT NULL,
    "Ip" TEXT NULL,
    "At" TEXT NOT NULL,
    "ValidUntil" TEXT NOT NULL,
    CONSTRAINT "FK_EvidenceAccesses_EvidenceCases_CaseId" FOREIGN KEY ("CaseId") REFERENCES "EvidenceCases" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "EvidenceCaseInspectors" (
    "CaseId" TEXT NOT NULL,
    "UserId" TEXT NOT NULL,
    "AssignedBy" TEXT NOT NULL,
    "AssignedAt" TEXT NOT NULL,
    CONSTRAINT "PK_EvidenceCaseInspectors" PRIMARY KEY ("CaseId", "UserId"),
    CONSTRAINT "FK_EvidenceCaseInspectors_EvidenceCases_CaseId" FOREIGN KEY ("CaseId") REFERENCES "EvidenceCases" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "EvidenceHolds" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_EvidenceHolds" PRIMARY KEY,
    "CaseId" TEXT NOT NULL,
    "Reason" TEXT NOT NULL,
    "Note" TEXT NULL,
    "PlacedAt" TEXT NOT NULL,
    "PlacedBy" TEXT NOT NULL,
    "LiftedAt" TEXT NULL,
    "LiftedBy" TEXT NULL,
    CONSTRAINT "FK_EvidenceHolds_EvidenceCases_CaseId" FOREIGN KEY ("CaseId") REFERENCES "EvidenceCases" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "EvidenceItems" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_EvidenceItems" PRIMARY KEY,
    "Seq" INTEGER NOT NULL,
    "CaseId" TEXT NOT NULL,
    "Sha256" TEXT NOT NULL,
    "Size" INTEGER NOT NULL,
    "MediaType" TEXT NOT NULL,
    "FileName" TEXT NOT NULL,
    "CapturedAt" TEXT NOT NULL,
    "CaptureSource" TEXT NOT NULL,
    "DeviceClock" TEXT NULL,
    "Location" TEXT NULL,
    "UploadedBy" TEXT NOT NULL,
    "UploaderName" TEXT NOT NULL,
    "UploadStartedAt" TEXT NOT NULL,
    "UploadedAt" TEXT NOT NULL,
    "LateUpload" INTEGER NOT NULL,
    "DurationMs" INTEGER NULL,
    "MediaCreatedAt" TEXT NULL,
    "UploadId" TEXT NOT NULL,
    "PrevHash" TEXT NOT NULL,
    "Hash" TEXT NOT NULL,
    CONSTRAINT "FK_EvidenceItems_EvidenceBlobs_Sha256" FOREIGN KEY ("Sha256") REFERENCES "EvidenceBlobs" ("Sha256") ON DELETE RESTRICT,
    CONSTRAINT "FK_EvidenceItems_EvidenceCases_CaseId" FOREIGN KEY ("CaseId") REFERENCES "EvidenceCases" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "EvidenceUploads" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_EvidenceUploads" PRIMARY KEY,
    "CaseId" TEXT NOT NULL,
    "Length" INTEGER NOT NULL,
    "FileName" TEXT NOT NULL,
    "Metadata" TEXT NOT NULL,
    "CreatedBy" TEXT NOT NULL,
    "CreatedByName" TEXT NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    "ExpiresAt" TEXT NOT NULL,
    "CompletedAt" TEXT NULL,
    "ItemId" TEXT NULL,
    "FailedAt" TEXT NULL,
    "Failure" TEXT NULL,
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

-- Append-only: no UPDATE or DELETE of an evidence record or an access-log line; no DELETE of a case, hold or
-- stored-file row, and a stored file's hash and size never change (a purge only marks the row).
CREATE TRIGGER "EvidenceItems_no_update" BEFORE UPDATE ON "EvidenceItems"
BEGIN SELECT RAISE(ABORT, 'EVD-1: evidence records are append-only'); END;

CREATE TRIGGER "EvidenceItems_no_delete" BEFORE DELETE ON "EvidenceItems"
BEGIN SELECT RAISE(ABORT, 'EVD-1: evidence records are append-only'); END;

CREATE TRIGGER "EvidenceAccesses_no_update" BEFORE UPDATE ON "EvidenceAccesses"
BEGIN SELECT RAISE(ABORT, 'EVD-3: the evidence access log is append-only'); END;

CREATE TRIGGER "EvidenceAccesses_no_delete" BEFORE DELETE ON "EvidenceAccesses"
BEGIN SELECT RAISE(ABORT, 'EVD-3: the evidence access log is append-only'); END;

CREATE TRIGGER "EvidenceBlobs_no_delete" BEFORE DELETE ON "EvidenceBlobs"
BEGIN SELECT RAISE(ABORT, 'EVD-1: stored evidence files are never deleted'); END;

CREATE TRIGGER "EvidenceBlobs_fixed_content" BEFORE UPDATE OF "Sha256", "Size" ON "EvidenceBlobs"
BEGIN SELECT RAISE(ABORT, 'EVD-1: a stored evidence file never changes'); END;

CREATE TRIGGER "EvidenceCases_no_delete" BEFORE DELETE ON "EvidenceCases"
BEGIN SELECT RAISE(ABORT, 'EVD-1: evidence cases are never deleted'); END;

CREATE TRIGGER "EvidenceHolds_no_delete" BEFORE DELETE ON "EvidenceHolds"
BEGIN SELECT RAISE(ABORT, 'EVD-1: holds are lifted, never deleted'); END;
