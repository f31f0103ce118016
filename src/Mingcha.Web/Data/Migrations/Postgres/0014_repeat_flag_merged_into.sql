-- 0014: a repeat flag (CMP-9) can be closed by merging it into the unit's older open flag (RepeatFlag.MergeInto).
ALTER TABLE "RepeatFlags" ADD "MergedIntoId" uuid;
