-- 0021: the rectification score counts each problem (S4 "每起", EV-6): a computation's problem rows are per finding
-- of a notice, no longer per notice and section, and name their source: a notice's finding, or a substantiated
-- complaint (decision 020). Rows of earlier computations keep the empty id as their finding and the source Notice,
-- so that they reproduce exactly as they were computed.
ALTER TABLE "ScoreProblems" ADD COLUMN "FindingId" uuid NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000';
ALTER TABLE "ScoreProblems" ALTER COLUMN "FindingId" DROP DEFAULT;
ALTER TABLE "ScoreProblems" ADD COLUMN "Source" character varying(16) NOT NULL DEFAULT 'Notice';
ALTER TABLE "ScoreProblems" ALTER COLUMN "Source" DROP DEFAULT;
ALTER TABLE "ScoreProblems" DROP CONSTRAINT "PK_ScoreProblems";
ALTER TABLE "ScoreProblems" ADD CONSTRAINT "PK_ScoreProblems" PRIMARY KEY ("ComputationId", "NoticeId", "SectionId", "FindingId");
