-- 0006: inspections and covert visits (INS-1..20, ORG-4, ORG-5): year plans, rounds, targets, draws, visits,
-- deduction catalogues, findings, agencies and inspector discipline. Tables generated from the EF model (schema-script).
CREATE TABLE "DeductionCatalogues" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_DeductionCatalogues" PRIMARY KEY,
    "Year" INTEGER NOT NULL,
    "Name" TEXT NOT NULL,
    "CopiedFromYear" INTEGER NULL,
    "CreatedBy" TEXT NOT NULL,
    "CreatedAt" TEXT NOT NULL
);

CREATE TABLE "DisciplineBreaches" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_DisciplineBreaches" PRIMARY KEY,
    "InspectorKind" TEXT NOT NULL,
    "InspectorId" TEXT NOT NULL,
    "Breach" TEXT NOT NULL,
    "Description" TEXT NOT NULL,
    "OccurredOn" TEXT NOT NULL,
    "VisitId" TEXT NULL,
    "RecordedBy" TEXT NOT NULL,
    "RecordedAt" TEXT NOT NULL,
    "ReferredAt" TEXT NULL,
    "ReferredTo" TEXT NULL
);

CREATE TABLE "DisciplineRules" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_DisciplineRules" PRIMARY KEY,
    "Version" INTEGER NOT NULL,
    "Title" TEXT NOT NULL,
    "Text" TEXT NOT NULL,
    "EffectiveFrom" TEXT NOT NULL,
    "CreatedBy" TEXT NOT NULL,
    "CreatedAt" TEXT NOT NULL
);

CREATE TABLE "InspectionYearPlans" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_InspectionYearPlans" PRIMARY KEY,
    "Year" INTEGER NOT NULL,
    "Title" TEXT NOT NULL,
    "TotalVisitsTarget" INTEGER NOT NULL,
    "VisitsPerWindowUnit" INTEGER NOT NULL,
    "VisitsPerHall" INTEGER NOT NULL,
    "OutletSharePercent" TEXT NOT NULL,
    "Notes" TEXT NULL,
    "CreatedBy" TEXT NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    "IsDemo" INTEGER NOT NULL
);

CREATE TABLE "AgencyAssessments" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_AgencyAssessments" PRIMARY KEY,
    "AgencyId" TEXT NOT NULL,
    "Year" INTEGER NOT NULL,
    "Visits" INTEGER NOT NULL,
    "Accepted" INTEGER NOT NULL,
    "Returned" INTEGER NOT NULL,
    "Rejected" INTEGER NOT NULL,
    "Depth" TEXT NOT NULL,
    "AverageSteps" TEXT NOT NULL,
    "ShortVisits" INTEGER NOT NULL,
    "MonthsCovered" INTEGER NOT NULL,
    "PeakMonthShare" TEXT NOT NULL,
    "Opinions" INTEGER NOT NULL,
    "Score" TEXT NOT NULL,
    "Decision" TEXT NOT NULL,
    "DecisionNote" TEXT NULL,
    "DecidedBy" TEXT NULL,
    "DecidedAt" TEXT NULL,
    "ComputedBy" TEXT NOT NULL,
    "ComputedAt" TEXT NOT NULL,
    CONSTRAINT "FK_AgencyAssessments_Agencies_AgencyId" FOREIGN KEY ("AgencyId") REFERENCES "Agencies" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "AgencyContracts" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_AgencyContracts" PRIMARY KEY,
    "AgencyId" TEXT NOT NULL,
    "TenderReference" TEXT NOT NULL,
    "TenderOn" TEXT NOT NULL,
    "ExpertReview" TEXT NOT NULL,
    "StartsOn" TEXT NOT NULL,
    "EndsOn" TEXT NOT NULL,
    "TerminatedOn" TEXT NULL,
    "TerminationReason" TEXT NULL,
    "CreatedBy" TEXT NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    CONSTRAINT "FK_AgencyContracts_Agencies_AgencyId" FOREIGN KEY ("AgencyId") REFERENCES "Agencies" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "AgencyInspectors" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_AgencyInspectors" PRIMARY KEY,
    "AgencyId" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    "UserId" TEXT NULL,
    "Active" INTEGER NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    "IsDemo" INTEGER NOT NULL,
    CONSTRAINT "FK_AgencyInspectors_Agencies_AgencyId" FOREIGN KEY ("AgencyId") REFERENCES "Agencies" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "AgencyOpinions" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_AgencyOpinions" PRIMARY KEY,
    "AgencyId" TEXT NOT NULL,
    "Year" INTEGER NOT NULL,
    "Subject" TEXT NOT NULL,
    "Text" TEXT NOT NULL,
    "IssuedBy" TEXT NOT NULL,
    "IssuedAt" TEXT NOT NULL,
    "Response" TEXT NULL,
    "RespondedAt" TEXT NULL,
    CONSTRAINT "FK_AgencyOpinions_Agencies_AgencyId" FOREIGN KEY ("AgencyId") REFERENCES "Agencies" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "InspectionRounds" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_InspectionRounds" PRIMARY KEY,
    "Year" INTEGER NOT NULL,
    "Kind" TEXT NOT NULL,
    "Campaign" TEXT NOT NULL,
    "Title" TEXT NOT NULL,
    "Scope" TEXT NOT NULL,
    "Focus" TEXT NOT NULL,
    "PlannedTargets" INTEGER NOT NULL,
    "StartsOn" TEXT NOT NULL,
    "EndsOn" TEXT NOT NULL,
    "AgencyId" TEXT NULL,
    "Status" TEXT NOT NULL,
    "CreatedBy" TEXT NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    "PlannedAt" TEXT NULL,
    "PlannedBy" TEXT NULL,
    "StartedAt" TEXT NULL,
    "ClosedAt" TEXT NULL,
    "IsDemo" INTEGER NOT NULL,
    CONSTRAINT "FK_InspectionRounds_Agencies_AgencyId" FOREIGN KEY ("AgencyId") REFERENCES "Agencies" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "DeductionItems" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_DeductionItems" PRIMARY KEY,
    "CatalogueId" TEXT NOT NULL,
    "Year" INTEGER NOT NULL,
    "Code" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    "Points" TEXT NOT NULL,
    "Group" TEXT NOT NULL,
    "Discretionary" INTEGER NOT NULL,
    "SortOrder" INTEGER NOT NULL,
    "Basis" TEXT NULL,
    "Active" INTEGER NOT NULL,
    CONSTRAINT "FK_DeductionItems_DeductionCatalogues_CatalogueId" FOREIGN KEY ("CatalogueId") REFERENCES "DeductionCatalogues" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "DisciplinePledges" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_DisciplinePledges" PRIMARY KEY,
    "RulesId" TEXT NOT NULL,
    "InspectorKind" TEXT NOT NULL,
    "InspectorId" TEXT NOT NULL,
    "SignatureEvidenceItemId" TEXT NULL,
    "RecordedBy" TEXT NOT NULL,
    "SignedAt" TEXT NOT NULL,
    CONSTRAINT "FK_DisciplinePledges_DisciplineRules_RulesId" FOREIGN KEY ("RulesId") REFERENCES "DisciplineRules" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "ConflictsOfInterest" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_ConflictsOfInterest" PRIMARY KEY,
    "InspectorKind" TEXT NOT NULL,
    "InspectorId" TEXT NOT NULL,
    "UnitId" TEXT NOT NULL,
    "SectionId" TEXT NULL,
    "Reason" TEXT NOT NULL,
    "DeclaredOn" TEXT NOT NULL,
    "EndedOn" TEXT NULL,
    "RecordedBy" TEXT NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    CONSTRAINT "FK_ConflictsOfInterest_Units_UnitId" FOREIGN KEY ("UnitId") REFERENCES "Units" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "AgencyTrainings" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_AgencyTrainings" PRIMARY KEY,
    "AgencyId" TEXT NOT NULL,
    "InspectorId" TEXT NOT NULL,
    "HeldOn" TEXT NOT NULL,
    "Topic" TEXT NOT NULL,
    "Hours" TEXT NOT NULL,
    "Passed" INTEGER NOT NULL,
    "RecordedBy" TEXT NOT NULL,
    "RecordedAt" TEXT NOT NULL,
    CONSTRAINT "FK_AgencyTrainings_AgencyInspectors_InspectorId" FOREIGN KEY ("InspectorId") REFERENCES "AgencyInspectors" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "RoundDraws" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_RoundDraws" PRIMARY KEY,
    "RoundId" TEXT NOT NULL,
    "Algorithm" TEXT NOT NULL,
    "Seed" INTEGER NOT NULL,
    "Requested" INTEGER NOT NULL,
    "InputHash" TEXT NOT NULL,
    "InputList" TEXT NOT NULL,
    "Excluded" TEXT NOT NULL,
    "Mandatory" TEXT NOT NULL,
    "Result" TEXT NOT NULL,
    "CreatedBy" TEXT NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    CONSTRAINT "FK_RoundDraws_InspectionRounds_RoundId" FOREIGN KEY ("RoundId") REFERENCES "InspectionRounds" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "RoundTeams" (
    "RoundId" TEXT NOT NULL,
    "TeamId" TEXT NOT NULL,
    CONSTRAINT "PK_RoundTeams" PRIMARY KEY ("RoundId", "TeamId"),
    CONSTRAINT "FK_RoundTeams_InspectionRounds_RoundId" FOREIGN KEY ("RoundId") REFERENCES "InspectionRounds" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_RoundTeams_Teams_TeamId" FOREIGN KEY ("TeamId") REFERENCES "Teams" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "RoundTargets" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_RoundTargets" PRIMARY KEY,
    "RoundId" TEXT NOT NULL,
    "SectionId" TEXT NOT NULL,
    "UnitId" TEXT NOT NULL,
    "Source" TEXT NOT NULL,
    "DrawId" TEXT NULL,
    "TeamId" TEXT NULL,
    "AgencyId" TEXT NULL,
    "CreatedAt" TEXT NOT NULL,
    CONSTRAINT "FK_RoundTargets_InspectionRounds_RoundId" FOREIGN KEY ("RoundId") REFERENCES "InspectionRounds" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_RoundTargets_Sections_SectionId" FOREIGN KEY ("SectionId") REFERENCES "Sections" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "Visits" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Visits" PRIMARY KEY,
    "RoundId" TEXT NOT NULL,
    "Year" INTEGER NOT NULL,
    "Kind" TEXT NOT NULL,
    "SectionId" TEXT NOT NULL,
    "UnitId" TEXT NOT NULL,
    "TargetId" TEXT NULL,
    "TeamId" TEXT NULL,
    "AgencyId" TEXT NULL,
    "PlannedOn" TEXT NULL,
    "VisitedOn" TEXT NULL,
    "Status" TEXT NOT NULL,
    "StartedAt" TEXT NULL,
    "SubmittedAt" TEXT NULL,
    "DecidedAt" TEXT NULL,
    "DecidedBy" TEXT NULL,
    "DecisionNote" TEXT NULL,
    "StepsCompleted" INTEGER NOT NULL,
    "RecordedSeconds" INTEGER NULL,
    "FindingsSentAt" TEXT NULL,
    "FindingsSentBy" TEXT NULL,
    "EvidenceCaseId" TEXT NULL,
    "Joint" INTEGER NOT NULL,
    "CreatedBy" TEXT NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    "IsDemo" INTEGER NOT NULL,
    CONSTRAINT "FK_Visits_InspectionRounds_RoundId" FOREIGN KEY ("RoundId") REFERENCES "InspectionRounds" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_Visits_Sections_SectionId" FOREIGN KEY ("SectionId") REFERENCES "Sections" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "Findings" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Findings" PRIMARY KEY,
    "VisitId" TEXT NOT NULL,
    "RoundId" TEXT NOT NULL,
    "Year" INTEGER NOT NULL,
    "UnitId" TEXT NOT NULL,
    "SectionId" TEXT NOT NULL,
    "StaffId" TEXT NULL,
    "DeductionItemId" TEXT NOT NULL,
    "ItemCode" TEXT NOT NULL,
    "ItemName" TEXT NOT NULL,
    "Points" TEXT NOT NULL,
    "Group" TEXT NOT NULL,
    "Description" TEXT NOT NULL,
    "ProtocolStep" INTEGER NULL,
    "PreviousFindingId" TEXT NULL,
    "Status" TEXT NOT NULL,
    "RecordedBy" TEXT NOT NULL,
    "RecordedAt" TEXT NOT NULL,
    "ReviewedAt" TEXT NULL,
    "ReviewedBy" TEXT NULL,
    "DropReason" TEXT NULL,
    "Confirmation" TEXT NOT NULL,
    "SignatureEvidenceItemId" TEXT NULL,
    "ConfirmationBy" TEXT NULL,
    "ConfirmationNote" TEXT NULL,
    "ConfirmationAt" TEXT NULL,
    CONSTRAINT "FK_Findings_DeductionItems_DeductionItemId" FOREIGN KEY ("DeductionItemId") REFERENCES "DeductionItems" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_Findings_Findings_PreviousFindingId" FOREIGN KEY ("PreviousFindingId") REFERENCES "Findings" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_Findings_Visits_VisitId" FOREIGN KEY ("VisitId") REFERENCES "Visits" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "VisitInspectors" (
    "VisitId" TEXT NOT NULL,
    "Kind" TEXT NOT NULL,
    "InspectorId" TEXT NOT NULL,
    "UserId" TEXT NULL,
    CONSTRAINT "PK_VisitInspectors" PRIMARY KEY ("VisitId", "Kind", "InspectorId"),
    CONSTRAINT "FK_VisitInspectors_Visits_VisitId" FOREIGN KEY ("VisitId") REFERENCES "Visits" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "FindingEvidence" (
    "FindingId" TEXT NOT NULL,
    "EvidenceItemId" TEXT NOT NULL,
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
