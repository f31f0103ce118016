-- 0039: optimistic concurrency on rectification notices and on their objections and answers (RCT-2, RCT-3, SEC-3;
-- decision 029): a version raised by every save, checked by the save, so that two Office decisions made from the same
-- reading (an objection upheld and rejected at once, an answer accepted and sent back at once) cannot both be stored.
-- Existing rows start at 0.
ALTER TABLE "RectificationNotices" ADD COLUMN "Version" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "NoticeObjections" ADD COLUMN "Version" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "NoticeResponses" ADD COLUMN "Version" INTEGER NOT NULL DEFAULT 0;
