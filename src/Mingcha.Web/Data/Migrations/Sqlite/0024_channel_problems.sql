-- 0024: problems the Office found through S4's other channels (development-environment monitoring, special supervision,
-- online-approval and video e-supervision), listed on rectification notices and counted in EV-6 (decision 021).
-- Kept and audited (SEC-3); they cost nothing in the deduction ledger.
CREATE TABLE "ChannelProblems" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_ChannelProblems" PRIMARY KEY,
    "Year" INTEGER NOT NULL,
    "UnitId" TEXT NOT NULL,
    "SectionId" TEXT NOT NULL,
    "Channel" TEXT NOT NULL,
    "FoundOn" TEXT NOT NULL,
    "Description" TEXT NOT NULL,
    "RecordedBy" TEXT NOT NULL,
    "RecordedAt" TEXT NOT NULL,
    "NoticeId" TEXT NULL,
    "EvidenceCaseId" TEXT NULL,
    CONSTRAINT "FK_ChannelProblems_RectificationNotices_NoticeId" FOREIGN KEY ("NoticeId") REFERENCES "RectificationNotices" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_ChannelProblems_Sections_SectionId" FOREIGN KEY ("SectionId") REFERENCES "Sections" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_ChannelProblems_Units_UnitId" FOREIGN KEY ("UnitId") REFERENCES "Units" ("Id") ON DELETE RESTRICT
);
CREATE INDEX "IX_ChannelProblems_NoticeId" ON "ChannelProblems" ("NoticeId");
CREATE INDEX "IX_ChannelProblems_SectionId" ON "ChannelProblems" ("SectionId");
CREATE INDEX "IX_ChannelProblems_UnitId_Year" ON "ChannelProblems" ("UnitId", "Year");
