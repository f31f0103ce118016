-- 0036: a recorded withdrawal of an official document never changes (SEC-3, RCT-2). The application records it once,
-- conditionally ("WithdrawnAt" IS NULL, OfficialDocuments.WithdrawAsync), so a second, concurrent withdrawal is refused
-- rather than overwriting the first one's time, person and reason; the database now refuses it too, whoever writes.
-- Recording a withdrawal (from NULL) is allowed; only an actual change fires (IS DISTINCT FROM compares old and new
-- values). mingcha_refuse_with_reason() is 0033's: it raises the message given as the trigger's argument.
CREATE TRIGGER "OfficialDocuments_withdrawal_stays" BEFORE UPDATE ON "OfficialDocuments" FOR EACH ROW
    WHEN (OLD."WithdrawnAt" IS NOT NULL AND (OLD."WithdrawnAt" IS DISTINCT FROM NEW."WithdrawnAt" OR OLD."WithdrawnBy" IS DISTINCT FROM NEW."WithdrawnBy"
          OR OLD."WithdrawalReason" IS DISTINCT FROM NEW."WithdrawalReason"))
    EXECUTE FUNCTION mingcha_refuse_with_reason('RCT-2: a recorded withdrawal of a document never changes (SEC-3)');
