-- 0057: 撤销 (ORG-1): a unit or section that is closed (abolished, merged, a window taken out of the hall) stays in the
-- registry and in every record that names it; its history keeps from when it was closed. The versions before this
-- migration were all open.
ALTER TABLE "UnitVersions" ADD COLUMN "Active" boolean NOT NULL DEFAULT TRUE;
ALTER TABLE "SectionVersions" ADD COLUMN "Active" boolean NOT NULL DEFAULT TRUE;
