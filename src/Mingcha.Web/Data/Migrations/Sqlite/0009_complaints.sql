-- 0009: complaints (CMP-1..CMP-11, SAT-6, SEC-4): complaints with their deadlines and personal data, the append-only
-- history of each complaint, and repeat flags (CMP-9). Tables generated from the EF model (schema-script).
CREATE TABLE "Complaints" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Complaints" PRIMARY KEY,
    "Number" TEXT NOT NULL,
    "QueryCodeHash" TEXT NOT NULL,
    "Channel" TEXT NOT NULL,
    "Kind" TEXT NOT NULL,
    "Type" TEXT NOT NULL,
    "Status" TEXT NOT NULL,
    "UnitId" TEXT NOT NULL,
    "FirstUnitId" TEXT NOT NULL,
    "SectionId" TEXT NULL,
    "StaffNamed" TEXT NULL,
    "Matter" TEXT NOT NULL,
    "MatterKey" TEXT NOT NULL,
    "Reasons" TEXT NOT NULL,
    "EvidenceNote" TEXT NULL,
    "EvidenceCaseId" TEXT NULL,
    "Anonymous" INTEGER NOT NULL,
    "HasInterest" INTEGER NOT NULL,
    "ComplainantName" TEXT NULL,
    "ComplainantPhone" TEXT NULL,
    "ComplainantIdNumber" TEXT NULL,
    "ComplainantKey" TEXT NOT NULL,
    "ExternalTicket" TEXT NULL,
    "ReceivedAt" TEXT NOT NULL,
    "ReceivedOn" TEXT NOT NULL,
    "CreatedBy" TEXT NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    "AssignedOn" TEXT NULL,
    "LastDay" TEXT NULL,
    "TransferLastDay" TEXT NULL,
    "Assignments" INTEGER NOT NULL,
    "ExtensionRequested" INTEGER NOT NULL,
    "ExtensionDays" INTEGER NULL,
    "ExtensionReason" TEXT NULL,
    "Extended" INTEGER NOT NULL,
    "Answer" TEXT NULL,
    "AnsweredAt" TEXT NULL,
    "AnsweredLate" INTEGER NOT NULL,
    "SentBack" INTEGER NOT NULL,
    "Urges" INTEGER NOT NULL,
    "NotAcceptedReason" TEXT NULL,
    "CloseNote" TEXT NULL,
    "ClosedAt" TEXT NULL,
    "Substantiated" INTEGER NULL,
    "Accountability" TEXT NULL,
    "ContactGranted" INTEGER NOT NULL,
    "RatingLevel" INTEGER NULL,
    "RatingId" TEXT NULL,
    "Dissatisfied" INTEGER NOT NULL,
    "RepeatFlagId" TEXT NULL,
    "ClueRoundId" TEXT NULL,
    "ClueSectionId" TEXT NULL,
    CONSTRAINT "FK_Complaints_Units_UnitId" FOREIGN KEY ("UnitId") REFERENCES "Units" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "RepeatFlags" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_RepeatFlags" PRIMARY KEY,
    "UnitId" TEXT NOT NULL,
    "Reason" TEXT NOT NULL,
    "MatterKey" TEXT NOT NULL,
    "RaisedOn" TEXT NOT NULL,
    "RaisedAt" TEXT NOT NULL,
    "ReportLastDay" TEXT NOT NULL,
    "Report" TEXT NULL,
    "SubmittedAt" TEXT NULL,
    "FiledAt" TEXT NULL,
    "FiledBy" TEXT NULL,
    CONSTRAINT "FK_RepeatFlags_Units_UnitId" FOREIGN KEY ("UnitId") REFERENCES "Units" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "ComplaintEvents" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_ComplaintEvents" PRIMARY KEY,
    "ComplaintId" TEXT NOT NULL,
    "Kind" TEXT NOT NULL,
    "UnitId" TEXT NULL,
    "Text" TEXT NOT NULL,
    "ToComplainant" INTEGER NOT NULL,
    "By" TEXT NOT NULL,
    "At" TEXT NOT NULL,
    CONSTRAINT "FK_ComplaintEvents_Complaints_ComplaintId" FOREIGN KEY ("ComplaintId") REFERENCES "Complaints" ("Id") ON DELETE RESTRICT
);

CREATE INDEX "IX_ComplaintEvents_ComplaintId_At" ON "ComplaintEvents" ("ComplaintId", "At");

CREATE INDEX "IX_Complaints_ComplainantKey_UnitId_MatterKey" ON "Complaints" ("ComplainantKey", "UnitId", "MatterKey");

CREATE UNIQUE INDEX "IX_Complaints_ExternalTicket" ON "Complaints" ("ExternalTicket");

CREATE UNIQUE INDEX "IX_Complaints_Number" ON "Complaints" ("Number");

CREATE UNIQUE INDEX "IX_Complaints_QueryCodeHash" ON "Complaints" ("QueryCodeHash");

CREATE INDEX "IX_Complaints_ReceivedAt_Id" ON "Complaints" ("ReceivedAt", "Id");

CREATE INDEX "IX_Complaints_Status_LastDay" ON "Complaints" ("Status", "LastDay");

CREATE INDEX "IX_Complaints_UnitId_MatterKey" ON "Complaints" ("UnitId", "MatterKey");

CREATE INDEX "IX_Complaints_Status_ReceivedAt_Id" ON "Complaints" ("Status", "ReceivedAt", "Id");

CREATE INDEX "IX_Complaints_UnitId_ReceivedAt_Id" ON "Complaints" ("UnitId", "ReceivedAt", "Id");

CREATE INDEX "IX_Complaints_UnitId_Status_ReceivedAt_Id" ON "Complaints" ("UnitId", "Status", "ReceivedAt", "Id");

CREATE INDEX "IX_RepeatFlags_UnitId_FiledAt" ON "RepeatFlags" ("UnitId", "FiledAt");

-- CMP-1: nothing is deleted; the history of a complaint is append-only.
CREATE TRIGGER "Complaints_no_delete" BEFORE DELETE ON "Complaints"
BEGIN SELECT RAISE(ABORT, 'CMP-1: complaints are never deleted'); END;

CREATE TRIGGER "ComplaintEvents_no_update" BEFORE UPDATE ON "ComplaintEvents"
BEGIN SELECT RAISE(ABORT, 'CMP-1: a complaint''s history is never changed'); END;

CREATE TRIGGER "ComplaintEvents_no_delete" BEFORE DELETE ON "ComplaintEvents"
BEGIN SELECT RAISE(ABORT, 'CMP-1: a complaint''s history is never deleted'); END;
