-- 0050 (decision 039): three more checks made in code only, which two requests at the same moment both passed.
-- ORG-1: one unit per unified social credit code (统一社会信用代码), as the check and the import hold it. Two units created at
-- once with one code were both stored. Before this script MigrationSteps.ResolveDoubleCreditCodesAndLeadersAsync leaves
-- each code with its oldest unit and clears it on the others (audited), so no double stored earlier makes the index fail.
CREATE UNIQUE INDEX "UX_Units_CreditCode" ON "Units" ("CreditCode") WHERE "CreditCode" IS NOT NULL;
-- INS-8: an account has at most one designation as its unit's leader in force (a withdrawal is kept on its row). Two
-- designations of one account at once were both stored; the same step withdraws the later of such doubles (audited).
CREATE UNIQUE INDEX "UX_UnitLeaders_UserId" ON "UnitLeaders" ("UserId") WHERE "WithdrawnAt" IS NULL;
-- ORG-4, INS-13: optimistic concurrency on an agency's yearly assessment, as on visits and rounds (0048): a version raised
-- by every save and checked by it, so that two decisions made from the same reading (continue and exit at once), or a
-- recomputation racing a decision, cannot both be stored: the second gets 409 and stores nothing. Existing rows start at 0.
ALTER TABLE "AgencyAssessments" ADD COLUMN "Version" integer NOT NULL DEFAULT 0;
