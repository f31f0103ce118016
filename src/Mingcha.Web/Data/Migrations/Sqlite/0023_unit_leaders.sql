-- 0023: the accounts designated as leaders of their unit, who may sign an inspection record as its leader on duty (INS-8).
-- A withdrawal is recorded on the designation, which is kept (SEC-3).
CREATE TABLE "UnitLeaders" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_UnitLeaders" PRIMARY KEY,
    "UserId" TEXT NOT NULL,
    "UnitId" TEXT NOT NULL,
    "DesignatedBy" TEXT NOT NULL,
    "DesignatedAt" TEXT NOT NULL,
    "WithdrawnBy" TEXT NULL,
    "WithdrawnAt" TEXT NULL,
    CONSTRAINT "FK_UnitLeaders_AspNetUsers_UserId" FOREIGN KEY ("UserId") REFERENCES "AspNetUsers" ("Id") ON DELETE RESTRICT
);
CREATE INDEX "IX_UnitLeaders_UnitId" ON "UnitLeaders" ("UnitId");
CREATE INDEX "IX_UnitLeaders_UserId" ON "UnitLeaders" ("UserId");
