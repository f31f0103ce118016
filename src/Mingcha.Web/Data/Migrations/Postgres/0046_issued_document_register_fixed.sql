-- 0046: the register line of an issued official document is fixed as a whole (SEC-3, RCT-2, decision 025). 0005 froze
-- its number, files, case and time of issue; its title, kind, date, what it refers to (the notice a withdrawal protects,
-- RCT-3), its stored files' items and who issued it could still be rewritten by hand, and the register is not in the
-- audit chain, so nothing would have shown it. Only the withdrawal is ever written later (0036 keeps it as first written).
DROP TRIGGER "OfficialDocuments_fixed" ON "OfficialDocuments";
CREATE TRIGGER "OfficialDocuments_fixed" BEFORE UPDATE OF "Id", "Issuer", "Prefix", "Year", "Serial", "Number", "Kind", "Title",
    "DocumentDate", "ReferenceType", "ReferenceId", "CaseId", "DocxSha256", "DocxSize", "DocxItemId", "PdfSha256", "PdfSize",
    "PdfItemId", "IssuedBy", "IssuedByName", "IssuedAt" ON "OfficialDocuments"
    FOR EACH ROW EXECUTE FUNCTION mingcha_documents_refuse();
