-- 0009: complaints (CMP-1..CMP-11, SAT-6, SEC-4): complaints with their deadlines and personal data, the append-only
-- history of each complaint, and repeat flags (CMP-9). Tables generated from the EF model (schema-script).
CREATE TABLE "Complaints" (
    "Id" uuid NOT NULL,
    "Number" character varying(32) NOT NULL,
    "QueryCodeHash" character varying(64) NOT NULL,
    "Channel" character varying(32) NOT NULL,
    "Kind" character varying(32) NOT NULL,
    "Type" character varying(32) NOT NULL,
    "Status" character varying(32) NOT NULL,
    "UnitId" uuid NOT NULL,
    "FirstUnitId" uuid NOT NULL,
    "SectionId" uuid,
    "StaffNamed" character varying(100),
    "Matter" character varying(200) NOT NULL,
    "MatterKey" character varying(64) NOT NULL,
    "Reasons" character varying(4000) NOT NULL,
    "EvidenceNote" character varying(1000),
    "EvidenceCaseId" uuid,
    "Anonymous" boolean NOT NULL,
    "HasInterest" boolean NOT NULL,
    "ComplainantName" character varying(100),
    "ComplainantPhone" character varying(32),
    "ComplainantIdNumber" character varying(32),
    "ComplainantKey" character varying(32) NOT NULL,
    "ExternalTicket" character varying(64),
    "ReceivedAt" timestamp with time zone NOT NULL,
    "ReceivedOn" date NOT NULL,
    "CreatedBy" character varying(450) NOT NULL,
    "CreatedAt" timestamp with time zone NOT NULL,
    "AssignedOn" date,
    "LastDay" date,
    "TransferLastDay" date,
    "Assignments" integer NOT NULL,
    "ExtensionRequested" boolean NOT NULL,
    "ExtensionDays" integer,
    "ExtensionReason" character varying(2000),
    "Extended" boolean NOT NULL,
    "Answer" character varying(8000),
    "AnsweredAt" timestamp with time zone,
    "AnsweredLate" boolean NOT NULL,
    "SentBack" integer NOT NULL,
    "Urges" integer NOT NULL,
    "NotAcceptedReason" character varying(64),
    "CloseNote" character varying(2000),
    "ClosedAt" timestamp with time zone,
    "Substantiated" boolean,
    "Accountability" character varying(2000),
    "ContactGranted" boolean NOT NULL,
    "RatingLevel" integer,
    "RatingId" uuid,
    "Dissatisfied" boolean NOT NULL,
    "RepeatFlagId" uuid,
    "ClueRoundId" uuid,
    "ClueSectionId" uuid,
    CONSTRAINT "PK_Complaints" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_Complaints_Units_UnitId" FOREIGN KEY ("UnitId") REFERENCES "Units" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "RepeatFlags" (
    "Id" uuid NOT NULL,
    "UnitId" uuid NOT NULL,
    "Reason" character varying(32) NOT NULL,
    "MatterKey" character varying(64) NOT NULL,
    "RaisedOn" date NOT NULL,
    "RaisedAt" timestamp with time zone NOT NULL,
    "ReportLastDay" date NOT NULL,
    "Report" character varying(8000),
    "SubmittedAt" timestamp with time zone,
    "FiledAt" timestamp with time zone,
    "FiledBy" character varying(450),
    CONSTRAINT "PK_RepeatFlags" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_RepeatFlags_Units_UnitId" FOREIGN KEY ("UnitId") REFERENCES "Units" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "ComplaintEvents" (
    "Id" uuid NOT NULL,
    "ComplaintId" uuid NOT NULL,
    "Kind" character varying(32) NOT NULL,
    "UnitId" uuid,
    "Text" character varying(8000) NOT NULL,
    "ToComplainant" boolean NOT NULL,
    "By" character varying(450) NOT NULL,
    "At" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_ComplaintEvents" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_ComplaintEvents_Complaints_ComplaintId" FOREIGN KEY ("ComplaintId") REFERENCES "Complaints" ("Id") ON DELETE RESTRICT
);

CREATE INDEX "IX_ComplaintEvents_ComplaintId_At" ON "ComplaintEvents" ("ComplaintId", "At");

CREATE INDEX "IX_Complaints_ComplainantKey_UnitId_MatterKey" ON "Complaints" ("ComplainantKey", "UnitId", "MatterKey");

CREATE UNIQUE INDEX "IX_Complaints_ExternalTicket" ON "Complaints" ("ExternalTicket");

CREATE UNIQUE INDEX "IX_Complaints_Number" ON "Complaints" ("Number");

CREATE UNIQUE INDEX "IX_Complaints_QueryCodeHash" ON "Complaints" ("QueryCodeHash");

CREATE INDEX "IX_Complaints_ReceivedAt_Id" ON "Complaints" ("ReceivedAt", "Id");

CREATE INDEX "IX_Complaints_Status_LastDay" ON "Complaints" ("Status", "LastDay");

CREATE INDEX "IX_Complaints_UnitId_MatterKey" ON "Complaints" ("UnitId", "MatterKey");

CREATE INDEX "IX_Complaints_Status_ReceivedAt_Id" ON "Complaints" ("Status", "ReceivedAt", "Id");

CREATE INDEX "IX_Complaints_UnitId_ReceivedAt_Id" ON "Complaints" ("UnitId", "ReceivedAt", "Id");

CREATE INDEX "IX_Complaints_UnitId_Status_ReceivedAt_Id" ON "Complaints" ("UnitId", "Status", "ReceivedAt", "Id");

CREATE INDEX "IX_RepeatFlags_UnitId_FiledAt" ON "RepeatFlags" ("UnitId", "FiledAt");

-- CMP-1: nothing is deleted; the history of a complaint is append-only.
CREATE FUNCTION mingcha_complaint_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'CMP-1: % on % is refused: complaints and their history are never deleted or rewritten', TG_OP, TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER "Complaints_no_delete" BEFORE DELETE ON "Complaints"
    FOR EACH ROW EXECUTE FUNCTION mingcha_complaint_refuse();
CREATE TRIGGER "ComplaintEvents_append_only" BEFORE UPDATE OR DELETE ON "ComplaintEvents"
    FOR EACH ROW EXECUTE FUNCTION mingcha_complaint_refuse();
