-- 0002: organisation imports (kept files, hashes, counts, status), decision 004. Copied from `schema-script`.
CREATE TABLE "OrgImports" (
    "Id" uuid NOT NULL,
    "CreatedAt" timestamp with time zone NOT NULL,
    "CreatedById" character varying(100),
    "CreatedByName" character varying(256),
    "Status" character varying(32) NOT NULL,
    "FilesJson" text NOT NULL,
    "CountsJson" text,
    "ErrorCount" integer NOT NULL,
    "FinishedAt" timestamp with time zone,
    "FinishedByName" character varying(256),
    CONSTRAINT "PK_OrgImports" PRIMARY KEY ("Id")
);

CREATE INDEX "IX_OrgImports_CreatedAt" ON "OrgImports" ("CreatedAt");
