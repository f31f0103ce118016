-- 0004 ratings (SAT-1..SAT-9): service records, ratings (insert-only), flags, exclusions, follow-up cases. Decision 008.

CREATE TABLE "FollowUpCases" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_FollowUpCases" PRIMARY KEY,
    "RatingId" TEXT NOT NULL,
    "UnitId" TEXT NOT NULL,
    "SectionId" TEXT NOT NULL,
    "RealName" INTEGER NOT NULL,
    "OpenedAt" TEXT NOT NULL,
    "State" TEXT NOT NULL,
    "NextStep" TEXT NULL,
    "CallBackDue" TEXT NULL,
    "VerifyDue" TEXT NULL,
    "FixDue" TEXT NULL,
    "InformDue" TEXT NULL,
    "CalendarMissing" INTEGER NOT NULL,
    "CalledBackAt" TEXT NULL,
    "Reached" INTEGER NULL,
    "CallBackNote" TEXT NULL,
    "VerifiedAt" TEXT NULL,
    "VerifyNote" TEXT NULL,
    "FixedAt" TEXT NULL,
    "FixNote" TEXT NULL,
    "InformedAt" TEXT NULL,
    "InformNote" TEXT NULL,
    "AppealReason" TEXT NULL,
    "AppealedAt" TEXT NULL,
    "AppealUpheld" INTEGER NULL,
    "AppealDecisionNote" TEXT NULL,
    "AppealDecidedAt" TEXT NULL,
    "AppealDecidedBy" TEXT NULL,
    "ClosedAt" TEXT NULL
);

CREATE TABLE "RatingExclusions" (
    "RatingId" TEXT NOT NULL CONSTRAINT "PK_RatingExclusions" PRIMARY KEY,
    "Reason" TEXT NOT NULL,
    "DecidedBy" TEXT NOT NULL,
    "DecidedAt" TEXT NOT NULL
);

CREATE TABLE "RatingFlags" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_RatingFlags" PRIMARY KEY,
    "RatingId" TEXT NOT NULL,
    "Rule" TEXT NOT NULL,
    "Reason" TEXT NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    "ReviewedAt" TEXT NULL,
    "ReviewedBy" TEXT NULL,
    "Confirmed" INTEGER NULL
);

CREATE TABLE "Ratings" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Ratings" PRIMARY KEY,
    "CaseNumber" TEXT NULL,
    "UnitId" TEXT NOT NULL,
    "SectionId" TEXT NOT NULL,
    "StaffId" TEXT NULL,
    "ServiceItemId" TEXT NULL,
    "Channel" TEXT NOT NULL,
    "Scale" TEXT NOT NULL,
    "Level" INTEGER NOT NULL,
    "CommonLevel" INTEGER NOT NULL,
    "IsBad" INTEGER NOT NULL,
    "RealName" INTEGER NOT NULL,
    "RaterPhone" TEXT NULL,
    "Comment" TEXT NULL,
    "RatedAt" TEXT NOT NULL,
    "ReceivedAt" TEXT NOT NULL,
    "DeviceId" TEXT NULL
);

CREATE TABLE "ServiceRecords" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_ServiceRecords" PRIMARY KEY,
    "CaseNumber" TEXT NOT NULL,
    "UnitId" TEXT NOT NULL,
    "SectionId" TEXT NOT NULL,
    "StaffId" TEXT NULL,
    "ServiceItemId" TEXT NULL,
    "CitizenPhone" TEXT NULL,
    "AcceptedAt" TEXT NULL,
    "FinishedAt" TEXT NOT NULL,
    "SourceTokenId" TEXT NULL,
    "CreatedAt" TEXT NOT NULL
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
    "Id" TEXT NOT NULL CONSTRAINT "PK_SurveyCalls" PRIMARY KEY,
    "DrawId" TEXT NOT NULL,
    "Order" INTEGER NOT NULL,
    "CaseNumber" TEXT NOT NULL,
    "UnitId" TEXT NOT NULL,
    "SectionId" TEXT NOT NULL,
    "CalledAt" TEXT NULL,
    "Reached" INTEGER NULL,
    "RatingId" TEXT NULL
);

CREATE TABLE "SurveyDraws" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_SurveyDraws" PRIMARY KEY,
    "Year" INTEGER NOT NULL,
    "Quarter" INTEGER NOT NULL,
    "Requested" INTEGER NOT NULL,
    "Seed" TEXT NOT NULL,
    "Algorithm" TEXT NOT NULL,
    "InputHash" TEXT NOT NULL,
    "InputCount" INTEGER NOT NULL,
    "InputList" TEXT NOT NULL,
    "DrawnBy" TEXT NOT NULL,
    "DrawnAt" TEXT NOT NULL
);

CREATE UNIQUE INDEX "IX_SurveyCalls_DrawId_Order" ON "SurveyCalls" ("DrawId", "Order");

CREATE UNIQUE INDEX "IX_SurveyDraws_Year_Quarter" ON "SurveyDraws" ("Year", "Quarter");

-- SAT-5 incentives
CREATE TABLE "IncentiveAwards" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_IncentiveAwards" PRIMARY KEY,
    "Year" INTEGER NOT NULL,
    "Kind" TEXT NOT NULL,
    "SubjectId" TEXT NOT NULL,
    "Reason" TEXT NOT NULL,
    "AwardedBy" TEXT NOT NULL,
    "AwardedAt" TEXT NOT NULL
);

CREATE TABLE "StaffBadges" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_StaffBadges" PRIMARY KEY,
    "StaffId" TEXT NOT NULL,
    "Year" INTEGER NOT NULL,
    "AwardedAt" TEXT NOT NULL,
    "RevokedAt" TEXT NULL,
    "RevokedReason" TEXT NULL,
    "FindingId" TEXT NULL,
    "FindingLink" TEXT NULL
);

CREATE INDEX "IX_IncentiveAwards_Year_Kind" ON "IncentiveAwards" ("Year", "Kind");

CREATE UNIQUE INDEX "IX_StaffBadges_StaffId_Year" ON "StaffBadges" ("StaffId", "Year");

-- ORG-7 secondments
CREATE TABLE "SecondmentLogs" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_SecondmentLogs" PRIMARY KEY,
    "SecondmentId" TEXT NOT NULL,
    "Day" TEXT NOT NULL,
    "OnSite" INTEGER NOT NULL,
    "Text" TEXT NOT NULL
);

CREATE TABLE "Secondments" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Secondments" PRIMARY KEY,
    "StaffId" TEXT NOT NULL,
    "OutletSectionId" TEXT NOT NULL,
    "Title" TEXT NOT NULL,
    "Start" TEXT NOT NULL,
    "End" TEXT NOT NULL,
    "State" TEXT NOT NULL,
    "Extensions" INTEGER NOT NULL
);

CREATE TABLE "SecondmentTargets" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_SecondmentTargets" PRIMARY KEY,
    "SecondmentId" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    "MetOn" TEXT NULL
);

CREATE UNIQUE INDEX "IX_SecondmentLogs_SecondmentId_Day" ON "SecondmentLogs" ("SecondmentId", "Day");

CREATE INDEX "IX_Secondments_StaffId" ON "Secondments" ("StaffId");

CREATE INDEX "IX_SecondmentTargets_SecondmentId" ON "SecondmentTargets" ("SecondmentId");

-- A rating is evidence of the public's voice: never changed, never deleted (decision 008).
CREATE TRIGGER "TR_Ratings_NoUpdate" BEFORE UPDATE ON "Ratings" BEGIN SELECT RAISE(ABORT, 'SAT-8: ratings are never changed'); END;
CREATE TRIGGER "TR_Ratings_NoDelete" BEFORE DELETE ON "Ratings" BEGIN SELECT RAISE(ABORT, 'SAT-8: ratings are never deleted'); END;
CREATE TRIGGER "TR_ServiceRecords_NoDelete" BEFORE DELETE ON "ServiceRecords" BEGIN SELECT RAISE(ABORT, 'SAT-8: service records are never deleted'); END;
