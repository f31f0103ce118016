-- 0012: the bottom three's written explanations (EV-8): one per campaign and section, never deleted, and their steps
-- (filed, sent back, accepted), append-only. Generated from the EF model (schema-script), triggers added by hand.
CREATE TABLE "ResultExplanations" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_ResultExplanations" PRIMARY KEY,
    "CampaignId" TEXT NOT NULL,
    "SectionId" TEXT NOT NULL,
    "UnitId" TEXT NOT NULL,
    "LastDay" TEXT NOT NULL,
    "State" TEXT NOT NULL,
    "Late" INTEGER NOT NULL,
    "WorkingDaysLate" INTEGER NOT NULL,
    "Text" TEXT NOT NULL,
    "Filings" INTEGER NOT NULL,
    "FiledOn" TEXT NOT NULL,
    "FiledAt" TEXT NOT NULL,
    "FiledBy" TEXT NOT NULL,
    "Reason" TEXT NULL,
    "ReviewedAt" TEXT NULL,
    "ReviewedBy" TEXT NULL,
    CONSTRAINT "FK_ResultExplanations_EvaluationCampaigns_CampaignId" FOREIGN KEY ("CampaignId") REFERENCES "EvaluationCampaigns" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "ExplanationSteps" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_ExplanationSteps" PRIMARY KEY,
    "ExplanationId" TEXT NOT NULL,
    "Kind" TEXT NOT NULL,
    "Text" TEXT NOT NULL,
    "Late" INTEGER NOT NULL,
    "By" TEXT NOT NULL,
    "At" TEXT NOT NULL,
    CONSTRAINT "FK_ExplanationSteps_ResultExplanations_ExplanationId" FOREIGN KEY ("ExplanationId") REFERENCES "ResultExplanations" ("Id") ON DELETE RESTRICT
);

CREATE INDEX "IX_ExplanationSteps_ExplanationId" ON "ExplanationSteps" ("ExplanationId");

CREATE UNIQUE INDEX "IX_ResultExplanations_CampaignId_SectionId" ON "ResultExplanations" ("CampaignId", "SectionId");

CREATE INDEX "IX_ResultExplanations_UnitId" ON "ResultExplanations" ("UnitId");

CREATE TRIGGER "ResultExplanations_no_delete" BEFORE DELETE ON "ResultExplanations"
BEGIN SELECT RAISE(ABORT, 'EV-8: written explanations are never deleted'); END;

CREATE TRIGGER "ExplanationSteps_no_update" BEFORE UPDATE ON "ExplanationSteps"
BEGIN SELECT RAISE(ABORT, 'EV-8: an explanation''s history is never changed'); END;

CREATE TRIGGER "ExplanationSteps_no_delete" BEFORE DELETE ON "ExplanationSteps"
BEGIN SELECT RAISE(ABORT, 'EV-8: an explanation''s history is never deleted'); END;
