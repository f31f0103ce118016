-- 0043: a sitting's ballot codes get a slip serial, can be revoked one by one while unused, and are counted per sitting in
-- one row that the issue claims (EV-2, decision 028 amended).
-- "CodesIssued": how many codes the sitting has issued (revoked ones included). An issue raises it by a conditional update
-- ("CodesIssued" + n <= 5000) in its own transaction, which holds the sitting's row lock until it commits, so two issues
-- at once cannot pass the cap together; the codes' serials are the numbers that update hands out. Existing sittings start
-- at their count of codes.
ALTER TABLE "EvaluationSittings" ADD COLUMN "CodesIssued" integer NOT NULL DEFAULT 0;
UPDATE "EvaluationSittings" s SET "CodesIssued" = (SELECT COUNT(*) FROM "SittingCodes" c WHERE c."SittingId" = s."Id");

-- The slip's serial (printed on it, unique in the sitting): the only way to name a code once it is printed, since only its
-- hash is stored. Codes issued before this script are numbered in the order they were issued (their slips show no serial).
ALTER TABLE "SittingCodes" ADD COLUMN "Serial" integer NOT NULL DEFAULT 0;
ALTER TABLE "SittingCodes" ADD COLUMN "RevokedAt" timestamp with time zone;
ALTER TABLE "SittingCodes" ADD COLUMN "RevokedBy" character varying(450);
DROP TRIGGER "SittingCodes_used_once" ON "SittingCodes";
UPDATE "SittingCodes" c SET "Serial" = n.serial
FROM (SELECT "Id", row_number() OVER (PARTITION BY "SittingId" ORDER BY "IssuedAt", "Id") AS serial FROM "SittingCodes") n
WHERE n."Id" = c."Id";
CREATE UNIQUE INDEX "IX_SittingCodes_SittingId_Serial" ON "SittingCodes" ("SittingId", "Serial");

-- Of an issued code only one thing is ever recorded, once: its use, or its revocation (with who revoked it); never both,
-- and nothing else of it changes. mingcha_refuse_with_reason() is 0033's.
CREATE TRIGGER "SittingCodes_used_once" BEFORE UPDATE ON "SittingCodes" FOR EACH ROW
    WHEN (OLD."UsedAt" IS NOT NULL OR OLD."RevokedAt" IS NOT NULL OR (NEW."UsedAt" IS NOT NULL AND NEW."RevokedAt" IS NOT NULL)
          OR (NEW."RevokedAt" IS NULL) <> (NEW."RevokedBy" IS NULL)
          OR OLD."Id" IS DISTINCT FROM NEW."Id" OR OLD."SittingId" IS DISTINCT FROM NEW."SittingId"
          OR OLD."CodeHash" IS DISTINCT FROM NEW."CodeHash" OR OLD."Serial" IS DISTINCT FROM NEW."Serial" OR OLD."Group" IS DISTINCT FROM NEW."Group"
          OR OLD."IssuedBy" IS DISTINCT FROM NEW."IssuedBy" OR OLD."IssuedAt" IS DISTINCT FROM NEW."IssuedAt")
    EXECUTE FUNCTION mingcha_refuse_with_reason('EV-2: a ballot code is used or revoked once and otherwise never changes (SEC-3)');
