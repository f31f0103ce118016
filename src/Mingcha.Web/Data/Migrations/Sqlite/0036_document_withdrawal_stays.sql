-- 0036: a recorded withdrawal of an official document never changes (SEC-3, RCT-2). The application records it once,
-- conditionally ("WithdrawnAt" IS NULL, OfficialDocuments.WithdrawAsync), so a second, concurrent withdrawal is refused
-- rather than overwriting the first one's time, person and reason; the database now refuses it too, whoever writes.
-- Recording a withdrawal (from NULL) is allowed; only an actual change fires (IS NOT compares old and new values).
CREATE TRIGGER "OfficialDocuments_withdrawal_stays" BEFORE UPDATE ON "OfficialDocuments"
WHEN OLD."WithdrawnAt" IS NOT NULL AND (OLD."WithdrawnAt" IS NOT NEW."WithdrawnAt" OR OLD."WithdrawnBy" IS NOT NEW."WithdrawnBy"
  OR OLD."WithdrawalReason" IS NOT NEW."WithdrawalReason")
BEGIN SELECT RAISE(ABORT, 'RCT-2: a recorded withdrawal of a document never changes (SEC-3)'); END;
