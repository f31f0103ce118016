-- 0007: the covert-visit protocol (INS-11, INS-19, INS-20), question bank (INS-12), checklists (INS-14, INS-15),
-- surveys, report questions, open inspections (INS-2..INS-4, S3) and round reports (INS-17). Generated from the EF model (schema-script).
CREATE TABLE "BankPersona" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_BankPersona" PRIMARY KEY,
    "Name" TEXT NOT NULL,
    "Description" TEXT NOT NULL,
    "Active" INTEGER NOT NULL,
    "IsDemo" INTEGER NOT NULL
);

CREATE TABLE "BankQuestion" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_BankQuestion" PRIMARY KEY,
    "ServiceItemId" TEXT NOT NULL,
    "Depth" INTEGER NOT NULL,
    "Text" TEXT NOT NULL,
    "ExpectedAnswer" TEXT NULL,
    "TestsConduct" INTEGER NOT NULL,
    "Active" INTEGER NOT NULL,
    "IsDemo" INTEGER NOT NULL,
    CONSTRAINT "FK_BankQuestion_ServiceItems_ServiceItemId" FOREIGN KEY ("ServiceItemId") REFERENCES "ServiceItems" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "OpenSessionReport" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_OpenSessionReport" PRIMARY KEY,
    "UnitId" TEXT NOT NULL,
    "RoundId" TEXT NULL,
    "Kind" TEXT NOT NULL,
    "Title" TEXT NOT NULL,
    "HeldOn" TEXT NOT NULL,
    "Summary" TEXT NOT NULL,
    "Participants" INTEGER NULL,
    "RecordedBy" TEXT NOT NULL,
    "RecordedAt" TEXT NOT NULL,
    CONSTRAINT "FK_OpenSessionReport_Units_UnitId" FOREIGN KEY ("UnitId") REFERENCES "Units" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "SelfInspectionReport" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_SelfInspectionReport" PRIMARY KEY,
    "UnitId" TEXT NOT NULL,
    "Year" INTEGER NOT NULL,
    "Quarter" INTEGER NOT NULL,
    "Summary" TEXT NOT NULL,
    "EvidenceCaseId" TEXT NULL,
    "SubmittedBy" TEXT NOT NULL,
    "SubmittedAt" TEXT NOT NULL,
    CONSTRAINT "FK_SelfInspectionReport_Units_UnitId" FOREIGN KEY ("UnitId") REFERENCES "Units" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "SpotCheck" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_SpotCheck" PRIMARY KEY,
    "UnitId" TEXT NOT NULL,
    "RoundId" TEXT NULL,
    "VisitId" TEXT NULL,
    "Title" TEXT NOT NULL,
    "CheckedOn" TEXT NOT NULL,
    "EvidenceCaseId" TEXT NULL,
    "CheckedBy" TEXT NOT NULL,
    "RecordedAt" TEXT NOT NULL,
    CONSTRAINT "FK_SpotCheck_Units_UnitId" FOREIGN KEY ("UnitId") REFERENCES "Units" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "RoundReport" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_RoundReport" PRIMARY KEY,
    "RoundId" TEXT NOT NULL,
    "TeamId" TEXT NULL,
    "Title" TEXT NOT NULL,
    "Body" TEXT NOT NULL,
    "Version" INTEGER NOT NULL,
    "CreatedBy" TEXT NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    "EditedBy" TEXT NULL,
    "EditedAt" TEXT NULL,
    "DocumentId" TEXT NULL,
    CONSTRAINT "FK_RoundReport_InspectionRounds_RoundId" FOREIGN KEY ("RoundId") REFERENCES "InspectionRounds" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "OpenDeduction" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_OpenDeduction" PRIMARY KEY,
    "UnitId" TEXT NOT NULL,
    "Year" INTEGER NOT NULL,
    "DeductionItemId" TEXT NOT NULL,
    "ItemCode" TEXT NOT NULL,
    "ItemName" TEXT NOT NULL,
    "Points" TEXT NOT NULL,
    "Reason" TEXT NOT NULL,
    "SourceType" TEXT NOT NULL,
    "SourceId" TEXT NULL,
    "SourceKey" TEXT NULL,
    "RecordedBy" TEXT NOT NULL,
    "RecordedAt" TEXT NOT NULL,
    CONSTRAINT "FK_OpenDeduction_DeductionItems_DeductionItemId" FOREIGN KEY ("DeductionItemId") REFERENCES "DeductionItems" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_OpenDeduction_Units_UnitId" FOREIGN KEY ("UnitId") REFERENCES "Units" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "SpotCheckItem" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_SpotCheckItem" PRIMARY KEY,
    "SpotCheckId" TEXT NOT NULL,
    "Number" INTEGER NOT NULL,
    "Name" TEXT NOT NULL,
    "Present" INTEGER NOT NULL,
    "EvidenceItemId" TEXT NULL,
    "Note" TEXT NULL,
    CONSTRAINT "FK_SpotCheckItem_SpotCheck_SpotCheckId" FOREIGN KEY ("SpotCheckId") REFERENCES "SpotCheck" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "VisitCheck" (
    "VisitId" TEXT NOT NULL,
    "Code" TEXT NOT NULL,
    "Result" TEXT NOT NULL,
    "Note" TEXT NULL,
    CONSTRAINT "PK_VisitCheck" PRIMARY KEY ("VisitId", "Code"),
    CONSTRAINT "FK_VisitCheck_Visits_VisitId" FOREIGN KEY ("VisitId") REFERENCES "Visits" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "VisitClockReading" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_VisitClockReading" PRIMARY KEY,
    "VisitId" TEXT NOT NULL,
    "Step" INTEGER NULL,
    "DeviceClock" TEXT NOT NULL,
    "ServerClock" TEXT NOT NULL,
    CONSTRAINT "FK_VisitClockReading_Visits_VisitId" FOREIGN KEY ("VisitId") REFERENCES "Visits" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "VisitProtocolRecord" (
    "VisitId" TEXT NOT NULL CONSTRAINT "PK_VisitProtocolRecord" PRIMARY KEY,
    "Methods" TEXT NOT NULL,
    "PersonaId" TEXT NULL,
    "QuestionSeed" INTEGER NOT NULL,
    "QuestionIds" TEXT NOT NULL,
    "OverallScore" TEXT NULL,
    "ScoreNote" TEXT NULL,
    "ScoredAt" TEXT NULL,
    "ArchivedAt" TEXT NULL,
    "CreatedAt" TEXT NOT NULL,
    CONSTRAINT "FK_VisitProtocolRecord_Visits_VisitId" FOREIGN KEY ("VisitId") REFERENCES "Visits" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "VisitReportMessage" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_VisitReportMessage" PRIMARY KEY,
    "VisitId" TEXT NOT NULL,
    "Kind" TEXT NOT NULL,
    "Text" TEXT NOT NULL,
    "By" TEXT NOT NULL,
    "At" TEXT NOT NULL,
    CONSTRAINT "FK_VisitReportMessage_Visits_VisitId" FOREIGN KEY ("VisitId") REFERENCES "Visits" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "VisitStep" (
    "VisitId" TEXT NOT NULL,
    "Number" INTEGER NOT NULL,
    "StartedAt" TEXT NULL,
    "EndedAt" TEXT NULL,
    "TimeSource" TEXT NOT NULL,
    "Notes" TEXT NULL,
    "SavedAt" TEXT NULL,
    CONSTRAINT "PK_VisitStep" PRIMARY KEY ("VisitId", "Number"),
    CONSTRAINT "FK_VisitStep_Visits_VisitId" FOREIGN KEY ("VisitId") REFERENCES "Visits" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "VisitSurvey" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_VisitSurvey" PRIMARY KEY,
    "VisitId" TEXT NOT NULL,
    "Number" INTEGER NOT NULL,
    "Answers" TEXT NOT NULL,
    "Satisfaction" INTEGER NULL,
    "RespondentName" TEXT NULL,
    "RespondentPhone" TEXT NULL,
    "EvidenceItemId" TEXT NULL,
    "SavedAt" TEXT NOT NULL,
    CONSTRAINT "FK_VisitSurvey_Visits_VisitId" FOREIGN KEY ("VisitId") REFERENCES "Visits" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "VisitStepEvidence" (
    "VisitId" TEXT NOT NULL,
    "Number" INTEGER NOT NULL,
    "EvidenceItemId" TEXT NOT NULL,
    CONSTRAINT "PK_VisitStepEvidence" PRIMARY KEY ("VisitId", "Number", "EvidenceItemId"),
    CONSTRAINT "FK_VisitStepEvidence_VisitStep_VisitId_Number" FOREIGN KEY ("VisitId", "Number") REFERENCES "VisitStep" ("VisitId", "Number") ON DELETE CASCADE
);

CREATE INDEX "IX_BankQuestion_ServiceItemId_Depth" ON "BankQuestion" ("ServiceItemId", "Depth");

CREATE INDEX "IX_OpenDeduction_DeductionItemId" ON "OpenDeduction" ("DeductionItemId");

CREATE UNIQUE INDEX "IX_OpenDeduction_SourceKey" ON "OpenDeduction" ("SourceKey");

CREATE INDEX "IX_OpenDeduction_UnitId_Year" ON "OpenDeduction" ("UnitId", "Year");

CREATE INDEX "IX_OpenSessionReport_UnitId" ON "OpenSessionReport" ("UnitId");

CREATE INDEX "IX_RoundReport_RoundId" ON "RoundReport" ("RoundId");

CREATE UNIQUE INDEX "IX_SelfInspectionReport_UnitId_Year_Quarter" ON "SelfInspectionReport" ("UnitId", "Year", "Quarter");

CREATE INDEX "IX_SpotCheck_UnitId" ON "SpotCheck" ("UnitId");

CREATE INDEX "IX_SpotCheckItem_SpotCheckId" ON "SpotCheckItem" ("SpotCheckId");

CREATE INDEX "IX_VisitClockReading_VisitId_ServerClock" ON "VisitClockReading" ("VisitId", "ServerClock");

CREATE INDEX "IX_VisitReportMessage_VisitId_At" ON "VisitReportMessage" ("VisitId", "At");

CREATE INDEX "IX_VisitStepEvidence_EvidenceItemId" ON "VisitStepEvidence" ("EvidenceItemId");

CREATE UNIQUE INDEX "IX_VisitSurvey_VisitId_Number" ON "VisitSurvey" ("VisitId", "Number");
