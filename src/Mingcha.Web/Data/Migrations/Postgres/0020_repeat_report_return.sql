-- 0020: the Office may send a repeat flag's report back for revision, saying why (RepeatFlag.ReturnReport, CMP-9).
ALTER TABLE "RepeatFlags" ADD "ReturnNote" text;
