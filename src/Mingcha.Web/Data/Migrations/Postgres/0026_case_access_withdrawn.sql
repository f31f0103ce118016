-- 0026: an inspector taken off a visit, or whose agency left its contract, loses the visit's evidence case (EVD-3):
-- the withdrawal is recorded on the access row, which is kept (SEC-3).
ALTER TABLE "EvidenceCaseInspectors" ADD COLUMN "WithdrawnAt" timestamp with time zone;
ALTER TABLE "EvidenceCaseInspectors" ADD COLUMN "WithdrawnBy" character varying(450);
