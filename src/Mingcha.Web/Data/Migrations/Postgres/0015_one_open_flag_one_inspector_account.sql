-- 0015: two rules the code checked before writing, now held by the database, so two requests at the same instant
-- cannot both pass the check (the loser gets 409 and changes nothing):
-- ORG-4: an account is at most one active agency inspector;
-- CMP-9: a unit has at most one open repeat flag.
-- Before this script, SchemaMigrator resolves doubles that such a race left behind, through the audited model:
-- a later inspector's account link is removed, a later open flag is merged into the older one (0014).
CREATE UNIQUE INDEX "UX_AgencyInspectors_UserId_Active" ON "AgencyInspectors" ("UserId") WHERE "Active" = TRUE;

CREATE UNIQUE INDEX "UX_RepeatFlags_UnitId_Open" ON "RepeatFlags" ("UnitId") WHERE "FiledAt" IS NULL;
