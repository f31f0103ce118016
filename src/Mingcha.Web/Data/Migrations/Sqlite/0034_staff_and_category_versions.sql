-- 0034 (ORG-1, decision 026): staff members and categories keep their history, as units and sections do: a version per
-- change, so a finding of 2025 can be read with the person (or a past year's ranking with the category) as it was.
-- Every person and category that exists gets one version holding what is known now, from 2000-01-01 (the first year
-- the application accepts): neither table records when its rows were created, and a creation time would claim the
-- current name held since then when an earlier import may have renamed them in place. So the state known when history
-- began stands for every earlier record. Contact details (SEC-4) are not part of the history.
CREATE TABLE "CategoryVersions" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_CategoryVersions" PRIMARY KEY,
    "CategoryId" TEXT NOT NULL,
    "ValidFrom" TEXT NOT NULL,
    "Code" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    CONSTRAINT "FK_CategoryVersions_Categories_CategoryId" FOREIGN KEY ("CategoryId") REFERENCES "Categories" ("Id") ON DELETE CASCADE
);

CREATE TABLE "StaffVersions" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_StaffVersions" PRIMARY KEY,
    "StaffId" TEXT NOT NULL,
    "ValidFrom" TEXT NOT NULL,
    "UnitId" TEXT NOT NULL,
    "SectionId" TEXT NULL,
    "Code" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    "Employment" TEXT NOT NULL,
    "Position" TEXT NULL,
    CONSTRAINT "FK_StaffVersions_Staff_StaffId" FOREIGN KEY ("StaffId") REFERENCES "Staff" ("Id") ON DELETE CASCADE
);

CREATE INDEX "IX_CategoryVersions_CategoryId_ValidFrom" ON "CategoryVersions" ("CategoryId", "ValidFrom");
CREATE INDEX "IX_StaffVersions_StaffId_ValidFrom" ON "StaffVersions" ("StaffId", "ValidFrom");

-- Random (version 4) ids, written as EF writes a Guid on SQLite: upper-case text.
INSERT INTO "CategoryVersions" ("Id", "CategoryId", "ValidFrom", "Code", "Name")
SELECT hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-'
       || substr('89AB', 1 + abs(random()) % 4, 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)),
       "Id", '2000-01-01 00:00:00', "Code", "Name"
FROM "Categories";

INSERT INTO "StaffVersions" ("Id", "StaffId", "ValidFrom", "UnitId", "SectionId", "Code", "Name", "Employment", "Position")
SELECT hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-'
       || substr('89AB', 1 + abs(random()) % 4, 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)),
       "Id", '2000-01-01 00:00:00', "UnitId", "SectionId", "Code", "Name", "Employment", "Position"
FROM "Staff";
