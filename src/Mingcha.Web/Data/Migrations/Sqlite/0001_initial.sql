-- 0001: initial schema (organisation, identity, audit, calendar, jobs). Generated from the EF model, then frozen.
CREATE TABLE "Agencies" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Agencies" PRIMARY KEY,
    "Name" TEXT NOT NULL,
    "CreditCode" TEXT NULL,
    "ContractStart" TEXT NOT NULL,
    "ContractEnd" TEXT NOT NULL,
    "ContactPerson" TEXT NULL,
    "ContactPhone" TEXT NULL,
    "IsDemo" INTEGER NOT NULL
);


CREATE TABLE "ApiTokens" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_ApiTokens" PRIMARY KEY,
    "Name" TEXT NOT NULL,
    "SecretHash" TEXT NOT NULL,
    "Scopes" TEXT NOT NULL,
    "UnitId" TEXT NULL,
    "CreatedBy" TEXT NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    "ExpiresAt" TEXT NULL,
    "RevokedAt" TEXT NULL,
    "RevokedBy" TEXT NULL,
    "LastUsedAt" TEXT NULL
);


CREATE TABLE "AspNetRoles" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_AspNetRoles" PRIMARY KEY,
    "Name" TEXT NULL,
    "NormalizedName" TEXT NULL,
    "ConcurrencyStamp" TEXT NULL
);


CREATE TABLE "AspNetUsers" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_AspNetUsers" PRIMARY KEY,
    "DisplayName" TEXT NOT NULL,
    "UnitId" TEXT NULL,
    "CreatedAt" TEXT NOT NULL,
    "IsDemo" INTEGER NOT NULL,
    "UserName" TEXT NULL,
    "NormalizedUserName" TEXT NULL,
    "Email" TEXT NULL,
    "NormalizedEmail" TEXT NULL,
    "EmailConfirmed" INTEGER NOT NULL,
    "PasswordHash" TEXT NULL,
    "SecurityStamp" TEXT NULL,
    "ConcurrencyStamp" TEXT NULL,
    "PhoneNumber" TEXT NULL,
    "PhoneNumberConfirmed" INTEGER NOT NULL,
    "TwoFactorEnabled" INTEGER NOT NULL,
    "LockoutEnd" TEXT NULL,
    "LockoutEnabled" INTEGER NOT NULL,
    "AccessFailedCount" INTEGER NOT NULL
);


CREATE TABLE "AuditEntries" (
    "Seq" INTEGER NOT NULL CONSTRAINT "PK_AuditEntries" PRIMARY KEY,
    "At" TEXT NOT NULL,
    "UserId" TEXT NULL,
    "UserName" TEXT NULL,
    "Ip" TEXT NULL,
    "Action" TEXT NOT NULL,
    "EntityType" TEXT NULL,
    "EntityKey" TEXT NULL,
    "Before" TEXT NULL,
    "After" TEXT NULL,
    "PrevHash" TEXT NOT NULL,
    "Hash" TEXT NOT NULL
);


CREATE TABLE "CalendarDays" (
    "Date" TEXT NOT NULL CONSTRAINT "PK_CalendarDays" PRIMARY KEY,
    "Kind" TEXT NOT NULL,
    "Name" TEXT NOT NULL
);


CREATE TABLE "CalendarYears" (
    "Year" INTEGER NOT NULL CONSTRAINT "PK_CalendarYears" PRIMARY KEY,
    "Source" TEXT NOT NULL,
    "LoadedAt" TEXT NOT NULL,
    "UpdatedAt" TEXT NOT NULL
);


CREATE TABLE "Categories" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Categories" PRIMARY KEY,
    "Code" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    "IsDemo" INTEGER NOT NULL
);


CREATE TABLE "DataProtectionKeys" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_DataProtectionKeys" PRIMARY KEY AUTOINCREMENT,
    "FriendlyName" TEXT NULL,
    "Xml" TEXT NOT NULL
);


CREATE TABLE "JobRuns" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_JobRuns" PRIMARY KEY,
    "JobName" TEXT NOT NULL,
    "ScheduledFor" TEXT NOT NULL,
    "Instance" TEXT NOT NULL,
    "StartedAt" TEXT NOT NULL,
    "FinishedAt" TEXT NULL,
    "Result" TEXT NULL
);


CREATE TABLE "Notifications" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Notifications" PRIMARY KEY,
    "UserId" TEXT NULL,
    "Role" TEXT NULL,
    "UnitId" TEXT NULL,
    "Kind" TEXT NOT NULL,
    "Title" TEXT NOT NULL,
    "Body" TEXT NULL,
    "Link" TEXT NULL,
    "DedupKey" TEXT NOT NULL,
    "CreatedAt" TEXT NOT NULL
);


CREATE TABLE "ScheduledJobs" (
    "Name" TEXT NOT NULL CONSTRAINT "PK_ScheduledJobs" PRIMARY KEY,
    "NextRunAt" TEXT NOT NULL,
    "LeaseOwner" TEXT NULL,
    "LeaseUntil" TEXT NULL,
    "LastRunAt" TEXT NULL,
    "LastResult" TEXT NULL
);


CREATE TABLE "ServiceItems" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_ServiceItems" PRIMARY KEY,
    "Code" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    "UnitId" TEXT NULL,
    "StatutoryDays" INTEGER NULL,
    "PromisedDays" INTEGER NULL,
    "IsDemo" INTEGER NOT NULL
);


CREATE TABLE "Supervisors" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Supervisors" PRIMARY KEY,
    "Code" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    "Phone" TEXT NULL,
    "RecommendedByUnitId" TEXT NULL,
    "Status" TEXT NOT NULL,
    "ApprovedAt" TEXT NULL,
    "UserId" TEXT NULL,
    "IsDemo" INTEGER NOT NULL
);


CREATE TABLE "Teams" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Teams" PRIMARY KEY,
    "Name" TEXT NOT NULL,
    "Task" TEXT NULL,
    "LeaderId" TEXT NULL,
    "CreatedAt" TEXT NOT NULL,
    "IsDemo" INTEGER NOT NULL
);


CREATE TABLE "Units" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Units" PRIMARY KEY,
    "Code" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    "ShortName" TEXT NULL,
    "CreditCode" TEXT NULL,
    "ParentUnitId" TEXT NULL,
    "Active" INTEGER NOT NULL,
    "IsDemo" INTEGER NOT NULL,
    "CreatedAt" TEXT NOT NULL
);


CREATE TABLE "AspNetRoleClaims" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_AspNetRoleClaims" PRIMARY KEY AUTOINCREMENT,
    "RoleId" TEXT NOT NULL,
    "ClaimType" TEXT NULL,
    "ClaimValue" TEXT NULL,
    CONSTRAINT "FK_AspNetRoleClaims_AspNetRoles_RoleId" FOREIGN KEY ("RoleId") REFERENCES "AspNetRoles" ("Id") ON DELETE CASCADE
);


CREATE TABLE "AspNetUserClaims" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_AspNetUserClaims" PRIMARY KEY AUTOINCREMENT,
    "UserId" TEXT NOT NULL,
    "ClaimType" TEXT NULL,
    "ClaimValue" TEXT NULL,
    CONSTRAINT "FK_AspNetUserClaims_AspNetUsers_UserId" FOREIGN KEY ("UserId") REFERENCES "AspNetUsers" ("Id") ON DELETE CASCADE
);


CREATE TABLE "AspNetUserLogins" (
    "LoginProvider" TEXT NOT NULL,
    "ProviderKey" TEXT NOT NULL,
    "ProviderDisplayName" TEXT NULL,
    "UserId" TEXT NOT NULL,
    CONSTRAINT "PK_AspNetUserLogins" PRIMARY KEY ("LoginProvider", "ProviderKey"),
    CONSTRAINT "FK_AspNetUserLogins_AspNetUsers_UserId" FOREIGN KEY ("UserId") REFERENCES "AspNetUsers" ("Id") ON DELETE CASCADE
);


CREATE TABLE "AspNetUserRoles" (
    "UserId" TEXT NOT NULL,
    "RoleId" TEXT NOT NULL,
    CONSTRAINT "PK_AspNetUserRoles" PRIMARY KEY ("UserId", "RoleId"),
    CONSTRAINT "FK_AspNetUserRoles_AspNetRoles_RoleId" FOREIGN KEY ("RoleId") REFERENCES "AspNetRoles" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_AspNetUserRoles_AspNetUsers_UserId" FOREIGN KEY ("UserId") REFERENCES "AspNetUsers" ("Id") ON DELETE CASCADE
);


CREATE TABLE "AspNetUserTokens" (
    "UserId" TEXT NOT NULL,
    "LoginProvider" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    "Value" TEXT NULL,
    CONSTRAINT "PK_AspNetUserTokens" PRIMARY KEY ("UserId", "LoginProvider", "Name"),
    CONSTRAINT "FK_AspNetUserTokens_AspNetUsers_UserId" FOREIGN KEY ("UserId") REFERENCES "AspNetUsers" ("Id") ON DELETE CASCADE
);


CREATE TABLE "TeamMembers" (
    "TeamId" TEXT NOT NULL,
    "SupervisorId" TEXT NOT NULL,
    CONSTRAINT "PK_TeamMembers" PRIMARY KEY ("TeamId", "SupervisorId"),
    CONSTRAINT "FK_TeamMembers_Supervisors_SupervisorId" FOREIGN KEY ("SupervisorId") REFERENCES "Supervisors" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_TeamMembers_Teams_TeamId" FOREIGN KEY ("TeamId") REFERENCES "Teams" ("Id") ON DELETE CASCADE
);


CREATE TABLE "Sections" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Sections" PRIMARY KEY,
    "UnitId" TEXT NOT NULL,
    "ParentSectionId" TEXT NULL,
    "Code" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    "Kind" TEXT NOT NULL,
    "Address" TEXT NULL,
    "Active" INTEGER NOT NULL,
    "IsDemo" INTEGER NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    CONSTRAINT "FK_Sections_Units_UnitId" FOREIGN KEY ("UnitId") REFERENCES "Units" ("Id") ON DELETE CASCADE
);


CREATE TABLE "Staff" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Staff" PRIMARY KEY,
    "UnitId" TEXT NOT NULL,
    "SectionId" TEXT NULL,
    "Code" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    "Employment" TEXT NOT NULL,
    "Position" TEXT NULL,
    "Phone" TEXT NULL,
    "IdNumber" TEXT NULL,
    "Active" INTEGER NOT NULL,
    "IsDemo" INTEGER NOT NULL,
    CONSTRAINT "FK_Staff_Units_UnitId" FOREIGN KEY ("UnitId") REFERENCES "Units" ("Id") ON DELETE CASCADE
);


CREATE TABLE "UnitCategories" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_UnitCategories" PRIMARY KEY,
    "UnitId" TEXT NOT NULL,
    "Year" INTEGER NOT NULL,
    "CategoryId" TEXT NOT NULL,
    CONSTRAINT "FK_UnitCategories_Categories_CategoryId" FOREIGN KEY ("CategoryId") REFERENCES "Categories" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_UnitCategories_Units_UnitId" FOREIGN KEY ("UnitId") REFERENCES "Units" ("Id") ON DELETE CASCADE
);


CREATE TABLE "UnitVersions" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_UnitVersions" PRIMARY KEY,
    "UnitId" TEXT NOT NULL,
    "ValidFrom" TEXT NOT NULL,
    "Code" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    "ParentUnitId" TEXT NULL,
    CONSTRAINT "FK_UnitVersions_Units_UnitId" FOREIGN KEY ("UnitId") REFERENCES "Units" ("Id") ON DELETE CASCADE
);


CREATE TABLE "SectionServiceItems" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_SectionServiceItems" PRIMARY KEY,
    "SectionId" TEXT NOT NULL,
    "ServiceItemId" TEXT NOT NULL,
    "Mandatory" INTEGER NOT NULL,
    CONSTRAINT "FK_SectionServiceItems_Sections_SectionId" FOREIGN KEY ("SectionId") REFERENCES "Sections" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_SectionServiceItems_ServiceItems_ServiceItemId" FOREIGN KEY ("ServiceItemId") REFERENCES "ServiceItems" ("Id") ON DELETE CASCADE
);


CREATE TABLE "SectionVersions" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_SectionVersions" PRIMARY KEY,
    "SectionId" TEXT NOT NULL,
    "ValidFrom" TEXT NOT NULL,
    "UnitId" TEXT NOT NULL,
    "Code" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    "Kind" TEXT NOT NULL,
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



