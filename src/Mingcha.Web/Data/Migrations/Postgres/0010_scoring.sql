-- 0010: evaluation campaigns and scoring (EV-1..EV-12): campaigns and their sections, evaluations (append-only), sittings
-- and their ballots, computations with their stored results and the rectification problems they counted. Generated from
-- the EF model (schema-script).
CREATE TABLE "EvaluationCampaigns" (
    "Id" uuid NOT NULL,
    "Year" integer NOT NULL,
    "Name" character varying(200) NOT NULL,
    "PeriodFrom" date NOT NULL,
    "PeriodTo" date NOT NULL,
    "Status" character varying(32) NOT NULL,
    "ScaleExcellent" numeric(9,4) NOT NULL,
    "ScaleGood" numeric(9,4) NOT NULL,
    "ScaleFair" numeric(9,4) NOT NULL,
    "ScalePoor" numeric(9,4) NOT NULL,
    "ScaleBad" numeric(9,4) NOT NULL,
    "WeightInstant" numeric(9,4) NOT NULL,
    "WeightMonthly" numeric(9,4) NOT NULL,
    "WeightInspection" numeric(9,4) NOT NULL,
    "WeightConcentrated" numeric(9,4) NOT NULL,
    "Policy" character varying(32) NOT NULL,
    "RectificationStart" numeric(9,4) NOT NULL,
    "DeductLate" numeric(9,4) NOT NULL,
    "DeductAfterSupervision" numeric(9,4) NOT NULL,
    "DeductRefused" numeric(9,4) NOT NULL,
    "SatisfiedTop" integer NOT NULL,
    "BottomCount" integer NOT NULL,
    "Threshold" numeric(9,4) NOT NULL,
    "ResponseWorkingDays" integer NOT NULL,
    "ComputationId" uuid,
    "CreatedBy" character varying(450) NOT NULL,
    "CreatedAt" timestamp with time zone NOT NULL,
    "OpenedAt" timestamp with time zone,
    "ClosedAt" timestamp with time zone,
    "PublishedAt" timestamp with time zone,
    "CircularOutcomeId" uuid,
    CONSTRAINT "PK_EvaluationCampaigns" PRIMARY KEY ("Id")
);

CREATE TABLE "CampaignSections" (
    "CampaignId" uuid NOT NULL,
    "SectionId" uuid NOT NULL,
    "UnitId" uuid NOT NULL,
    "CategoryId" uuid NOT NULL,
    CONSTRAINT "PK_CampaignSections" PRIMARY KEY ("CampaignId", "SectionId"),
    CONSTRAINT "FK_CampaignSections_EvaluationCampaigns_CampaignId" FOREIGN KEY ("CampaignId") REFERENCES "EvaluationCampaigns" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_CampaignSections_Sections_SectionId" FOREIGN KEY ("SectionId") REFERENCES "Sections" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "EvaluationSittings" (
    "Id" uuid NOT NULL,
    "CampaignId" uuid NOT NULL,
    "Title" character varying(200) NOT NULL,
    "HeldOn" date NOT NULL,
    "Token" character varying(64) NOT NULL,
    "ClosedAt" timestamp with time zone,
    "Ballots" integer NOT NULL,
    "CreatedBy" character varying(450) NOT NULL,
    "CreatedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_EvaluationSittings" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_EvaluationSittings_EvaluationCampaigns_CampaignId" FOREIGN KEY ("CampaignId") REFERENCES "EvaluationCampaigns" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "Evaluations" (
    "Id" uuid NOT NULL,
    "CampaignId" uuid NOT NULL,
    "SectionId" uuid NOT NULL,
    "Method" integer NOT NULL,
    "Grade" integer NOT NULL,
    "Source" character varying(16) NOT NULL,
    "On" date NOT NULL,
    "SittingId" uuid,
    "VisitId" uuid,
    "BatchId" uuid,
    "Note" character varying(500),
    "By" character varying(450) NOT NULL,
    "At" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_Evaluations" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_Evaluations_EvaluationCampaigns_CampaignId" FOREIGN KEY ("CampaignId") REFERENCES "EvaluationCampaigns" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "SittingBallots" (
    "SittingId" uuid NOT NULL,
    "BallotKey" character varying(64) NOT NULL,
    "Grades" integer NOT NULL,
    "At" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_SittingBallots" PRIMARY KEY ("SittingId", "BallotKey"),
    CONSTRAINT "FK_SittingBallots_EvaluationSittings_SittingId" FOREIGN KEY ("SittingId") REFERENCES "EvaluationSittings" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "ScoreComputations" (
    "Id" uuid NOT NULL,
    "CampaignId" uuid NOT NULL,
    "Number" integer NOT NULL,
    "Final" boolean NOT NULL,
    "Evaluations" bigint NOT NULL,
    "Sections" integer NOT NULL,
    "By" character varying(450) NOT NULL,
    "At" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_ScoreComputations" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_ScoreComputations_EvaluationCampaigns_CampaignId" FOREIGN KEY ("CampaignId") REFERENCES "EvaluationCampaigns" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "ScoreResults" (
    "ComputationId" uuid NOT NULL,
    "SectionId" uuid NOT NULL,
    "UnitId" uuid NOT NULL,
    "CategoryId" uuid NOT NULL,
    "Counts" character varying(400) NOT NULL,
    "Composite" character varying(64) NOT NULL,
    "Rescaled" boolean NOT NULL,
    "Rectification" numeric(9,4) NOT NULL,
    "Deducted" numeric(9,4) NOT NULL,
    "Problems" integer NOT NULL,
    "Total" character varying(64) NOT NULL,
    "Rank" integer NOT NULL,
    "Consequence" character varying(32) NOT NULL,
    "DueOn" date,
    CONSTRAINT "PK_ScoreResults" PRIMARY KEY ("ComputationId", "SectionId"),
    CONSTRAINT "FK_ScoreResults_ScoreComputations_ComputationId" FOREIGN KEY ("ComputationId") REFERENCES "ScoreComputations" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "ScoreProblems" (
    "ComputationId" uuid NOT NULL,
    "NoticeId" uuid NOT NULL,
    "SectionId" uuid NOT NULL,
    "Result" character varying(32) NOT NULL,
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
