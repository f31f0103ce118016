-- 0007: the covert-visit protocol (INS-11, INS-19, INS-20), question bank (INS-12), checklists (INS-14, INS-15),
-- surveys, report questions, open inspections (INS-2..INS-4, S3) and round reports (INS-17). Generated from the EF model (schema-script).
CREATE TABLE "BankPersona" (
    "Id" uuid NOT NULL,
    "Name" character varying(100) NOT NULL,
    "Description" character varying(2000) NOT NULL,
    "Active" boolean NOT NULL,
    "IsDemo" boolean NOT NULL,
    CONSTRAINT "PK_BankPersona" PRIMARY KEY ("Id")
);

CREATE TABLE "BankQuestion" (
    "Id" uuid NOT NULL,
    "ServiceItemId" uuid NOT NULL,
    "Depth" integer NOT NULL,
    "Text" character varying(1000) NOT NULL,
    "ExpectedAnswer" character varying(2000),
    "TestsConduct" boolean NOT NULL,
    "Active" boolean NOT NULL,
    "IsDemo" boolean NOT NULL,
    CONSTRAINT "PK_BankQuestion" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_BankQuestion_ServiceItems_ServiceItemId" FOREIGN KEY ("ServiceItemId") REFERENCES "ServiceItems" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "OpenSessionReport" (
    "Id" uuid NOT NULL,
    "UnitId" uuid NOT NULL,
    "RoundId" uuid,
    "Kind" character varying(32) NOT NULL,
    "Title" character varying(200) NOT NULL,
    "HeldOn" date NOT NULL,
    "Summary" character varying(8000) NOT NULL,
    "Participants" integer,
    "RecordedBy" character varying(450) NOT NULL,
    "RecordedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_OpenSessionReport" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_OpenSessionReport_Units_UnitId" FOREIGN KEY ("UnitId") REFERENCES "Units" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "SelfInspectionReport" (
    "Id" uuid NOT NULL,
    "UnitId" uuid NOT NULL,
    "Year" integer NOT NULL,
    "Quarter" integer NOT NULL,
    "Summary" character varying(8000) NOT NULL,
    "EvidenceCaseId" uuid,
    "SubmittedBy" character varying(450) NOT NULL,
    "SubmittedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_SelfInspectionReport" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_SelfInspectionReport_Units_UnitId" FOREIGN KEY ("UnitId") REFERENCES "Units" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "SpotCheck" (
    "Id" uuid NOT NULL,
    "UnitId" uuid NOT NULL,
    "RoundId" uuid,
    "VisitId" uuid,
    "Title" character varying(200) NOT NULL,
    "CheckedOn" date NOT NULL,
    "EvidenceCaseId" uuid,
    "CheckedBy" character varying(450) NOT NULL,
    "RecordedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_SpotCheck" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_SpotCheck_Units_UnitId" FOREIGN KEY ("UnitId") REFERENCES "Units" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "RoundReport" (
    "Id" uuid NOT NULL,
    "RoundId" uuid NOT NULL,
    "TeamId" uuid,
    "Title" character varying(200) NOT NULL,
    "Body" character varying(100000) NOT NULL,
    "Version" integer NOT NULL,
    "CreatedBy" character varying(450) NOT NULL,
    "CreatedAt" timestamp with time zone NOT NULL,
    "EditedBy" character varying(450),
    "EditedAt" timestamp with time zone,
    "DocumentId" uuid,
    CONSTRAINT "PK_RoundReport" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_RoundReport_InspectionRounds_RoundId" FOREIGN KEY ("RoundId") REFERENCES "InspectionRounds" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "OpenDeduction" (
    "Id" uuid NOT NULL,
    "UnitId" uuid NOT NULL,
    "Year" integer NOT NULL,
    "DeductionItemId" uuid NOT NULL,
    "ItemCode" character varying(32) NOT NULL,
    "ItemName" character varying(300) NOT NULL,
    "Points" numeric(6,2) NOT NULL,
    "Reason" character varying(2000) NOT NULL,
    "SourceType" character varying(32) NOT NULL,
    "SourceId" uuid,
    "SourceKey" character varying(200),
    "RecordedBy" character varying(450) NOT NULL,
    "RecordedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_OpenDeduction" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_OpenDeduction_DeductionItems_DeductionItemId" FOREIGN KEY ("DeductionItemId") REFERENCES "DeductionItems" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_OpenDeduction_Units_UnitId" FOREIGN KEY ("UnitId") REFERENCES "Units" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "SpotCheckItem" (
    "Id" uuid NOT NULL,
    "SpotCheckId" uuid NOT NULL,
    "Number" integer NOT NULL,
    "Name" character varying(300) NOT NULL,
    "Present" boolean NOT NULL,
    "EvidenceItemId" uuid,
    "Note" character varying(2000),
    CONSTRAINT "PK_SpotCheckItem" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_SpotCheckItem_SpotCheck_SpotCheckId" FOREIGN KEY ("SpotCheckId") REFERENCES "SpotCheck" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "VisitCheck" (
    "VisitId" uuid NOT NULL,
    "Code" character varying(32) NOT NULL,
    "Result" character varying(32) NOT NULL,
    "Note" character varying(2000),
    CONSTRAINT "PK_VisitCheck" PRIMARY KEY ("VisitId", "Code"),
    CONSTRAINT "FK_VisitCheck_Visits_VisitId" FOREIGN KEY ("VisitId") REFERENCES "Visits" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "VisitClockReading" (
    "Id" uuid NOT NULL,
    "VisitId" uuid NOT NULL,
    "Step" integer,
    "DeviceClock" timestamp with time zone NOT NULL,
    "ServerClock" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_VisitClockReading" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_VisitClockReading_Visits_VisitId" FOREIGN KEY ("VisitId") REFERENCES "Visits" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "VisitProtocolRecord" (
    "VisitId" uuid NOT NULL,
    "Methods" character varying(300) NOT NULL,
    "PersonaId" uuid,
    "QuestionSeed" bigint NOT NULL,
    "QuestionIds" character varying(4000) NOT NULL,
    "OverallScore" numeric(5,2),
    "ScoreNote" character varying(4000),
    "ScoredAt" timestamp with time zone,
    "ArchivedAt" timestamp with time zone,
    "CreatedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_VisitProtocolRecord" PRIMARY KEY ("VisitId"),
    CONSTRAINT "FK_VisitProtocolRecord_Visits_VisitId" FOREIGN KEY ("VisitId") REFERENCES "Visits" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "VisitReportMessage" (
    "Id" uuid NOT NULL,
    "VisitId" uuid NOT NULL,
    "Kind" character varying(32) NOT NULL,
    "Text" character varying(4000) NOT NULL,
    "By" character varying(450) NOT NULL,
    "At" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_VisitReportMessage" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_VisitReportMessage_Visits_VisitId" FOREIGN KEY ("VisitId") REFERENCES "Visits" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "VisitStep" (
    "VisitId" uuid NOT NULL,
    "Number" integer NOT NULL,
    "StartedAt" timestamp with time zone,
    "EndedAt" timestamp with time zone,
    "TimeSource" character varying(32) NOT NULL,
    "Notes" character varying(4000),
    "SavedAt" timestamp with time zone,
    CONSTRAINT "PK_VisitStep" PRIMARY KEY ("VisitId", "Number"),
    CONSTRAINT "FK_VisitStep_Visits_VisitId" FOREIGN KEY ("VisitId") REFERENCES "Visits" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "VisitSurvey" (
    "Id" uuid NOT NULL,
    "VisitId" uuid NOT NULL,
    "Number" integer NOT NULL,
    "Answers" character varying(8000) NOT NULL,
    "Satisfaction" integer,
    "RespondentName" character varying(100),
    "RespondentPhone" character varying(32),
    "EvidenceItemId" uuid,
    "SavedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_VisitSurvey" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_VisitSurvey_Visits_VisitId" FOREIGN KEY ("VisitId") REFERENCES "Visits" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "VisitStepEvidence" (
    "VisitId" uuid NOT NULL,
    "Number" integer NOT NULL,
    "EvidenceItemId" uuid NOT NULL,
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
