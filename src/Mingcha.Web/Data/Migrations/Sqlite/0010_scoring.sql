-- 0010: evaluation campaigns and scoring (EV-1..EV-12): campaigns and their sections, evaluations (append-only), sittings
-- and their ballots, computations with their stored results and the rectification problems they counted. Generated from
-- the EF model (schema-script).
CREATE TABLE "EvaluationCampaigns" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_EvaluationCampaigns" PRIMARY KEY,
    "Year" INTEGER NOT NULL,
    "Name" TEXT NOT NULL,
    "PeriodFrom" TEXT NOT NULL,
    "PeriodTo" TEXT NOT NULL,
    "Status" TEXT NOT NULL,
    "ScaleExcellent" TEXT NOT NULL,
    "ScaleGood" TEXT NOT NULL,
    "ScaleFair" TEXT NOT NULL,
    "ScalePoor" TEXT NOT NULL,
    "ScaleBad" TEXT NOT NULL,
    "WeightInstant" TEXT NOT NULL,
    "WeightMonthly" TEXT NOT NULL,
    "WeightInspection" TEXT NOT NULL,
    "WeightConcentrated" TEXT NOT NULL,
    "Policy" TEXT NOT NULL,
    "RectificationStart" TEXT NOT NULL,
    "DeductLate" TEXT NOT NULL,
    "DeductAfterSupervision" TEXT NOT NULL,
    "DeductRefused" TEXT NOT NULL,
    "SatisfiedTop" INTEGER NOT NULL,
    "BottomCount" INTEGER NOT NULL,
    "Threshold" TEXT NOT NULL,
    "ResponseWorkingDays" INTEGER NOT NULL,
    "ComputationId" TEXT NULL,
    "CreatedBy" TEXT NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    "OpenedAt" TEXT NULL,
    "ClosedAt" TEXT NULL,
    "PublishedAt" TEXT NULL,
    "CircularOutcomeId" TEXT NULL
);

CREATE TABLE "CampaignSections" (
    "CampaignId" TEXT NOT NULL,
    "SectionId" TEXT NOT NULL,
    "UnitId" TEXT NOT NULL,
    "CategoryId" TEXT NOT NULL,
    CONSTRAINT "PK_CampaignSections" PRIMARY KEY ("CampaignId", "SectionId"),
    CONSTRAINT "FK_CampaignSections_EvaluationCampaigns_CampaignId" FOREIGN KEY ("CampaignId") REFERENCES "EvaluationCampaigns" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_CampaignSections_Sections_SectionId" FOREIGN KEY ("SectionId") REFERENCES "Sections" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "EvaluationSittings" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_EvaluationSittings" PRIMARY KEY,
    "CampaignId" TEXT NOT NULL,
    "Title" TEXT NOT NULL,
    "HeldOn" TEXT NOT NULL,
    "Token" TEXT NOT NULL,
    "ClosedAt" TEXT NULL,
    "Ballots" INTEGER NOT NULL,
    "CreatedBy" TEXT NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    CONSTRAINT "FK_EvaluationSittings_EvaluationCampaigns_CampaignId" FOREIGN KEY ("CampaignId") REFERENCES "EvaluationCampaigns" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "Evaluations" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Evaluations" PRIMARY KEY,
    "CampaignId" TEXT NOT NULL,
    "SectionId" TEXT NOT NULL,
    "Method" INTEGER NOT NULL,
    "Grade" INTEGER NOT NULL,
    "Source" TEXT NOT NULL,
    "On" TEXT NOT NULL,
    "SittingId" TEXT NULL,
    "VisitId" TEXT NULL,
    "BatchId" TEXT NULL,
    "Note" TEXT NULL,
    "By" TEXT NOT NULL,
    "At" TEXT NOT NULL,
    CONSTRAINT "FK_Evaluations_EvaluationCampaigns_CampaignId" FOREIGN KEY ("CampaignId") REFERENCES "EvaluationCampaigns" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "SittingBallots" (
    "SittingId" TEXT NOT NULL,
    "BallotKey" TEXT NOT NULL,
    "Grades" INTEGER NOT NULL,
    "At" TEXT NOT NULL,
    CONSTRAINT "PK_SittingBallots" PRIMARY KEY ("SittingId", "BallotKey"),
    CONSTRAINT "FK_SittingBallots_EvaluationSittings_SittingId" FOREIGN KEY ("SittingId") REFERENCES "EvaluationSittings" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "ScoreComputations" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_ScoreComputations" PRIMARY KEY,
    "CampaignId" TEXT NOT NULL,
    "Number" INTEGER NOT NULL,
    "Final" INTEGER NOT NULL,
    "Evaluations" INTEGER NOT NULL,
    "Sections" INTEGER NOT NULL,
    "By" TEXT NOT NULL,
    "At" TEXT NOT NULL,
    CONSTRAINT "FK_ScoreComputations_EvaluationCampaigns_CampaignId" FOREIGN KEY ("CampaignId") REFERENCES "EvaluationCampaigns" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "ScoreResults" (
    "ComputationId" TEXT NOT NULL,
    "SectionId" TEXT NOT NULL,
    "UnitId" TEXT NOT NULL,
    "CategoryId" TEXT NOT NULL,
    "Counts" TEXT NOT NULL,
    "Composite" TEXT NOT NULL,
    "Rescaled" INTEGER NOT NULL,
    "Rectification" TEXT NOT NULL,
    "Deducted" TEXT NOT NULL,
    "Problems" INTEGER NOT NULL,
    "Total" TEXT NOT NULL,
    "Rank" INTEGER NOT NULL,
    "Consequence" TEXT NOT NULL,
    "DueOn" TEXT NULL,
    CONSTRAINT "PK_ScoreResults" PRIMARY KEY ("ComputationId", "SectionId"),
    CONSTRAINT "FK_ScoreResults_ScoreComputations_ComputationId" FOREIGN KEY ("ComputationId") REFERENCES "ScoreComputations" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "ScoreProblems" (
    "ComputationId" TEXT NOT NULL,
    "NoticeId" TEXT NOT NULL,
    "SectionId" TEXT NOT NULL,
    "Result" TEXT NOT NULL,
    CONSTRAINT "PK_ScoreProblems" PRIMARY KEY ("ComputationId", "NoticeId", "SectionId"),
    CONSTRAINT "FK_ScoreProblems_ScoreComputations_ComputationId" FOREIGN KEY ("ComputationId") REFERENCES "ScoreComputations" ("Id") ON DELETE RESTRICT
);

CREATE INDEX "IX_CampaignSections_SectionId" ON "CampaignSections" ("SectionId");

CREATE INDEX "IX_EvaluationCampaigns_Year" ON "EvaluationCampaigns" ("Year");

CREATE INDEX "IX_Evaluations_CampaignId_SectionId_Method_Grade" ON "Evaluations" ("CampaignId", "SectionId", "Method", "Grade");

CREATE UNIQUE INDEX "IX_Evaluations_CampaignId_VisitId" ON "Evaluations" ("CampaignId", "VisitId");

CREATE INDEX "IX_Evaluations_SittingId" ON "Evaluations" ("SittingId");

CREATE INDEX "IX_EvaluationSittings_CampaignId" ON "EvaluationSittings" ("CampaignId");

CREATE UNIQUE INDEX "IX_EvaluationSittings_Token" ON "EvaluationSittings" ("Token");

CREATE UNIQUE INDEX "IX_ScoreComputations_CampaignId_Number" ON "ScoreComputations" ("CampaignId", "Number");

CREATE INDEX "IX_ScoreProblems_ComputationId_SectionId" ON "ScoreProblems" ("ComputationId", "SectionId");

CREATE INDEX "IX_ScoreResults_ComputationId_CategoryId_Rank" ON "ScoreResults" ("ComputationId", "CategoryId", "Rank");

CREATE INDEX "IX_ScoreResults_ComputationId_UnitId" ON "ScoreResults" ("ComputationId", "UnitId");
