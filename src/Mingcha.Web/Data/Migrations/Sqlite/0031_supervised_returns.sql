-- 0031: answers sent back as incomplete while the notice was under second or listed supervision (EV-6: 经二次督办或挂牌督办后，
-- 仍整改不到位的，每起扣5分); existing notices count none.
ALTER TABLE "RectificationNotices" ADD COLUMN "SupervisedReturns" INTEGER NOT NULL DEFAULT 0;
