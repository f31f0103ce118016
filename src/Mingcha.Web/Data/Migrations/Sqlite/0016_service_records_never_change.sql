-- 0016: service records (SAT-8) are insert-only, as decision 008 says: 0004 refused their deletion but not an edit.
-- A pushed or imported case is the business system's record of what happened; a push of the same case number again
-- changes nothing (idempotent), so the application never updates a row. The database now refuses it too.
CREATE TRIGGER "TR_ServiceRecords_NoUpdate" BEFORE UPDATE ON "ServiceRecords" BEGIN SELECT RAISE(ABORT, 'SAT-8: service records are never changed'); END;
