-- 0006: inspections and covert visits (INS-1..20, ORG-4, ORG-5): year plans, rounds, targets, draws, visits,
-- deduction catalogues, findings, agencies and inspector discipline. Tables generated from the EF model (schema-script).
CREATE TABLE "DeductionCatalogues" (
    "Id" uuid NOT NULL,
    "Year" integer NOT NULL,
    "Name" character varying(200) NOT NULL,
    "CopiedFromYear" integer,
    "CreatedBy" character varying(450) NOT NULL,
    "CreatedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_DeductionCatalogues" PRIMARY KEY ("Id")
);

CREATE TABLE "DisciplineBreaches" (
    "Id" uuid NOT NULL,
    "InspectorKind" character varying(32) NOT NULL,
    "InspectorId" uuid NOT NULL,
    "Breach" character varying(32) NOT NULL,
    "Description" character varying(4000) NOT NULL,
    "OccurredOn" date NOT NULL,
    "VisitId" uuid,
    "RecordedBy" character varying(450) NOT NULL,
    "RecordedAt" timestamp with time zone NOT NULL,
    "ReferredAt" timestamp with time zone,
    "ReferredTo" character varying(200),
    CONSTRAINT "PK_DisciplineBreaches" PRIMARY KEY ("Id")
);

CREATE TABLE "DisciplineRules" (
    "Id" uuid NOT NULL,
    "Version" integer NOT NULL,
    "Title" character varying(200) NOT NULL,
    "Text" character varying(8000) NOT NULL,
    "EffectiveFrom" date NOT NULL,
    "CreatedBy" character varying(450) NOT NULL,
    "CreatedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_DisciplineRules" PRIMARY KEY ("Id")
);

CREATE TABLE "InspectionYearPlans" (
    "Id" uuid NOT NULL,
    "Year" integer NOT NULL,
    "Title" character varying(200) NOT NULL,
    "TotalVisitsTarget" integer NOT NULL,
    "VisitsPerWindowUnit" integer NOT NULL,
    "VisitsPerHall" integer NOT NULL,
    "OutletSharePercent" numeric(5,2) NOT NULL,
    "Notes" character varying(4000),
    "CreatedBy" character varying(450) NOT NULL,
    "CreatedAt" timestamp with time zone NOT NULL,
    "IsDemo" boolean NOT NULL,
    CONSTRAINT "PK_InspectionYearPlans" PRIMARY KEY ("Id")
);

CREATE TABLE "AgencyAssessments" (
    "Id" uuid NOT NULL,
    "AgencyId" uuid NOT NULL,
    "Year" integer NOT NULL,
    "Visits" integer NOT NULL,
    "Accepted" integer NOT NULL,
    "Returned" integer NOT NULL,
    "Rejected" integer NOT NULL,
    "Depth" numeric(8,4) NOT NULL,
    "AverageSteps" numeric(6,2) NOT NULL,
    "ShortVisits" integer NOT NULL,
    "MonthsCovered" integer NOT NULL,
    "PeakMonthShare" numeric(6,2) NOT NULL,
    "Opinions" integer NOT NULL,
    "Score" numeric(6,2) NOT NULL,
    "Decision" character varying(32) NOT NULL,
    "DecisionNote" character varying(2000),
    "DecidedBy" character varying(450),
    "DecidedAt" timestamp with time zone,
    "ComputedBy" character varying(450) NOT NULL,
    "ComputedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_AgencyAssessments" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_AgencyAssessments_Agencies_AgencyId" FOREIGN KEY ("AgencyId") REFERENCES "Agencies" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "AgencyContracts" (
    "Id" uuid NOT NULL,
    "AgencyId" uuid NOT NULL,
    "TenderReference" character varying(100) NOT NULL,
    "TenderOn" date NOT NULL,
    "ExpertReview" character varying(4000) NOT NULL,
    "StartsOn" date NOT NULL,
    "EndsOn" date NOT NULL,
    "TerminatedOn" date,
    "TerminationReason" character varying(2000),
    "CreatedBy" character varying(450) NOT NULL,
    "CreatedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_AgencyContracts" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_AgencyContracts_Agencies_AgencyId" FOREIGN KEY ("AgencyId") REFERENCES "Agencies" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "AgencyInspectors" (
    "Id" uuid NOT NULL,
    "AgencyId" uuid NOT NULL,
    "Name" character varying(100) NOT NULL,
    "UserId" character varying(450),
    "Active" boolean NOT NULL,
    "CreatedAt" timestamp with time zone NOT NULL,
    "IsDemo" boolean NOT NULL,
    CONSTRAINT "PK_AgencyInspectors" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_AgencyInspectors_Agencies_AgencyId" FOREIGN KEY ("AgencyId") REFERENCES "Agencies" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "AgencyOpinions" (
    "Id" uuid NOT NULL,
    "AgencyId" uuid NOT NULL,
    "Year" integer NOT NULL,
    "Subject" character varying(32) NOT NULL,
    "Text" character varying(4000) NOT NULL,
    "IssuedBy" character varying(450) NOT NULL,
    "IssuedAt" timestamp with time zone NOT NULL,
    "Response" character varying(4000),
    "RespondedAt" timestamp with time zone,
    CONSTRAINT "PK_AgencyOpinions" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_AgencyOpinions_Agencies_AgencyId" FOREIGN KEY ("AgencyId") REFERENCES "Agencies" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "InspectionRounds" (
    "Id" uuid NOT NULL,
    "Year" integer NOT NULL,
    "Kind" character varying(32) NOT NULL,
    "Campaign" character varying(32) NOT NULL,
    "Title" character varying(200) NOT NULL,
    "Scope" character varying(4000) NOT NULL,
    "Focus" character varying(4000) NOT NULL,
    "PlannedTargets" integer NOT NULL,
    "StartsOn" date NOT NULL,
    "EndsOn" date NOT NULL,
    "AgencyId" uuid,
    "Status" character varying(32) NOT NULL,
    "CreatedBy" character varying(450) NOT NULL,
    "CreatedAt" timestamp with time zone NOT NULL,
    "PlannedAt" timestamp with time zone,
    "PlannedBy" character varying(450),
    "StartedAt" timestamp with time zone,
    "ClosedAt" timestamp with time zone,
    "IsDemo" boolean NOT NULL,
    CONSTRAINT "PK_InspectionRounds" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_InspectionRounds_Agencies_AgencyId" FOREIGN KEY ("AgencyId") REFERENCES "Agencies" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "DeductionItems" (
    "Id" uuid NOT NULL,
    "CatalogueId" uuid NOT NULL,
    "Year" integer NOT NULL,
    "Code" character varying(32) NOT NULL,
    "Name" character varying(300) NOT NULL,
    "Points" numeric(6,2) NOT NULL,
    "Group" character varying(32) NOT NULL,
    "Discretionary" boolean NOT NULL,
    "SortOrder" integer NOT NULL,
    "Basis" character varying(200),
    "Active" boolean NOT NULL,
    CONSTRAINT "PK_DeductionItems" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_DeductionItems_DeductionCatalogues_CatalogueId" FOREIGN KEY ("CatalogueId") REFERENCES "DeductionCatalogues" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "DisciplinePledges" (
    "Id" uuid NOT NULL,
    "RulesId" uuid NOT NULL,
    "InspectorKind" character varying(32) NOT NULL,
    "InspectorId" uuid NOT NULL,
    "SignatureEvidenceItemId" uuid,
    "RecordedBy" character varying(450) NOT NULL,
    "SignedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_DisciplinePledges" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_DisciplinePledges_DisciplineRules_RulesId" FOREIGN KEY ("RulesId") REFERENCES "DisciplineRules" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "ConflictsOfInterest" (
    "Id" uuid NOT NULL,
    "InspectorKind" character varying(32) NOT NULL,
    "InspectorId" uuid NOT NULL,
    "UnitId" uuid NOT NULL,
    "SectionId" uuid,
    "Reason" character varying(500) NOT NULL,
    "DeclaredOn" date NOT NULL,
    "EndedOn" date,
    "RecordedBy" character varying(450) NOT NULL,
    "CreatedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_ConflictsOfInterest" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_ConflictsOfInterest_Units_UnitId" FOREIGN KEY ("UnitId") REFERENCES "Units" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "AgencyTrainings" (
    "Id" uuid NOT NULL,
    "AgencyId" uuid NOT NULL,
    "InspectorId" uuid NOT NULL,
    "HeldOn" date NOT NULL,
    "Topic" character varying(300) NOT NULL,
    "Hours" numeric(6,2) NOT NULL,
    "Passed" boolean NOT NULL,
    "RecordedBy" character varying(450) NOT NULL,
    "RecordedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_AgencyTrainings" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_AgencyTrainings_AgencyInspectors_InspectorId" FOREIGN KEY ("InspectorId") REFERENCES "AgencyInspectors" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "RoundDraws" (
    "Id" uuid NOT NULL,
    "RoundId" uuid NOT NULL,
    "Algorithm" character varying(100) NOT NULL,
    "Seed" bigint NOT NULL,
    "Requested" integer NOT NULL,
    "InputHash" character varying(64) NOT NULL,
    "InputList" text NOT NULL,
    "Excluded" text NOT NULL,
    "Mandatory" text NOT NULL,
    "Result" text NOT NULL,
    "CreatedBy" character varying(450) NOT NULL,
    "CreatedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_RoundDraws" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_RoundDraws_InspectionRounds_RoundId" FOREIGN KEY ("RoundId") REFERENCES "InspectionRounds" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "RoundTeams" (
    "RoundId" uuid NOT NULL,
    "TeamId" uuid NOT NULL,
    CONSTRAINT "PK_RoundTeams" PRIMARY KEY ("RoundId", "TeamId"),
    CONSTRAINT "FK_RoundTeams_InspectionRounds_RoundId" FOREIGN KEY ("RoundId") REFERENCES "InspectionRounds" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_RoundTeams_Teams_TeamId" FOREIGN KEY ("TeamId") REFERENCES "Teams" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "RoundTargets" (
    "Id" uuid NOT NULL,
    "RoundId" uuid NOT NULL,
    "SectionId" uuid NOT NULL,
    "UnitId" uuid NOT NULL,
    "Source" character varying(32) NOT NULL,
    "DrawId" uuid,
    "TeamId" uuid,
    "AgencyId" uuid,
    "CreatedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_RoundTargets" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_RoundTargets_InspectionRounds_RoundId" FOREIGN KEY ("RoundId") REFERENCES "InspectionRounds" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_RoundTargets_Sections_SectionId" FOREIGN KEY ("SectionId") REFERENCES "Sections" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "Visits" (
    "Id" uuid NOT NULL,
    "RoundId" uuid NOT NULL,
    "Year" integer NOT NULL,
    "Kind" character varying(32) NOT NULL,
    "SectionId" uuid NOT NULL,
    "UnitId" uuid NOT NULL,
    "TargetId" uuid,
    "TeamId" uuid,
    "AgencyId" uuid,
    "PlannedOn" date,
    "VisitedOn" date,
    "Status" character varying(32) NOT NULL,
    "StartedAt" timestamp with time zone,
    "SubmittedAt" timestamp with time zone,
    "DecidedAt" timestamp with time zone,
    "DecidedBy" character varying(450),
    "DecisionNote" character varying(4000),
    "StepsCompleted" integer NOT NULL,
    "RecordedSeconds" integer,
    "FindingsSentAt" timestamp with time zone,
    "FindingsSentBy" character varying(450),
    "EvidenceCaseId" uuid,
    "Joint" boolean NOT NULL,
    "CreatedBy" character varying(450) NOT NULL,
    "CreatedAt" timestamp with time zone NOT NULL,
    "IsDemo" boolean NOT NULL,
    CONSTRAINT "PK_Visits" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_Visits_InspectionRounds_RoundId" FOREIGN KEY ("RoundId") REFERENCES "InspectionRounds" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_Visits_Sections_SectionId" FOREIGN KEY ("SectionId") REFERENCES "Sections" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "Findings" (
    "Id" uuid NOT NULL,
    "VisitId" uuid NOT NULL,
    "RoundId" uuid NOT NULL,
    "Year" integer NOT NULL,
    "UnitId" uuid NOT NULL,
    "SectionId" uuid NOT NULL,
    "StaffId" uuid,
    "DeductionItemId" uuid NOT NULL,
    "ItemCode" character varying(32) NOT NULL,
    "ItemName" character varying(300) NOT NULL,
    "Points" numeric(6,2) NOT NULL,
    "Group" character varying(32) NOT NULL,
    "Description" character varying(2000) NOT NULL,
    "ProtocolStep" integer,
    "PreviousFindingId" uuid,
    "Status" character varying(32) NOT NULL,
    "RecordedBy" character varying(450) NOT NULL,
    "RecordedAt" timestamp with time zone NOT NULL,
    "ReviewedAt" timestamp with time zone,
    "ReviewedBy" character varying(450),
    "DropReason" character varying(2000),
    "Confirmation" character varying(32) NOT NULL,
    "SignatureEvidenceItemId" uuid,
    "ConfirmationBy" character varying(100),
    "ConfirmationNote" character varying(2000),
    "ConfirmationAt" timestamp with time zone,
    CONSTRAINT "PK_Findings" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_Findings_DeductionItems_DeductionItemId" FOREIGN KEY ("DeductionItemId") REFERENCES "DeductionItems" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_Findings_Findings_PreviousFindingId" FOREIGN KEY ("PreviousFindingId") REFERENCES "Findings" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_Findings_Visits_VisitId" FOREIGN KEY ("VisitId") REFERENCES "Visits" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "VisitInspectors" (
    "VisitId" uuid NOT NULL,
    "Kind" character varying(32) NOT NULL,
    "InspectorId" uuid NOT NULL,
    "UserId" character varying(450),
    CONSTRAINT "PK_VisitInspectors" PRIMARY KEY ("VisitId", "Kind", "InspectorId"),
    CONSTRAINT "FK_VisitInspectors_Visits_VisitId" FOREIGN KEY ("VisitId") REFERENCES "Visits" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "FindingEvidence" (
    "FindingId" uuid NOT NULL,
    "EvidenceItemId" uuid NOT NULL,
    CONSTRAINT "PK_FindingEvidence" PRIMARY KEY ("FindingId", "EvidenceItemId"),
    CONSTRAINT "FK_FindingEvidence_Findings_FindingId" FOREIGN KEY ("FindingId") REFERENCES "Findings" ("Id") ON DELETE RESTRICT
);

CREATE UNIQUE INDEX "IX_AgencyAssessments_AgencyId_Year" ON "AgencyAssessments" ("AgencyId", "Year");

CREATE INDEX "IX_AgencyContracts_AgencyId" ON "AgencyContracts" ("AgencyId");

CREATE INDEX "IX_AgencyInspectors_AgencyId" ON "AgencyInspectors" ("AgencyId");

CREATE INDEX "IX_AgencyInspectors_UserId" ON "AgencyInspectors" ("UserId");

CREATE INDEX "IX_AgencyOpinions_AgencyId_Year" ON "AgencyOpinions" ("AgencyId", "Year");

CREATE INDEX "IX_AgencyTrainings_InspectorId" ON "AgencyTrainings" ("InspectorId");

CREATE INDEX "IX_ConflictsOfInterest_InspectorKind_InspectorId" ON "ConflictsOfInterest" ("InspectorKind", "InspectorId");

CREATE INDEX "IX_ConflictsOfInterest_UnitId" ON "ConflictsOfInterest" ("UnitId");

CREATE UNIQUE INDEX "IX_DeductionCatalogues_Year" ON "DeductionCatalogues" ("Year");

CREATE UNIQUE INDEX "IX_DeductionItems_CatalogueId_Code" ON "DeductionItems" ("CatalogueId", "Code");

CREATE INDEX "IX_DeductionItems_Year" ON "DeductionItems" ("Year");

CREATE INDEX "IX_DisciplineBreaches_InspectorKind_InspectorId" ON "DisciplineBreaches" ("InspectorKind", "InspectorId");

CREATE UNIQUE INDEX "IX_DisciplinePledges_InspectorKind_InspectorId_RulesId" ON "DisciplinePledges" ("InspectorKind", "InspectorId", "RulesId");

CREATE INDEX "IX_DisciplinePledges_RulesId" ON "DisciplinePledges" ("RulesId");

CREATE UNIQUE INDEX "IX_DisciplineRules_Version" ON "DisciplineRules" ("Version");

CREATE INDEX "IX_FindingEvidence_EvidenceItemId" ON "FindingEvidence" ("EvidenceItemId");

CREATE INDEX "IX_Findings_DeductionItemId" ON "Findings" ("DeductionItemId");

CREATE INDEX "IX_Findings_PreviousFindingId" ON "Findings" ("PreviousFindingId");

CREATE INDEX "IX_Findings_SectionId" ON "Findings" ("SectionId");

CREATE INDEX "IX_Findings_UnitId_Year" ON "Findings" ("UnitId", "Year");

CREATE INDEX "IX_Findings_VisitId" ON "Findings" ("VisitId");

CREATE INDEX "IX_Findings_Year_VisitId_Status" ON "Findings" ("Year", "VisitId", "Status");

CREATE INDEX "IX_InspectionRounds_AgencyId" ON "InspectionRounds" ("AgencyId");

CREATE INDEX "IX_InspectionRounds_Year_Kind" ON "InspectionRounds" ("Year", "Kind");

CREATE UNIQUE INDEX "IX_InspectionYearPlans_Year" ON "InspectionYearPlans" ("Year");

CREATE INDEX "IX_RoundDraws_RoundId" ON "RoundDraws" ("RoundId");

CREATE UNIQUE INDEX "IX_RoundTargets_RoundId_SectionId" ON "RoundTargets" ("RoundId", "SectionId");

CREATE INDEX "IX_RoundTargets_SectionId" ON "RoundTargets" ("SectionId");

CREATE INDEX "IX_RoundTargets_UnitId" ON "RoundTargets" ("UnitId");

CREATE INDEX "IX_RoundTeams_TeamId" ON "RoundTeams" ("TeamId");

CREATE INDEX "IX_Sections_Kind_Active" ON "Sections" ("Kind", "Active");

CREATE INDEX "IX_VisitInspectors_UserId" ON "VisitInspectors" ("UserId");

CREATE INDEX "IX_Visits_AgencyId" ON "Visits" ("AgencyId");

CREATE INDEX "IX_Visits_RoundId" ON "Visits" ("RoundId");

CREATE INDEX "IX_Visits_SectionId" ON "Visits" ("SectionId");

CREATE INDEX "IX_Visits_UnitId" ON "Visits" ("UnitId");

CREATE INDEX "IX_Visits_Year_Status_SectionId_VisitedOn" ON "Visits" ("Year", "Status", "SectionId", "VisitedOn");
