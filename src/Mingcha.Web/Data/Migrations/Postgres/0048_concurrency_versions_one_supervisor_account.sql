-- 0048: two requests at the same moment (a double click, two officers, two app instances) could both pass a check in
-- code and both be stored.
-- INS-19, INS-9, SEC-3: optimistic concurrency on visits and inspection rounds (decision 037), as on complaints (0035) and notices
-- (0039): a version raised by every save and checked by it, so that two changes made from the same reading (a report
-- accepted and returned at once, findings sent twice, a plan decided twice) cannot both be stored: the second gets 409 and
-- stores nothing. Existing rows start at 0.
ALTER TABLE "Visits" ADD COLUMN "Version" integer NOT NULL DEFAULT 0;
ALTER TABLE "InspectionRounds" ADD COLUMN "Version" integer NOT NULL DEFAULT 0;
-- EVD-3, EVD-1: the same on evidence cases and holds: a release or a lift made twice at once is stored once; the second
-- gets 409 instead of meeting 0033's triggers (a recorded release or lift never changes) as a database error.
ALTER TABLE "EvidenceCases" ADD COLUMN "Version" integer NOT NULL DEFAULT 0;
ALTER TABLE "EvidenceHolds" ADD COLUMN "Version" integer NOT NULL DEFAULT 0;
-- ORG-3: an account is at most one supervisor's, as ORG-4 holds it for agency inspectors (0015). Before this script
-- MigrationSteps.ResolveDoubleSupervisorAccountsAsync leaves an account linked to the first approved of its supervisors
-- and unlinks the others (audited), so no double linked earlier makes the index fail.
CREATE UNIQUE INDEX "UX_Supervisors_UserId" ON "Supervisors" ("UserId") WHERE "UserId" IS NOT NULL;
