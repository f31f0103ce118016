-- 0030: why the Office chose a target by hand rather than by the draw (INS-5: covert targets are drawn at random; a
-- hand-chosen one, e.g. a complaint clue (CMP-10), carries its reason).
ALTER TABLE "RoundTargets" ADD COLUMN "Reason" TEXT NULL;
