-- 0024: problems the Office found through S4's other channels (development-environment monitoring, special supervision,
-- online-approval and video e-supervision), listed on rectification notices and counted in EV-6 (decision 021).
-- Kept and audited (SEC-3); they cost nothing in the deduction ledger.
CREATE TABLE "ChannelProblems" (
    "Id" uuid NOT NULL,
    "Year" integer NOT NULL,
    "UnitId" uuid NOT NULL,
    "SectionId" uuid NOT NULL,
    "Channel" character varying(32) NOT NULL,
    "FoundOn" date NOT NULL,
    "Description" character varying(2000) NOT NULL,
    "RecordedBy" character varying(450) NOT NULL,
    "RecordedAt" timestamp with time zone NOT NULL,
    "NoticeId" uuid,
    "EvidenceCaseId" uuid,
    CONSTRAINT "PK_ChannelProblems" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_ChannelProblems_RectificationNotices_NoticeId" FOREIGN KEY ("NoticeId") REFERENCES "RectificationNotices" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_ChannelProblems_Sections_SectionId" FOREIGN KEY ("SectionId") REFERENCES "Sections" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_ChannelProblems_Units_UnitId" FOREIGN KEY ("UnitId") REFERENCES "Units" ("Id") ON DELETE RESTRICT
);
CREATE INDEX "IX_ChannelProblems_NoticeId" ON "ChannelProblems" ("NoticeId");
CREATE INDEX "IX_ChannelProblems_SectionId" ON "ChannelProblems" ("SectionId");
CREATE INDEX "IX_ChannelProblems_UnitId_Year" ON "ChannelProblems" ("UnitId", "Year");
