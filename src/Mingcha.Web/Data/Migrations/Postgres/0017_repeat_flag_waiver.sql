-- 0017: the Office may close a repeat flag (CMP-9) without a report, giving its reason (RepeatFlag.Waive, decision 011).
ALTER TABLE "RepeatFlags" ADD "WaivedReason" text;
