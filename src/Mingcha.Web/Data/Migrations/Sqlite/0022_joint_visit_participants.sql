-- 0022: a joint visit (INS-13) records who of the Office went along.
ALTER TABLE "Visits" ADD COLUMN "JointParticipants" TEXT NULL;
