-- 0043: a sitting's ballot codes get a slip serial, can be revoked one by one while unused, and are counted per sitting in
-- one row that the issue claims (EV-2, decision 028 amended).
-- "CodesIssued": how many codes the sitting has issued (revoked ones included). An issue raises it by a conditional update
-- ("CodesIssued" + n <= 5000) in its own transaction, so two issues at once cannot pass the cap together; the codes'
-- serials are the numbers that update hands out. Existing sittings start at their count of codes.
ALTER TABLE "EvaluationSittings" ADD COLUMN "CodesIssued" INTEGER NOT NULL DEFAULT 0;
UPDATE "EvaluationSittings" SET "CodesIssued" = (SELECT COUNT(*) FROM "SittingCodes" c WHERE c."SittingId" = "EvaluationSittings"."Id");

-- The slip's serial (printed on it, unique in the sitting): the only way to name a code once it is printed, since only its
-- hash is stored. Codes issued before this script are numbered in the order they were issued (their slips show no serial).
ALTER TABLE "SittingCodes" ADD COLUMN "Serial" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "SittingCodes" ADD COLUMN "RevokedAt" TEXT NULL;
ALTER TABLE "SittingCodes" ADD COLUMN "RevokedBy" TEXT NULL;
DROP TRIGGER "SittingCodes_used_once";
UPDATE "SittingCodes" SET "Serial" = (SELECT COUNT(*) FROM "SittingCodes" o WHERE o."SittingId" = "SittingCodes"."SittingId"
    AND (o."IssuedAt" < "SittingCodes"."IssuedAt" OR (o."IssuedAt" = "SittingCodes"."IssuedAt" AND o."Id" <= "SittingCodes"."Id")));
CREATE UNIQUE INDEX "IX_SittingCodes_SittingId_Serial" ON "SittingCodes" ("SittingId", "Serial");

-- Of an issued code only one thing is ever recorded, once: its use, or its revocation (with who revoked it); never both,
-- and nothing else of it changes.
CREATE TRIGGER "SittingCodes_used_once" BEFORE UPDATE ON "SittingCodes"
WHEN OLD."UsedAt" IS NOT NULL OR OLD."RevokedAt" IS NOT NULL OR (NEW."UsedAt" IS NOT NULL AND NEW."RevokedAt" IS NOT NULL)
  OR (NEW."RevokedAt" IS NULL) <> (NEW."RevokedBy" IS NULL)
  OR OLD."Id" IS NOT NEW."Id" OR OLD."SittingId" IS NOT NEW."SittingId" OR OLD."CodeHash" IS NOT NEW."CodeHash" OR OLD."Serial" IS NOT NEW."Serial"
  OR OLD."Group" IS NOT NEW."Group" OR OLD."IssuedBy" IS NOT NEW."IssuedBy" OR OLD."IssuedAt" IS NOT NEW."IssuedAt"
BEGIN SELECT RAISE(ABORT, 'EV-2: a ballot code is used or revoked once and otherwise never changes (SEC-3)'); END;
