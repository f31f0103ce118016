-- 0001: initial schema (organisation, identity, audit, calendar, jobs). Generated from the EF model, then frozen.
CREATE TABLE "Agencies" (
    "Id" uuid NOT NULL,
    "Name" character varying(200) NOT NULL,
    "CreditCode" character varying(18),
    "ContractStart" date NOT NULL,
    "ContractEnd" date NOT NULL,
    "ContactPerson" text,
    "ContactPhone" text,
    "IsDemo" boolean NOT NULL,
    CONSTRAINT "PK_Agencies" PRIMARY KEY ("Id")
);


CREATE TABLE "ApiTokens" (
    "Id" uuid NOT NULL,
    "Name" character varying(200) NOT NULL,
    "SecretHash" character varying(64) NOT NULL,
    "Scopes" character varying(500) NOT NULL,
    "UnitId" uuid,
    "CreatedBy" text NOT NULL,
    "CreatedAt" timestamp with time zone NOT NULL,
    "ExpiresAt" timestamp with time zone,
    "RevokedAt" timestamp with time zone,
    "RevokedBy" text,
    "LastUsedAt" timestamp with time zone,
    CONSTRAINT "PK_ApiTokens" PRIMARY KEY ("Id")
);


CREATE TABLE "AspNetRoles" (
    "Id" text NOT NULL,
    "Name" character varying(256),
    "NormalizedName" character varying(256),
    "ConcurrencyStamp" text,
    CONSTRAINT "PK_AspNetRoles" PRIMARY KEY ("Id")
);


CREATE TABLE "AspNetUsers" (
    "Id" text NOT NULL,
    "DisplayName" character varying(100) NOT NULL,
    "UnitId" uuid,
    "CreatedAt" timestamp with time zone NOT NULL,
    "IsDemo" boolean NOT NULL,
    "UserName" character varying(256),
    "NormalizedUserName" character varying(256),
    "Email" character varying(256),
    "NormalizedEmail" character varying(256),
    "EmailConfirmed" boolean NOT NULL,
    "PasswordHash" text,
    "SecurityStamp" text,
    "ConcurrencyStamp" text,
    "PhoneNumber" text,
    "PhoneNumberConfirmed" boolean NOT NULL,
    "TwoFactorEnabled" boolean NOT NULL,
    "LockoutEnd" timestamp with time zone,
    "LockoutEnabled" boolean NOT NULL,
    "AccessFailedCount" integer NOT NULL,
    CONSTRAINT "PK_AspNetUsers" PRIMARY KEY ("Id")
);


CREATE TABLE "AuditEntries" (
    "Seq" bigint NOT NULL,
    "At" timestamp with time zone NOT NULL,
    "UserId" text,
    "UserName" text,
    "Ip" text,
    "Action" character varying(100) NOT NULL,
    "EntityType" character varying(100),
    "EntityKey" character varying(200),
    "Before" text,
    "After" text,
    "PrevHash" character varying(64) NOT NULL,
    "Hash" character varying(64) NOT NULL,
    CONSTRAINT "PK_AuditEntries" PRIMARY KEY ("Seq")
);


CREATE TABLE "CalendarDays" (
    "Date" date NOT NULL,
    "Kind" character varying(32) NOT NULL,
    "Name" character varying(100) NOT NULL,
    CONSTRAINT "PK_CalendarDays" PRIMARY KEY ("Date")
);


CREATE TABLE "CalendarYears" (
    "Year" integer NOT NULL,
    "Source" character varying(300) NOT NULL,
    "LoadedAt" timestamp with time zone NOT NULL,
    "UpdatedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_CalendarYears" PRIMARY KEY ("Year")
);


CREATE TABLE "Categories" (
    "Id" uuid NOT NULL,
    "Code" character varying(64) NOT NULL,
    "Name" character varying(200) NOT NULL,
    "IsDemo" boolean NOT NULL,
    CONSTRAINT "PK_Categories" PRIMARY KEY ("Id")
);


CREATE TABLE "JobRuns" (
    "Id" uuid NOT NULL,
    "JobName" character varying(100) NOT NULL,
    "ScheduledFor" timestamp with time zone NOT NULL,
    "Instance" character varying(200) NOT NULL,
    "StartedAt" timestamp with time zone NOT NULL,
    "FinishedAt" timestamp with time zone,
    "Result" text,
    CONSTRAINT "PK_JobRuns" PRIMARY KEY ("Id")
);


CREATE TABLE "Notifications" (
    "Id" uuid NOT NULL,
    "UserId" text,
    "Role" text,
    "UnitId" uuid,
    "Kind" character varying(100) NOT NULL,
    "Title" character varying(300) NOT NULL,
    "Body" text,
    "Link" text,
    "DedupKey" character varying(300) NOT NULL,
    "CreatedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_Notifications" PRIMARY KEY ("Id")
);


CREATE TABLE "ScheduledJobs" (
    "Name" character varying(100) NOT NULL,
    "NextRunAt" timestamp with time zone NOT NULL,
    "LeaseOwner" character varying(200),
    "LeaseUntil" timestamp with time zone,
    "LastRunAt" timestamp with time zone,
    "LastResult" text,
    CONSTRAINT "PK_ScheduledJobs" PRIMARY KEY ("Name")
);


CREATE TABLE "ServiceItems" (
    "Id" uuid NOT NULL,
    "Code" character varying(64) NOT NULL,
    "Name" character varying(300) NOT NULL,
    "UnitId" uuid,
    "StatutoryDays" integer,
    "PromisedDays" integer,
    "IsDemo" boolean NOT NULL,
    CONSTRAINT "PK_ServiceItems" PRIMARY KEY ("Id")
);


CREATE TABLE "Supervisors" (
    "Id" uuid NOT NULL,
    "Code" character varying(64) NOT NULL,
    "Name" character varying(100) NOT NULL,
    "Phone" character varying(32),
    "RecommendedByUnitId" uuid,
    "Status" character varying(32) NOT NULL,
    "ApprovedAt" timestamp with time zone,
    "UserId" text,
    "IsDemo" boolean NOT NULL,
    CONSTRAINT "PK_Supervisors" PRIMARY KEY ("Id")
);


CREATE TABLE "Teams" (
    "Id" uuid NOT NULL,
    "Name" character varying(200) NOT NULL,
    "Task" text,
    "LeaderId" uuid,
    "CreatedAt" timestamp with time zone NOT NULL,
    "IsDemo" boolean NOT NULL,
    CONSTRAINT "PK_Teams" PRIMARY KEY ("Id")
);


CREATE TABLE "Units" (
    "Id" uuid NOT NULL,
    "Code" character varying(64) NOT NULL,
    "Name" character varying(200) NOT NULL,
    "ShortName" character varying(100),
    "CreditCode" character varying(18),
    "ParentUnitId" uuid,
    "Active" boolean NOT NULL,
    "IsDemo" boolean NOT NULL,
    "CreatedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_Units" PRIMARY KEY ("Id")
);


CREATE TABLE "AspNetRoleClaims" (
    "Id" integer GENERATED BY DEFAULT AS IDENTITY,
    "RoleId" text NOT NULL,
    "ClaimType" text,
    "ClaimValue" text,
    CONSTRAINT "PK_AspNetRoleClaims" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_AspNetRoleClaims_AspNetRoles_RoleId" FOREIGN KEY ("RoleId") REFERENCES "AspNetRoles" ("Id") ON DELETE CASCADE
);


CREATE TABLE "AspNetUserClaims" (
    "Id" integer GENERATED BY DEFAULT AS IDENTITY,
    "UserId" text NOT NULL,
    "ClaimType" text,
    "ClaimValue" text,
    CONSTRAINT "PK_AspNetUserClaims" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_AspNetUserClaims_AspNetUsers_UserId" FOREIGN KEY ("UserId") REFERENCES "AspNetUsers" ("Id") ON DELETE CASCADE
);


CREATE TABLE "AspNetUserLogins" (
    "LoginProvider" text NOT NULL,
    "ProviderKey" text NOT NULL,
    "ProviderDisplayName" text,
    "UserId" text NOT NULL,
    CONSTRAINT "PK_AspNetUserLogins" PRIMARY KEY ("LoginProvider", "ProviderKey"),
    CONSTRAINT "FK_AspNetUserLogins_AspNetUsers_UserId" FOREIGN KEY ("UserId") REFERENCES "AspNetUsers" ("Id") ON DELETE CASCADE
);


CREATE TABLE "AspNetUserRoles" (
    "UserId" text NOT NULL,
    "RoleId" text NOT NULL,
    CONSTRAINT "PK_AspNetUserRoles" PRIMARY KEY ("UserId", "RoleId"),
    CONSTRAINT "FK_AspNetUserRoles_AspNetRoles_RoleId" FOREIGN KEY ("RoleId") REFERENCES "AspNetRoles" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_AspNetUserRoles_AspNetUsers_UserId" FOREIGN KEY ("UserId") REFERENCES "AspNetUsers" ("Id") ON DELETE CASCADE
);


CREATE TABLE "AspNetUserTokens" (
    "UserId" text NOT NULL,
    "LoginProvider" text NOT NULL,
    "Name" text NOT NULL,
    "Value" text,
    CONSTRAINT "PK_AspNetUserTokens" PRIMARY KEY ("UserId", "LoginProvider", "Name"),
    CONSTRAINT "FK_AspNetUserTokens_AspNetUsers_UserId" FOREIGN KEY ("UserId") REFERENCES "AspNetUsers" ("Id") ON DELETE CASCADE
);


CREATE TABLE "TeamMembers" (
    "TeamId" uuid NOT NULL,
    "SupervisorId" uuid NOT NULL,
    CONSTRAINT "PK_TeamMembers" PRIMARY KEY ("TeamId", "SupervisorId"),
    CONSTRAINT "FK_TeamMembers_Supervisors_SupervisorId" FOREIGN KEY ("SupervisorId") REFERENCES "Supervisors" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_TeamMembers_Teams_TeamId" FOREIGN KEY ("TeamId") REFERENCES "Teams" ("Id") ON DELETE CASCADE
);


CREATE TABLE "Sections" (
    "Id" uuid NOT NULL,
    "UnitId" uuid NOT NULL,
    "ParentSectionId" uuid,
    "Code" character varying(64) NOT NULL,
    "Name" character varying(200) NOT NULL,
    "Kind" character varying(32) NOT NULL,
    "Address" character varying(300),
    "Active" boolean NOT NULL,
    "IsDemo" boolean NOT NULL,
    "CreatedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_Sections" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_Sections_Units_UnitId" FOREIGN KEY ("UnitId") REFERENCES "Units" ("Id") ON DELETE CASCADE
);


CREATE TABLE "Staff" (
    "Id" uuid NOT NULL,
    "UnitId" uuid NOT NULL,
    "SectionId" uuid,
    "Code" character varying(64) NOT NULL,
    "Name" character varying(100) NOT NULL,
    "Employment" character varying(32) NOT NULL,
    "Position" character varying(100),
    "Phone" character varying(32),
    "IdNumber" character varying(18),
    "Active" boolean NOT NULL,
    "IsDemo" boolean NOT NULL,
    CONSTRAINT "PK_Staff" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_Staff_Units_UnitId" FOREIGN KEY ("UnitId") REFERENCES "Units" ("Id") ON DELETE CASCADE
);


CREATE TABLE "UnitCategories" (
    "Id" uuid NOT NULL,
    "UnitId" uuid NOT NULL,
    "Year" integer NOT NULL,
    "CategoryId" uuid NOT NULL,
    CONSTRAINT "PK_UnitCategories" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_UnitCategories_Categories_CategoryId" FOREIGN KEY ("CategoryId") REFERENCES "Categories" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_UnitCategories_Units_UnitId" FOREIGN KEY ("UnitId") REFERENCES "Units" ("Id") ON DELETE CASCADE
);


CREATE TABLE "UnitVersions" (
    "Id" uuid NOT NULL,
    "UnitId" uuid NOT NULL,
    "ValidFrom" timestamp with time zone NOT NULL,
    "Code" character varying(64) NOT NULL,
    "Name" character varying(200) NOT NULL,
    "ParentUnitId" uuid,
    CONSTRAINT "PK_UnitVersions" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_UnitVersions_Units_UnitId" FOREIGN KEY ("UnitId") REFERENCES "Units" ("Id") ON DELETE CASCADE
);


CREATE TABLE "SectionServiceItems" (
    "Id" uuid NOT NULL,
    "SectionId" uuid NOT NULL,
    "ServiceItemId" uuid NOT NULL,
    "Mandatory" boolean NOT NULL,
    CONSTRAINT "PK_SectionServiceItems" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_SectionServiceItems_Sections_SectionId" FOREIGN KEY ("SectionId") REFERENCES "Sections" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_SectionServiceItems_ServiceItems_ServiceItemId" FOREIGN KEY ("ServiceItemId") REFERENCES "ServiceItems" ("Id") ON DELETE CASCADE
);


CREATE TABLE "SectionVersions" (
    "Id" uuid NOT NULL,
    "SectionId" uuid NOT NULL,
    "ValidFrom" timestamp with time zone NOT NULL,
    "UnitId" uuid NOT NULL,
    "Code" character varying(64) NOT NULL,
    "Name" character varying(200) NOT NULL,
    "Kind" character varying(32) NOT NULL,
    CONSTRAINT "PK_SectionVersions" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_SectionVersions_Sections_SectionId" FOREIGN KEY ("SectionId") REFERENCES "Sections" ("Id") ON DELETE CASCADE
);


CREATE INDEX "IX_AspNetRoleClaims_RoleId" ON "AspNetRoleClaims" ("RoleId");


CREATE UNIQUE INDEX "RoleNameIndex" ON "AspNetRoles" ("NormalizedName");


CREATE INDEX "IX_AspNetUserClaims_UserId" ON "AspNetUserClaims" ("UserId");


CREATE INDEX "IX_AspNetUserLogins_UserId" ON "AspNetUserLogins" ("UserId");


CREATE INDEX "IX_AspNetUserRoles_RoleId" ON "AspNetUserRoles" ("RoleId");


CREATE INDEX "EmailIndex" ON "AspNetUsers" ("NormalizedEmail");


CREATE INDEX "IX_AspNetUsers_UnitId" ON "AspNetUsers" ("UnitId");


CREATE UNIQUE INDEX "UserNameIndex" ON "AspNetUsers" ("NormalizedUserName");


CREATE INDEX "IX_AuditEntries_At" ON "AuditEntries" ("At");


CREATE INDEX "IX_AuditEntries_EntityType_EntityKey" ON "AuditEntries" ("EntityType", "EntityKey");


CREATE UNIQUE INDEX "IX_Categories_Code" ON "Categories" ("Code");


CREATE UNIQUE INDEX "IX_JobRuns_JobName_ScheduledFor" ON "JobRuns" ("JobName", "ScheduledFor");


CREATE UNIQUE INDEX "IX_Notifications_DedupKey" ON "Notifications" ("DedupKey");


CREATE INDEX "IX_Notifications_Role_CreatedAt" ON "Notifications" ("Role", "CreatedAt");


CREATE INDEX "IX_Notifications_UserId_CreatedAt" ON "Notifications" ("UserId", "CreatedAt");


CREATE UNIQUE INDEX "IX_Sections_Code" ON "Sections" ("Code");


CREATE INDEX "IX_Sections_UnitId" ON "Sections" ("UnitId");


CREATE UNIQUE INDEX "IX_SectionServiceItems_SectionId_ServiceItemId" ON "SectionServiceItems" ("SectionId", "ServiceItemId");


CREATE INDEX "IX_SectionServiceItems_ServiceItemId" ON "SectionServiceItems" ("ServiceItemId");


CREATE INDEX "IX_SectionVersions_SectionId_ValidFrom" ON "SectionVersions" ("SectionId", "ValidFrom");


CREATE UNIQUE INDEX "IX_ServiceItems_Code" ON "ServiceItems" ("Code");


CREATE INDEX "IX_Staff_SectionId" ON "Staff" ("SectionId");


CREATE UNIQUE INDEX "IX_Staff_UnitId_Code" ON "Staff" ("UnitId", "Code");


CREATE UNIQUE INDEX "IX_Supervisors_Code" ON "Supervisors" ("Code");


CREATE INDEX "IX_TeamMembers_SupervisorId" ON "TeamMembers" ("SupervisorId");


CREATE INDEX "IX_UnitCategories_CategoryId" ON "UnitCategories" ("CategoryId");


CREATE UNIQUE INDEX "IX_UnitCategories_UnitId_Year" ON "UnitCategories" ("UnitId", "Year");


CREATE INDEX "IX_UnitCategories_Year_CategoryId" ON "UnitCategories" ("Year", "CategoryId");


CREATE UNIQUE INDEX "IX_Units_Code" ON "Units" ("Code");


CREATE INDEX "IX_Units_ParentUnitId" ON "Units" ("ParentUnitId");


CREATE INDEX "IX_UnitVersions_UnitId_ValidFrom" ON "UnitVersions" ("UnitId", "ValidFrom");



