-- 0008: rectification and outcomes (RCT-1..RCT-6, EV-11): notices, objections, answers, escalations, the deduction
-- ledger (append-only), outcomes and the e-mail/SMS outbox. Tables generated from the EF model (schema-script).
CREATE TABLE "OutboundMessages" (
    "Id" uuid NOT NULL,
    "Channel" character varying(16) NOT NULL,
    "Recipient" character varying(256) NOT NULL,
    "Subject" character varying(300) NOT NULL,
    "Body" character varying(8000) NOT NULL,
    "DedupKey" character varying(300) NOT NULL,
    "CreatedAt" timestamp with time zone NOT NULL,
    "SentAt" timestamp with time zone,
    "Attempts" integer NOT NULL,
    "LastError" character varying(1000),
    CONSTRAINT "PK_OutboundMessages" PRIMARY KEY ("Id")
);

CREATE TABLE "RectificationOutcomes" (
    "Id" uuid NOT NULL,
    "Kind" character varying(32) NOT NULL,
    "Measure" character varying(32) NOT NULL,
    "Year" integer NOT NULL,
    "UnitId" uuid,
    "StaffId" uuid,
    "PersonName" character varying(100),
    "Title" character varying(200) NOT NULL,
    "Text" character varying(20000) NOT NULL,
    "HeldOn" date,
    "DocumentId" uuid,
    "DocumentNumber" character varying(64),
    "EvidenceCaseIds" character varying(4000),
    "PublishedAt" timestamp with time zone,
    "By" character varying(450) NOT NULL,
    "At" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_RectificationOutcomes" PRIMARY KEY ("Id")
);

CREATE TABLE "DeductionLedger" (
    "Id" uuid NOT NULL,
    "Year" integer NOT NULL,
    "UnitId" uuid NOT NULL,
    "SectionId" uuid,
    "Points" numeric(9,2) NOT NULL,
    "Source" character varying(32) NOT NULL,
    "Basis" character varying(32) NOT NULL,
    "Description" character varying(2000) NOT NULL,
    "FindingId" uuid,
    "NoticeId" uuid,
    "OutcomeId" uuid,
    "ReversesId" uuid,
    "By" character varying(450) NOT NULL,
    "At" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_DeductionLedger" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_DeductionLedger_Units_UnitId" FOREIGN KEY ("UnitId") REFERENCES "Units" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "RectificationNotices" (
    "Id" uuid NOT NULL,
    "UnitId" uuid NOT NULL,
    "Year" integer NOT NULL,
    "Title" character varying(200) NOT NULL,
    "RequiredAction" character varying(4000) NOT NULL,
    "WorkingDays" integer NOT NULL,
    "ReceivedOn" date NOT NULL,
    "LastDay" date NOT NULL,
    "ObjectionLastDay" date NOT NULL,
    "Status" character varying(32) NOT NULL,
    "Stage" character varying(32) NOT NULL,
    "LadderExhausted" boolean NOT NULL,
    "Returns" integer NOT NULL,
    "DocumentId" uuid,
    "DocumentNumber" character varying(64),
    "EvidenceCaseId" uuid,
    "IssuedBy" character varying(450) NOT NULL,
    "IssuedAt" timestamp with time zone NOT NULL,
    "ClosedAt" timestamp with time zone,
    "ClosedBy" character varying(450),
    "CloseNote" character varying(2000),
    CONSTRAINT "PK_RectificationNotices" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_RectificationNotices_Units_UnitId" FOREIGN KEY ("UnitId") REFERENCES "Units" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "NoticeEscalations" (
    "Id" uuid NOT NULL,
    "NoticeId" uuid NOT NULL,
    "Kind" character varying(32) NOT NULL,
    "Stage" character varying(32) NOT NULL,
    "LastDay" date,
    "Day" date NOT NULL,
    "Reason" character varying(2000) NOT NULL,
    "By" character varying(450) NOT NULL,
    "At" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_NoticeEscalations" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_NoticeEscalations_RectificationNotices_NoticeId" FOREIGN KEY ("NoticeId") REFERENCES "RectificationNotices" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "NoticeObjections" (
    "Id" uuid NOT NULL,
    "NoticeId" uuid NOT NULL,
    "Grounds" character varying(4000) NOT NULL,
    "EvidenceItemIds" character varying(4000) NOT NULL,
    "FiledBy" character varying(450) NOT NULL,
    "FiledAt" timestamp with time zone NOT NULL,
    "Upheld" boolean,
    "DecisionReason" character varying(2000),
    "DecidedBy" character varying(450),
    "DecidedAt" timestamp with time zone,
    CONSTRAINT "PK_NoticeObjections" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_NoticeObjections_RectificationNotices_NoticeId" FOREIGN KEY ("NoticeId") REFERENCES "RectificationNotices" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "NoticeResponses" (
    "Id" uuid NOT NULL,
    "NoticeId" uuid NOT NULL,
    "Actions" character varying(4000) NOT NULL,
    "Measures" character varying(4000) NOT NULL,
    "EvidenceItemIds" character varying(4000) NOT NULL,
    "FiledBy" character varying(450) NOT NULL,
    "FiledAt" timestamp with time zone NOT NULL,
    "Accepted" boolean,
    "VerificationNote" character varying(2000),
    "VerifiedBy" character varying(450),
    "VerifiedAt" timestamp with time zone,
    CONSTRAINT "PK_NoticeResponses" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_NoticeResponses_RectificationNotices_NoticeId" FOREIGN KEY ("NoticeId") REFERENCES "RectificationNotices" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "NoticeFindings" (
    "NoticeId" uuid NOT NULL,
    "FindingId" uuid NOT NULL,
    CONSTRAINT "PK_NoticeFindings" PRIMARY KEY ("NoticeId", "FindingId"),
    CONSTRAINT "FK_NoticeFindings_Findings_FindingId" FOREIGN KEY ("FindingId") REFERENCES "Findings" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_NoticeFindings_RectificationNotices_NoticeId" FOREIGN KEY ("NoticeId") REFERENCES "RectificationNotices" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "OutcomeFindings" (
    "OutcomeId" uuid NOT NULL,
    "FindingId" uuid NOT NULL,
    CONSTRAINT "PK_OutcomeFindings" PRIMARY KEY ("OutcomeId", "FindingId"),
    CONSTRAINT "FK_OutcomeFindings_Findings_FindingId" FOREIGN KEY ("FindingId") REFERENCES "Findings" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_OutcomeFindings_RectificationOutcomes_OutcomeId" FOREIGN KEY ("OutcomeId") REFERENCES "RectificationOutcomes" ("Id") ON DELETE RESTRICT
);

CREATE INDEX "IX_DeductionLedger_At" ON "DeductionLedger" ("At");

CREATE INDEX "IX_DeductionLedger_FindingId" ON "DeductionLedger" ("FindingId");

CREATE INDEX "IX_DeductionLedger_NoticeId" ON "DeductionLedger" ("NoticeId");

CREATE UNIQUE INDEX "IX_DeductionLedger_ReversesId" ON "DeductionLedger" ("ReversesId");

CREATE INDEX "IX_DeductionLedger_UnitId_Year" ON "DeductionLedger" ("UnitId", "Year");

CREATE UNIQUE INDEX "IX_NoticeEscalations_NoticeId_Kind_Stage" ON "NoticeEscalations" ("NoticeId", "Kind", "Stage");

CREATE INDEX "IX_NoticeFindings_FindingId" ON "NoticeFindings" ("FindingId");

CREATE INDEX "IX_NoticeObjections_NoticeId" ON "NoticeObjections" ("NoticeId");

CREATE INDEX "IX_NoticeResponses_NoticeId" ON "NoticeResponses" ("NoticeId");

CREATE UNIQUE INDEX "IX_OutboundMessages_DedupKey" ON "OutboundMessages" ("DedupKey");

CREATE INDEX "IX_OutboundMessages_SentAt_CreatedAt" ON "OutboundMessages" ("SentAt", "CreatedAt");

CREATE INDEX "IX_OutcomeFindings_FindingId" ON "OutcomeFindings" ("FindingId");

CREATE INDEX "IX_RectificationNotices_Status_LastDay" ON "RectificationNotices" ("Status", "LastDay");

CREATE INDEX "IX_RectificationNotices_UnitId_Year" ON "RectificationNotices" ("UnitId", "Year");

CREATE INDEX "IX_RectificationOutcomes_PublishedAt" ON "RectificationOutcomes" ("PublishedAt");

CREATE INDEX "IX_RectificationOutcomes_Year_UnitId" ON "RectificationOutcomes" ("Year", "UnitId");

-- EV-11: the ledger is append-only; a withdrawal writes a reversing line.
CREATE FUNCTION mingcha_ledger_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'EV-11: % on % is refused: ledger lines are never changed or deleted; reverse them', TG_OP, TG_TABLE_NAME;
END
$$;

CREATE TRIGGER "DeductionLedger_append_only" BEFORE UPDATE OR DELETE ON "DeductionLedger"
    FOR EACH ROW EXECUTE FUNCTION mingcha_ledger_refuse();
CREATE TRIGGER "DeductionLedger_no_truncate" BEFORE TRUNCATE ON "DeductionLedger"
    FOR EACH STATEMENT EXECUTE FUNCTION mingcha_ledger_refuse();
