-- 0021: the rectification score counts each problem (S4 "每起", EV-6): a computation's problem rows are per finding
-- of a notice, no longer per notice and section, and name their source: a notice's finding, or a substantiated
-- complaint (decision 020). Rows of earlier computations keep the empty id as their finding and the source Notice,
-- so that they reproduce exactly as they were computed. SQLite cannot change a primary key: the table is rebuilt.
CREATE TABLE "ScoreProblems_0021" (
    "ComputationId" TEXT NOT NULL,
    "NoticeId" TEXT NOT NULL,
    "SectionId" TEXT NOT NULL,
    "FindingId" TEXT NOT NULL,
    "Source" TEXT NOT NULL,
    "Result" TEXT NOT NULL,
    CONSTRAINT "PK_ScoreProblems" PRIMARY KEY ("ComputationId", "NoticeId", "SectionId", "FindingId"),
    CONSTRAINT "FK_ScoreProblems_ScoreComputations_ComputationId" FOREIGN KEY ("ComputationId") REFERENCES "ScoreComputations" ("Id") ON DELETE RESTRICT
);
INSERT INTO "ScoreProblems_0021" ("ComputationId", "NoticeId", "SectionId", "FindingId", "Source", "Result")
SELECT "ComputationId", "NoticeId", "SectionId", '00000000-0000-0000-0000-000000000000', 'Notice', "Result" FROM "ScoreProblems";
DROP TABLE "ScoreProblems";
ALTER TABLE "ScoreProblems_0021" RENAME TO "ScoreProblems";
CREATE INDEX "IX_ScoreProblems_ComputationId_SectionId" ON "ScoreProblems" ("ComputationId", "SectionId");
