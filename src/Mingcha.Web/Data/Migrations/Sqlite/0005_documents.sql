-- 0005: official documents (decision 009): the register of issued documents, the units each is addressed to, and
-- the number counters. Tables generated from the EF model; the triggers make the database refuse to delete a
-- register line, to change its number or files, and to lower or delete a counter (RCT-2: no gaps, no reuse).
CREATE TABLE "DocumentNumberSequences" (
    "Issuer" TEXT NOT NULL,
    "Prefix" TEXT NOT NULL,
    "Year" INTEGER NOT NULL,
    "LastSerial" INTEGER NOT NULL,
    CONSTRAINT "PK_DocumentNumberSequences" PRIMARY KEY ("Issuer", "Prefix", "Year")
);

CREATE TABLE "OfficialDocuments" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_OfficialDocuments" PRIMARY KEY,
    "Issuer" TEXT NOT NULL,
    "Prefix" TEXT NOT NULL,
    "Year" INTEGER NOT NULL,
    "Serial" INTEGER NOT NULL,
    "Number" TEXT NOT NULL,
    "Kind" TEXT NOT NULL,
    "Title" TEXT NOT NULL,
    "DocumentDate" TEXT NOT NULL,
    "ReferenceType" TEXT NULL,
    "ReferenceId" TEXT NULL,
    "CaseId" TEXT NOT NULL,
    "DocxSha256" TEXT NOT NULL,
    "DocxSize" INTEGER NOT NULL,
    "DocxItemId" TEXT NOT NULL,
    "PdfSha256" TEXT NOT NULL,
    "PdfSize" INTEGER NOT NULL,
    "PdfItemId" TEXT NOT NULL,
    "IssuedBy" TEXT NOT NULL,
    "IssuedByName" TEXT NOT NULL,
    "IssuedAt" TEXT NOT NULL,
    "WithdrawnAt" TEXT NULL,
    "WithdrawnBy" TEXT NULL,
    "WithdrawalReason" TEXT NULL,
    CONSTRAINT "FK_OfficialDocuments_EvidenceCases_CaseId" FOREIGN KEY ("CaseId") REFERENCES "EvidenceCases" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "OfficialDocumentAddressees" (
    "DocumentId" TEXT NOT NULL,
    "UnitId" TEXT NOT NULL,
    CONSTRAINT "PK_OfficialDocumentAddressees" PRIMARY KEY ("DocumentId", "UnitId"),
    CONSTRAINT "FK_OfficialDocumentAddressees_OfficialDocuments_DocumentId" FOREIGN KEY ("DocumentId") REFERENCES "OfficialDocuments" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_OfficialDocumentAddressees_Units_UnitId" FOREIGN KEY ("UnitId") REFERENCES "Units" ("Id") ON DELETE RESTRICT
);

CREATE INDEX "IX_OfficialDocumentAddressees_UnitId" ON "OfficialDocumentAddressees" ("UnitId");

CREATE INDEX "IX_OfficialDocuments_CaseId" ON "OfficialDocuments" ("CaseId");

CREATE INDEX "IX_OfficialDocuments_IssuedAt" ON "OfficialDocuments" ("IssuedAt");

CREATE UNIQUE INDEX "IX_OfficialDocuments_Issuer_Prefix_Year_Serial" ON "OfficialDocuments" ("Issuer", "Prefix", "Year", "Serial");

CREATE UNIQUE INDEX "IX_OfficialDocuments_Number" ON "OfficialDocuments" ("Number");

CREATE INDEX "IX_OfficialDocuments_ReferenceType_ReferenceId" ON "OfficialDocuments" ("ReferenceType", "ReferenceId");

CREATE TRIGGER "OfficialDocuments_no_delete" BEFORE DELETE ON "OfficialDocuments"
BEGIN SELECT RAISE(ABORT, 'RCT-2: issued documents are never deleted'); END;

CREATE TRIGGER "OfficialDocuments_fixed" BEFORE UPDATE OF "Id", "Issuer", "Prefix", "Year", "Serial", "Number", "DocxSha256", "PdfSha256", "CaseId", "IssuedAt" ON "OfficialDocuments"
BEGIN SELECT RAISE(ABORT, 'RCT-2: an issued document keeps its number and files'); END;

CREATE TRIGGER "OfficialDocumentAddressees_no_update" BEFORE UPDATE ON "OfficialDocumentAddressees"
BEGIN SELECT RAISE(ABORT, 'RCT-2: addressees of an issued document do not change'); END;

CREATE TRIGGER "OfficialDocumentAddressees_no_delete" BEFORE DELETE ON "OfficialDocumentAddressees"
BEGIN SELECT RAISE(ABORT, 'RCT-2: addressees of an issued document do not change'); END;

CREATE TRIGGER "DocumentNumberSequences_no_delete" BEFORE DELETE ON "DocumentNumberSequences"
BEGIN SELECT RAISE(ABORT, 'RCT-2: document number counters are never deleted'); END;

CREATE TRIGGER "DocumentNumberSequences_forward" BEFORE UPDATE ON "DocumentNumberSequences"
WHEN NEW."LastSerial" <> OLD."LastSerial" + 1 OR NEW."Issuer" <> OLD."Issuer" OR NEW."Prefix" <> OLD."Prefix" OR NEW."Year" <> OLD."Year"
BEGIN SELECT RAISE(ABORT, 'RCT-2: a document number counter only moves forward by one'); END;
