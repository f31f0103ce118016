-- 0038: one-time ballot codes of a concentrated sitting (EV-2, decision 028). A sitting may require one code per anonymous
-- ballot; new sittings do unless the Office says otherwise. Sittings created before this script keep taking ballots
-- without codes (the column's default for existing rows is 0).
ALTER TABLE "EvaluationSittings" ADD COLUMN "RequireCodes" INTEGER NOT NULL DEFAULT 0;

-- One row per code issued: only its hash (bound to the sitting), unique in the sitting; "UsedAt" set once, by a
-- conditional update in the ballot's own transaction.
CREATE TABLE "SittingCodes" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_SittingCodes" PRIMARY KEY,
    "SittingId" TEXT NOT NULL,
    "CodeHash" TEXT NOT NULL,
    "Group" TEXT NULL,
    "IssuedBy" TEXT NOT NULL,
    "IssuedAt" TEXT NOT NULL,
    "UsedAt" TEXT NULL,
    CONSTRAINT "FK_SittingCodes_EvaluationSittings_SittingId" FOREIGN KEY ("SittingId") REFERENCES "EvaluationSittings" ("Id") ON DELETE RESTRICT
);
CREATE UNIQUE INDEX "IX_SittingCodes_SittingId_CodeHash" ON "SittingCodes" ("SittingId", "CodeHash");

-- A code is never deleted, and of an issued code only its use is ever recorded, once (decision 025's habit).
CREATE TRIGGER "SittingCodes_no_delete" BEFORE DELETE ON "SittingCodes"
BEGIN SELECT RAISE(ABORT, 'EV-2: a sitting''s ballot codes are never deleted (SEC-3)'); END;
CREATE TRIGGER "SittingCodes_used_once" BEFORE UPDATE ON "SittingCodes"
WHEN OLD."UsedAt" IS NOT NULL OR OLD."Id" IS NOT NEW."Id" OR OLD."SittingId" IS NOT NEW."SittingId" OR OLD."CodeHash" IS NOT NEW."CodeHash"
  OR OLD."Group" IS NOT NEW."Group" OR OLD."IssuedBy" IS NOT NEW."IssuedBy" OR OLD."IssuedAt" IS NOT NEW."IssuedAt"
BEGIN SELECT RAISE(ABORT, 'EV-2: a ballot code is used once and otherwise never changes (SEC-3)'); END;
