-- 0002: organisation imports (kept files, hashes, counts, status), decision 004. Copied from `schema-script`.
CREATE TABLE "OrgImports" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_OrgImports" PRIMARY KEY,
    "CreatedAt" TEXT NOT NULL,
    "CreatedById" TEXT NULL,
    "CreatedByName" TEXT NULL,
    "Status" TEXT NOT NULL,
    "FilesJson" TEXT NOT NULL,
    "CountsJson" TEXT NULL,
    "ErrorCount" INTEGER NOT NULL,
    "FinishedAt" TEXT NULL,
    "FinishedByName" TEXT NULL
);

CREATE INDEX "IX_OrgImports_CreatedAt" ON "OrgImports" ("CreatedAt");
