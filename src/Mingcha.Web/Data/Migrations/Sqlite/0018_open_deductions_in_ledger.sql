-- 0018: the open-inspection deductions (INS-3, INS-4) are posted to the deduction ledger that scoring reads (EV-11,
-- decision 018); a ledger line points at the deduction behind it, and each deduction is posted once. A reversal line
-- carries no pointer (it points at the line it reverses), so the index holds.
ALTER TABLE "DeductionLedger" ADD COLUMN "OpenDeductionId" TEXT NULL;
CREATE UNIQUE INDEX "UX_DeductionLedger_OpenDeductionId" ON "DeductionLedger" ("OpenDeductionId");
