-- 0044: RCT-3, RCT-4 (decision 029): a rejected objection ends the notice's objection window whatever the date. The
-- window's last day alone could not say so when the objection was decided on the day of receipt: the Office could not
-- record a refusal that day, and the unit could object again. Notices whose objection was rejected already are marked.
ALTER TABLE "RectificationNotices" ADD COLUMN "ObjectionDecided" INTEGER NOT NULL DEFAULT 0;
UPDATE "RectificationNotices" SET "ObjectionDecided" = 1
WHERE EXISTS (SELECT 1 FROM "NoticeObjections" o WHERE o."NoticeId" = "RectificationNotices"."Id" AND o."Upheld" = 0);
