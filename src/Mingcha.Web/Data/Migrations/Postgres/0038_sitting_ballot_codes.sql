-- 0038: one-time ballot codes of a concentrated sitting (EV-2, decision 028). A sitting may require one code per anonymous
-- ballot; new sittings do unless the Office says otherwise. Sittings created before this script keep taking ballots
-- without codes (the column's default for existing rows is false).
ALTER TABLE "EvaluationSittings" ADD COLUMN "RequireCodes" boolean NOT NULL DEFAULT false;

-- One row per code issued: only its hash (bound to the sitting), unique in the sitting; "UsedAt" set once, by a
-- conditional update in the ballot's own transaction.
CREATE TABLE "SittingCodes" (
    "Id" uuid NOT NULL,
    "SittingId" uuid NOT NULL,
    "CodeHash" character varying(64) NOT NULL,
    "Group" character varying(100),
    "IssuedBy" character varying(450) NOT NULL,
    "IssuedAt" timestamp with time zone NOT NULL,
    "UsedAt" timestamp with time zone,
    CONSTRAINT "PK_SittingCodes" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_SittingCodes_EvaluationSittings_SittingId" FOREIGN KEY ("SittingId") REFERENCES "EvaluationSittings" ("Id") ON DELETE RESTRICT
);
CREATE UNIQUE INDEX "IX_SittingCodes_SittingId_CodeHash" ON "SittingCodes" ("SittingId", "CodeHash");

-- A code is never deleted, and of an issued code only its use is ever recorded, once (decision 025's habit).
-- mingcha_refuse_with_reason() is 0033's: it raises the message given as the trigger's argument.
CREATE TRIGGER "SittingCodes_no_delete" BEFORE DELETE ON "SittingCodes"
    FOR EACH ROW EXECUTE FUNCTION mingcha_refuse_with_reason('EV-2: a sitting''s ballot codes are never deleted (SEC-3)');
CREATE TRIGGER "SittingCodes_no_truncate" BEFORE TRUNCATE ON "SittingCodes"
    FOR EACH STATEMENT EXECUTE FUNCTION mingcha_refuse_with_reason('EV-2: a sitting''s ballot codes are never deleted (SEC-3)');
CREATE TRIGGER "SittingCodes_used_once" BEFORE UPDATE ON "SittingCodes" FOR EACH ROW
    WHEN (OLD."UsedAt" IS NOT NULL OR OLD."Id" IS DISTINCT FROM NEW."Id" OR OLD."SittingId" IS DISTINCT FROM NEW."SittingId"
          OR OLD."CodeHash" IS DISTINCT FROM NEW."CodeHash" OR OLD."Group" IS DISTINCT FROM NEW."Group"
          OR OLD."IssuedBy" IS DISTINCT FROM NEW."IssuedBy" OR OLD."IssuedAt" IS DISTINCT FROM NEW."IssuedAt")
    EXECUTE FUNCTION mingcha_refuse_with_reason('EV-2: a ballot code is used once and otherwise never changes (SEC-3)');
