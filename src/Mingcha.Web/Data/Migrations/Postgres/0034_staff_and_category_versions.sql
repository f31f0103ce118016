-- 0034 (ORG-1, decision 026): staff members and categories keep their history, as units and sections do: a version per
-- change, so a finding of 2025 can be read with the person (or a past year's ranking with the category) as it was.
-- Every person and category that exists gets one version holding what is known now, from 2000-01-01 (the first year
-- the application accepts): neither table records when its rows were created, and a creation time would claim the
-- current name held since then when an earlier import may have renamed them in place. So the state known when history
-- began stands for every earlier record. Contact details (SEC-4) are not part of the history.
CREATE TABLE "CategoryVersions" (
    "Id" uuid NOT NULL,
    "CategoryId" uuid NOT NULL,
    "ValidFrom" timestamp with time zone NOT NULL,
    "Code" character varying(64) NOT NULL,
    "Name" character varying(200) NOT NULL,
    CONSTRAINT "PK_CategoryVersions" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_CategoryVersions_Categories_CategoryId" FOREIGN KEY ("CategoryId") REFERENCES "Categories" ("Id") ON DELETE CASCADE
);

CREATE TABLE "StaffVersions" (
    "Id" uuid NOT NULL,
    "StaffId" uuid NOT NULL,
    "ValidFrom" timestamp with time zone NOT NULL,
    "UnitId" uuid NOT NULL,
    "SectionId" uuid,
    "Code" character varying(64) NOT NULL,
    "Name" character varying(100) NOT NULL,
    "Employment" character varying(32) NOT NULL,
    "Position" character varying(100),
    CONSTRAINT "PK_StaffVersions" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_StaffVersions_Staff_StaffId" FOREIGN KEY ("StaffId") REFERENCES "Staff" ("Id") ON DELETE CASCADE
);

CREATE INDEX "IX_CategoryVersions_CategoryId_ValidFrom" ON "CategoryVersions" ("CategoryId", "ValidFrom");
CREATE INDEX "IX_StaffVersions_StaffId_ValidFrom" ON "StaffVersions" ("StaffId", "ValidFrom");

INSERT INTO "CategoryVersions" ("Id", "CategoryId", "ValidFrom", "Code", "Name")
SELECT gen_random_uuid(), "Id", TIMESTAMPTZ '2000-01-01 00:00:00+00', "Code", "Name" FROM "Categories";

INSERT INTO "StaffVersions" ("Id", "StaffId", "ValidFrom", "UnitId", "SectionId", "Code", "Name", "Employment", "Position")
SELECT gen_random_uuid(), "Id", TIMESTAMPTZ '2000-01-01 00:00:00+00', "UnitId", "SectionId", "Code", "Name", "Employment", "Position" FROM "Staff";
