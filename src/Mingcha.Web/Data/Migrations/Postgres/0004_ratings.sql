-- 0004 ratings (SAT-1..SAT-9): service records, ratings (insert-only), flags, exclusions, follow-up cases. Decision 008.

CREATE TABLE "FollowUpCases" (
    "Id" uuid NOT NULL,
    "RatingId" uuid NOT NULL,
    "UnitId" uuid NOT NULL,
    "SectionId" uuid NOT NULL,
    "RealName" boolean NOT NULL,
    "OpenedAt" timestamp with time zone NOT NULL,
    "State" character varying(16) NOT NULL,
    "NextStep" character varying(16),
    "CallBackDue" date,
    "VerifyDue" date,
    "FixDue" date,
    "InformDue" date,
    "CalendarMissing" boolean NOT NULL,
    "CalledBackAt" timestamp with time zone,
    "Reached" boolean,
    "CallBackNote" character varying(2000),
    "VerifiedAt" timestamp with time zone,
    "VerifyNote" character varying(2000),
    "FixedAt" timestamp with time zone,
    "FixNote" character varying(2000),
    "InformedAt" timestamp with time zone,
    "InformNote" character varying(2000),
    "AppealReason" character varying(2000),
    "AppealedAt" timestamp with time zone,
    "AppealUpheld" boolean,
    "AppealDecisionNote" character varying(2000),
    "AppealDecidedAt" timestamp with time zone,
    "AppealDecidedBy" character varying(200),
    "ClosedAt" timestamp with time zone,
    CONSTRAINT "PK_FollowUpCases" PRIMARY KEY ("Id")
);

CREATE TABLE "RatingExclusions" (
    "RatingId" uuid NOT NULL,
    "Reason" character varying(1000) NOT NULL,
    "DecidedBy" character varying(200) NOT NULL,
    "DecidedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_RatingExclusions" PRIMARY KEY ("RatingId")
);

CREATE TABLE "RatingFlags" (
    "Id" uuid NOT NULL,
    "RatingId" uuid NOT NULL,
    "Rule" character varying(32) NOT NULL,
    "Reason" character varying(300) NOT NULL,
    "CreatedAt" timestamp with time zone NOT NULL,
    "ReviewedAt" timestamp with time zone,
    "ReviewedBy" character varying(200),
    "Confirmed" boolean,
    CONSTRAINT "PK_RatingFlags" PRIMARY KEY ("Id")
);

CREATE TABLE "Ratings" (
    "Id" uuid NOT NULL,
    "CaseNumber" character varying(64),
    "UnitId" uuid NOT NULL,
    "SectionId" uuid NOT NULL,
    "StaffId" uuid,
    "ServiceItemId" uuid,
    "Channel" character varying(16) NOT NULL,
    "Scale" character varying(16) NOT NULL,
    "Level" integer NOT NULL,
    "CommonLevel" integer NOT NULL,
    "IsBad" boolean NOT NULL,
    "RealName" boolean NOT NULL,
    "RaterPhone" character varying(32),
    "Comment" character varying(500),
    "RatedAt" timestamp with time zone NOT NULL,
    "ReceivedAt" timestamp with time zone NOT NULL,
    "DeviceId" uuid,
    CONSTRAINT "PK_Ratings" PRIMARY KEY ("Id")
);

CREATE TABLE "ServiceRecords" (
    "Id" uuid NOT NULL,
    "CaseNumber" character varying(64) NOT NULL,
    "UnitId" uuid NOT NULL,
    "SectionId" uuid NOT NULL,
    "StaffId" uuid,
    "ServiceItemId" uuid,
    "CitizenPhone" character varying(32),
    "AcceptedAt" timestamp with time zone,
    "FinishedAt" timestamp with time zone NOT NULL,
    "SourceTokenId" uuid,
    "CreatedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_ServiceRecords" PRIMARY KEY ("Id")
);

CREATE UNIQUE INDEX "IX_FollowUpCases_RatingId" ON "FollowUpCases" ("RatingId");

CREATE INDEX "IX_FollowUpCases_UnitId_State" ON "FollowUpCases" ("UnitId", "State");

CREATE UNIQUE INDEX "IX_RatingFlags_RatingId_Rule" ON "RatingFlags" ("RatingId", "Rule");

CREATE UNIQUE INDEX "IX_Ratings_CaseNumber_Channel" ON "Ratings" ("CaseNumber", "Channel");

CREATE INDEX "IX_Ratings_ReceivedAt" ON "Ratings" ("ReceivedAt");

CREATE INDEX "IX_Ratings_SectionId_RatedAt" ON "Ratings" ("SectionId", "RatedAt");

CREATE INDEX "IX_Ratings_UnitId_RatedAt" ON "Ratings" ("UnitId", "RatedAt");

CREATE UNIQUE INDEX "IX_ServiceRecords_CaseNumber" ON "ServiceRecords" ("CaseNumber");

CREATE INDEX "IX_ServiceRecords_UnitId_FinishedAt" ON "ServiceRecords" ("UnitId", "FinishedAt");

-- SAT-3 phone surveys
CREATE TABLE "SurveyCalls" (
    "Id" uuid NOT NULL,
    "DrawId" uuid NOT NULL,
    "Order" integer NOT NULL,
    "CaseNumber" character varying(64) NOT NULL,
    "UnitId" uuid NOT NULL,
    "SectionId" uuid NOT NULL,
    "CalledAt" timestamp with time zone,
    "Reached" boolean,
    "RatingId" uuid,
    CONSTRAINT "PK_SurveyCalls" PRIMARY KEY ("Id")
);

CREATE TABLE "SurveyDraws" (
    "Id" uuid NOT NULL,
    "Year" integer NOT NULL,
    "Quarter" integer NOT NULL,
    "Requested" integer NOT NULL,
    "Seed" character varying(200) NOT NULL,
    "Algorithm" character varying(50) NOT NULL,
    "InputHash" character varying(64) NOT NULL,
    "InputCount" integer NOT NULL,
    "InputList" text NOT NULL,
    "DrawnBy" character varying(200) NOT NULL,
    "DrawnAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_SurveyDraws" PRIMARY KEY ("Id")
);

CREATE UNIQUE INDEX "IX_SurveyCalls_DrawId_Order" ON "SurveyCalls" ("DrawId", "Order");

CREATE UNIQUE INDEX "IX_SurveyDraws_Year_Quarter" ON "SurveyDraws" ("Year", "Quarter");

-- SAT-5 incentives
CREATE TABLE "IncentiveAwards" (
    "Id" uuid NOT NULL,
    "Year" integer NOT NULL,
    "Kind" character varying(32) NOT NULL,
    "SubjectId" uuid NOT NULL,
    "Reason" character varying(2000) NOT NULL,
    "AwardedBy" character varying(200) NOT NULL,
    "AwardedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_IncentiveAwards" PRIMARY KEY ("Id")
);

CREATE TABLE "StaffBadges" (
    "Id" uuid NOT NULL,
    "StaffId" uuid NOT NULL,
    "Year" integer NOT NULL,
    "AwardedAt" timestamp with time zone NOT NULL,
    "RevokedAt" timestamp with time zone,
    "RevokedReason" character varying(2000),
    "FindingId" uuid,
    "FindingLink" character varying(500),
    CONSTRAINT "PK_StaffBadges" PRIMARY KEY ("Id")
);

CREATE INDEX "IX_IncentiveAwards_Year_Kind" ON "IncentiveAwards" ("Year", "Kind");

CREATE UNIQUE INDEX "IX_StaffBadges_StaffId_Year" ON "StaffBadges" ("StaffId", "Year");

-- ORG-7 secondments
CREATE TABLE "SecondmentLogs" (
    "Id" uuid NOT NULL,
    "SecondmentId" uuid NOT NULL,
    "Day" date NOT NULL,
    "OnSite" boolean NOT NULL,
    "Text" character varying(4000) NOT NULL,
    CONSTRAINT "PK_SecondmentLogs" PRIMARY KEY ("Id")
);

CREATE TABLE "Secondments" (
    "Id" uuid NOT NULL,
    "StaffId" uuid NOT NULL,
    "OutletSectionId" uuid NOT NULL,
    "Title" character varying(100) NOT NULL,
    "Start" date NOT NULL,
    "End" date NOT NULL,
    "State" character varying(16) NOT NULL,
    "Extensions" integer NOT NULL,
    CONSTRAINT "PK_Secondments" PRIMARY KEY ("Id")
);

CREATE TABLE "SecondmentTargets" (
    "Id" uuid NOT NULL,
    "SecondmentId" uuid NOT NULL,
    "Name" character varying(300) NOT NULL,
    "MetOn" date,
    CONSTRAINT "PK_SecondmentTargets" PRIMARY KEY ("Id")
);

CREATE UNIQUE INDEX "IX_SecondmentLogs_SecondmentId_Day" ON "SecondmentLogs" ("SecondmentId", "Day");

CREATE INDEX "IX_Secondments_StaffId" ON "Secondments" ("StaffId");

CREATE INDEX "IX_SecondmentTargets_SecondmentId" ON "SecondmentTargets" ("SecondmentId");

-- A rating is evidence of the public's voice: never changed, never deleted (decision 008).
CREATE FUNCTION mingcha_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'SAT-8: % rows are never changed or deleted', TG_TABLE_NAME;
END $$;
CREATE TRIGGER "TR_Ratings_NoChange" BEFORE UPDATE OR DELETE ON "Ratings" FOR EACH ROW EXECUTE FUNCTION mingcha_refuse_change();
CREATE TRIGGER "TR_ServiceRecords_NoDelete" BEFORE DELETE ON "ServiceRecords" FOR EACH ROW EXECUTE FUNCTION mingcha_refuse_change();
