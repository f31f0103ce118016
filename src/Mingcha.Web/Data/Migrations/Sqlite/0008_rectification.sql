-- 0008: rectification and outcomes (RCT-1..RCT-6, EV-11): notices, objections, answers, escalations, the deduction
-- ledger (append-only), outcomes and the e-mail/SMS outbox. Tables generated from the EF model (schema-script).
CREATE TABLE "OutboundMessages" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_OutboundMessages" PRIMARY KEY,
    "Channel" TEXT NOT NULL,
    "Recipient" TEXT NOT NULL,
    "Subject" TEXT NOT NULL,
    "Body" TEXT NOT NULL,
    "DedupKey" TEXT NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    "SentAt" TEXT NULL,
    "Attempts" INTEGER NOT NULL,
    "LastError" TEXT NULL
);

CREATE TABLE "RectificationOutcomes" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_RectificationOutcomes" PRIMARY KEY,
    "Kind" TEXT NOT NULL,
    "Measure" TEXT NOT NULL,
    "Year" INTEGER NOT NULL,
    "UnitId" TEXT NULL,
    "StaffId" TEXT NULL,
    "PersonName" TEXT NULL,
    "Title" TEXT NOT NULL,
    "Text" TEXT NOT NULL,
    "HeldOn" TEXT NULL,
    "DocumentId" TEXT NULL,
    "DocumentNumber" TEXT NULL,
    "EvidenceCaseIds" TEXT NULL,
    "PublishedAt" TEXT NULL,
    "By" TEXT NOT NULL,
    "At" TEXT NOT NULL
);

CREATE TABLE "DeductionLedger" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_DeductionLedger" PRIMARY KEY,
    "Year" INTEGER NOT NULL,
    "UnitId" TEXT NOT NULL,
    "SectionId" TEXT NULL,
    "Points" TEXT NOT NULL,
    "Source" TEXT NOT NULL,
    "Basis" TEXT NOT NULL,
    "Description" TEXT NOT NULL,
    "FindingId" TEXT NULL,
    "NoticeId" TEXT NULL,
    "OutcomeId" TEXT NULL,
    "ReversesId" TEXT NULL,
    "By" TEXT NOT NULL,
    "At" TEXT NOT NULL,
    CONSTRAINT "FK_DeductionLedger_Units_UnitId" FOREIGN KEY ("UnitId") REFERENCES "Units" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "RectificationNotices" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_RectificationNotices" PRIMARY KEY,
    "UnitId" TEXT NOT NULL,
    "Year" INTEGER NOT NULL,
    "Title" TEXT NOT NULL,
    "RequiredAction" TEXT NOT NULL,
    "WorkingDays" INTEGER NOT NULL,
    "ReceivedOn" TEXT NOT NULL,
    "LastDay" TEXT NOT NULL,
    "ObjectionLastDay" TEXT NOT NULL,
    "Status" TEXT NOT NULL,
    "Stage" TEXT NOT NULL,
    "LadderExhausted" INTEGER NOT NULL,
    "Returns" INTEGER NOT NULL,
    "DocumentId" TEXT NULL,
    "DocumentNumber" TEXT NULL,
    "EvidenceCaseId" TEXT NULL,
    "IssuedBy" TEXT NOT NULL,
    "IssuedAt" TEXT NOT NULL,
    "ClosedAt" TEXT NULL,
    "ClosedBy" TEXT NULL,
    "CloseNote" TEXT NULL,
    CONSTRAINT "FK_RectificationNotices_Units_UnitId" FOREIGN KEY ("UnitId") REFERENCES "Units" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "NoticeEscalations" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_NoticeEscalations" PRIMARY KEY,
    "NoticeId" TEXT NOT NULL,
    "Kind" TEXT NOT NULL,
    "Stage" TEXT NOT NULL,
    "LastDay" TEXT NULL,
    "Day" TEXT NOT NULL,
    "Reason" TEXT NOT NULL,
    "By" TEXT NOT NULL,
    "At" TEXT NOT NULL,
    CONSTRAINT "FK_NoticeEscalations_RectificationNotices_NoticeId" FOREIGN KEY ("NoticeId") REFERENCES "RectificationNotices" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "NoticeObjections" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_NoticeObjections" PRIMARY KEY,
    "NoticeId" TEXT NOT NULL,
    "Grounds" TEXT NOT NULL,
    "EvidenceItemIds" TEXT NOT NULL,
    "FiledBy" TEXT NOT NULL,
    "FiledAt" TEXT NOT NULL,
    "Upheld" INTEGER NULL,
    "DecisionReason" TEXT NULL,
    "DecidedBy" TEXT NULL,
    "DecidedAt" TEXT NULL,
    CONSTRAINT "FK_NoticeObjections_RectificationNotices_NoticeId" FOREIGN KEY ("NoticeId") REFERENCES "RectificationNotices" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "NoticeResponses" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_NoticeResponses" PRIMARY KEY,
    "NoticeId" TEXT NOT NULL,
    "Actions" TEXT NOT NULL,
    "Measures" TEXT NOT NULL,
    "EvidenceItemIds" TEXT NOT NULL,
    "FiledBy" TEXT NOT NULL,
    "FiledAt" TEXT NOT NULL,
    "Accepted" INTEGER NULL,
    "VerificationNote" TEXT NULL,
    "VerifiedBy" TEXT NULL,
    "VerifiedAt" TEXT NULL,
    CONSTRAINT "FK_NoticeResponses_RectificationNotices_NoticeId" FOREIGN KEY ("NoticeId") REFERENCES "RectificationNotices" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "NoticeFindings" (
    "NoticeId" TEXT NOT NULL,
    "FindingId" TEXT NOT NULL,
    CONSTRAINT "PK_NoticeFindings" PRIMARY KEY ("NoticeId", "FindingId"),
    CONSTRAINT "FK_NoticeFindings_Findings_FindingId" FOREIGN KEY ("FindingId") REFERENCES "Findings" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_NoticeFindings_RectificationNotices_NoticeId" FOREIGN KEY ("NoticeId") REFERENCES "RectificationNotices" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "OutcomeFindings" (
    "OutcomeId" TEXT NOT NULL,
    "FindingId" TEXT NOT NULL,
    CONSTRAINT "PK_OutcomeFindings" PRIMARY KEY ("OutcomeId", "FindingId"),
    CONSTRAINT "FK_OutcomeFindings_Findings_FindingId" FOREIGN KEY ("FindingId") REFERENCES "Findings" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_OutcomeFindings_RectificationOutcomes_OutcomeId" FOREIGN KEY ("OutcomeId") REFERENCES "RectificationOutcomes" ("Id") ON DELETE RESTRICT
);

CREATE INDEX "IX_DeductionLedger_At" ON "DeductionLedger" ("At");

CREATE INDEX "IX_DeductionLedger_FindingId" ON "DeductionLedger" ("FindingId");

CREATE INDEX "IX_DeductionLedger_NoticeId" ON "DeductionLedger" ("NoticeId");

CREATE UNIQUE INDEX "IX_DeductionLedger_ReversesId" ON "DeductionLedger" ("ReversesId");

CREATE INDEX "IX_DeductionLedger_UnitId_Year" ON "DeductionLedger" ("UnitId", "Year");

CREATE UNIQUE INDEX "IX_NoticeEscalations_NoticeId_Kind_Stage" ON "NoticeEscalations" ("NoticeId", "Kind", "Stage");

CREATE INDEX "IX_NoticeFindings_FindingId" ON "NoticeFindings" ("FindingId");

CREATE INDEX "IX_NoticeObjections_NoticeId" ON "NoticeObjections" ("NoticeId");

CREATE INDEX "IX_NoticeResponses_NoticeId" ON "NoticeResponses" ("NoticeId");

CREATE UNIQUE INDEX "IX_OutboundMessages_DedupKey" ON "OutboundMessages" ("DedupKey");

CREATE INDEX "IX_OutboundMessages_SentAt_CreatedAt" ON "OutboundMessages" ("SentAt", "CreatedAt");

CREATE INDEX "IX_OutcomeFindings_FindingId" ON "OutcomeFindings" ("FindingId");

CREATE INDEX "IX_RectificationNotices_Status_LastDay" ON "RectificationNotices" ("Status", "LastDay");

CREATE INDEX "IX_RectificationNotices_UnitId_Year" ON "RectificationNotices" ("UnitId", "Year");

CREATE INDEX "IX_RectificationOutcomes_PublishedAt" ON "RectificationOutcomes" ("PublishedAt");

CREATE INDEX "IX_RectificationOutcomes_Year_UnitId" ON "RectificationOutcomes" ("Year", "UnitId");

-- EV-11: the ledger is append-only; a withdrawal writes a reversing line.
CREATE TRIGGER "DeductionLedger_no_update" BEFORE UPDATE ON "DeductionLedger"
BEGIN SELECT RAISE(ABORT, 'EV-11: ledger lines are never changed; reverse them'); END;

CREATE TRIGGER "DeductionLedger_no_delete" BEFORE DELETE ON "DeductionLedger"
BEGIN SELECT RAISE(ABORT, 'EV-11: ledger lines are never deleted; reverse them'); END;
