-- 0028: a bad rating's call back that did not reach the rater (SAT-7): how many such calls, and when the last one was made.
ALTER TABLE "FollowUpCases" ADD COLUMN "FailedCalls" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "FollowUpCases" ADD COLUMN "LastFailedCallAt" TEXT NULL;
