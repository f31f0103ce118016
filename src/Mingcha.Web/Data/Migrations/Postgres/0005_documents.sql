-- 0005: official documents (decision 009): the register of issued documents, the units each is addressed to, and
-- the number counters. Tables generated from the EF model; the triggers make the database refuse to delete a
-- register line, to change its number or files, and to lower or delete a counter (RCT-2: no gaps, no reuse).
CREATE TABLE "DocumentNumberSequences" (
    "Issuer" character varying(64) NOT NULL,
    "Prefix" character varying(20) NOT NULL,
    "Year" integer NOT NULL,
    "LastSerial" integer NOT NULL,
    CONSTRAINT "PK_DocumentNumberSequences" PRIMARY KEY ("Issuer", "Prefix", "Year")
);

CREATE TABLE "OfficialDocuments" (
    "Id" uuid NOT NULL,
    "Issuer" character varying(64) NOT NULL,
    "Prefix" character varying(20) NOT NULL,
    "Year" integer NOT NULL,
    "Serial" integer NOT NULL,
    "Number" character varying(64) NOT NULL,
    "Kind" character varying(32) NOT NULL,
    "Title" character varying(200) NOT NULL,
    "DocumentDate" date NOT NULL,
    "ReferenceType" character varying(64),
    "ReferenceId" uuid,
    "CaseId" uuid NOT NULL,
    "DocxSha256" character varying(64) NOT NULL,
    "DocxSize" bigint NOT NULL,
    "DocxItemId" uuid NOT NULL,
    "PdfSha256" character varying(64) NOT NULL,
    "PdfSize" bigint NOT NULL,
    "PdfItemId" uuid NOT NULL,
    "IssuedBy" character varying(450) NOT NULL,
    "IssuedByName" character varying(256) NOT NULL,
    "IssuedAt" timestamp with time zone NOT NULL,
    "WithdrawnAt" timestamp with time zone,
    "WithdrawnBy" character varying(450),
    "WithdrawalReason" character varying(500),
    CONSTRAINT "PK_OfficialDocuments" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_OfficialDocuments_EvidenceCases_CaseId" FOREIGN KEY ("CaseId") REFERENCES "EvidenceCases" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "OfficialDocumentAddressees" (
    "DocumentId" uuid NOT NULL,
    "UnitId" uuid NOT NULL,
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

CREATE FUNCTION mingcha_documents_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'RCT-2: % on % is refused: issued documents and their numbers are never removed or reused', TG_OP, TG_TABLE_NAME;
END
$$;

CREATE FUNCTION mingcha_document_counter_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW."LastSerial" <> OLD."LastSerial" + 1 OR NEW."Issuer" <> OLD."Issuer" OR NEW."Prefix" <> OLD."Prefix" OR NEW."Year" <> OLD."Year" THEN
        RAISE EXCEPTION 'RCT-2: a document number counter only moves forward by one';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER "OfficialDocuments_no_delete" BEFORE DELETE ON "OfficialDocuments"
    FOR EACH ROW EXECUTE FUNCTION mingcha_documents_refuse();
CREATE TRIGGER "OfficialDocuments_no_truncate" BEFORE TRUNCATE ON "OfficialDocuments"
    FOR EACH STATEMENT EXECUTE FUNCTION mingcha_documents_refuse();
CREATE TRIGGER "OfficialDocuments_fixed" BEFORE UPDATE OF "Id", "Issuer", "Prefix", "Year", "Serial", "Number", "DocxSha256", "PdfSha256", "CaseId", "IssuedAt" ON "OfficialDocuments"
    FOR EACH ROW EXECUTE FUNCTION mingcha_documents_refuse();
CREATE TRIGGER "OfficialDocumentAddressees_fixed" BEFORE UPDATE OR DELETE ON "OfficialDocumentAddressees"
    FOR EACH ROW EXECUTE FUNCTION mingcha_documents_refuse();
CREATE TRIGGER "DocumentNumberSequences_no_delete" BEFORE DELETE ON "DocumentNumberSequences"
    FOR EACH ROW EXECUTE FUNCTION mingcha_documents_refuse();
CREATE TRIGGER "DocumentNumberSequences_no_truncate" BEFORE TRUNCATE ON "DocumentNumberSequences"
    FOR EACH STATEMENT EXECUTE FUNCTION mingcha_documents_refuse();
CREATE TRIGGER "DocumentNumberSequences_forward" BEFORE UPDATE ON "DocumentNumberSequences"
    FOR EACH ROW EXECUTE FUNCTION mingcha_document_counter_forward();
