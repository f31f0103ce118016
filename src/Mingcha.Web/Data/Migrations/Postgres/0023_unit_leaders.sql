-- 0023: the accounts designated as leaders of their unit, who may sign an inspection record as its leader on duty (INS-8).
-- A withdrawal is recorded on the designation, which is kept (SEC-3).
CREATE TABLE "UnitLeaders" (
    "Id" uuid NOT NULL,
    "UserId" character varying(450) NOT NULL,
    "UnitId" uuid NOT NULL,
    "DesignatedBy" character varying(450) NOT NULL,
    "DesignatedAt" timestamp with time zone NOT NULL,
    "WithdrawnBy" character varying(450),
    "WithdrawnAt" timestamp with time zone,
    CONSTRAINT "PK_UnitLeaders" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_UnitLeaders_AspNetUsers_UserId" FOREIGN KEY ("UserId") REFERENCES "AspNetUsers" ("Id") ON DELETE RESTRICT
);
CREATE INDEX "IX_UnitLeaders_UnitId" ON "UnitLeaders" ("UnitId");
CREATE INDEX "IX_UnitLeaders_UserId" ON "UnitLeaders" ("UserId");
