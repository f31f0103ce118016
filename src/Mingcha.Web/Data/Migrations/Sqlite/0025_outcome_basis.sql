-- 0025: an outcome (RCT-5) rests on the problems found through other channels behind it (OutcomeProblems), and an EV-8
-- accountability on the campaign's final result for the section (ResultCampaignId, ResultSectionId: Scoring's ids, no
-- foreign key, so the modules depend one way); decision 021.
ALTER TABLE "RectificationOutcomes" ADD COLUMN "ResultCampaignId" TEXT NULL;
ALTER TABLE "RectificationOutcomes" ADD COLUMN "ResultSectionId" TEXT NULL;
CREATE TABLE "OutcomeProblems" (
    "OutcomeId" TEXT NOT NULL,
    "ProblemId" TEXT NOT NULL,
    CONSTRAINT "PK_OutcomeProblems" PRIMARY KEY ("OutcomeId", "ProblemId"),
    CONSTRAINT "FK_OutcomeProblems_ChannelProblems_ProblemId" FOREIGN KEY ("ProblemId") REFERENCES "ChannelProblems" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_OutcomeProblems_RectificationOutcomes_OutcomeId" FOREIGN KEY ("OutcomeId") REFERENCES "RectificationOutcomes" ("Id") ON DELETE RESTRICT
);
CREATE INDEX "IX_OutcomeProblems_ProblemId" ON "OutcomeProblems" ("ProblemId");
CREATE INDEX "IX_RectificationOutcomes_ResultCampaignId_ResultSectionId" ON "RectificationOutcomes" ("ResultCampaignId", "ResultSectionId");
