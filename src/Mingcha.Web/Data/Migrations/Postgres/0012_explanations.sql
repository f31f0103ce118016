-- 0012: the bottom three's written explanations (EV-8): one per campaign and section, never deleted, and their steps
-- (filed, sent back, accepted), append-only. Generated from the EF model (schema-script), triggers added by hand.
CREATE TABLE "ResultExplanations" (
    "Id" uuid NOT NULL,
    "CampaignId" uuid NOT NULL,
    "SectionId" uuid NOT NULL,
    "UnitId" uuid NOT NULL,
    "LastDay" date NOT NULL,
    "State" character varying(16) NOT NULL,
    "Late" boolean NOT NULL,
    "WorkingDaysLate" integer NOT NULL,
    "Text" character varying(10000) NOT NULL,
    "Filings" integer NOT NULL,
    "FiledOn" date NOT NULL,
    "FiledAt" timestamp with time zone NOT NULL,
    "FiledBy" character varying(256) NOT NULL,
    "Reason" character varying(2000),
    "ReviewedAt" timestamp with time zone,
    "ReviewedBy" character varying(256),
    CONSTRAINT "PK_ResultExplanations" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_ResultExplanations_EvaluationCampaigns_CampaignId" FOREIGN KEY ("CampaignId") REFERENCES "EvaluationCampaigns" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "ExplanationSteps" (
    "Id" uuid NOT NULL,
    "ExplanationId" uuid NOT NULL,
    "Kind" character varying(16) NOT NULL,
    "Text" character varying(10000) NOT NULL,
    "Late" boolean NOT NULL,
    "By" character varying(256) NOT NULL,
    "At" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_ExplanationSteps" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_ExplanationSteps_ResultExplanations_ExplanationId" FOREIGN KEY ("ExplanationId") REFERENCES "ResultExplanations" ("Id") ON DELETE RESTRICT
);

CREATE INDEX "IX_ExplanationSteps_ExplanationId" ON "ExplanationSteps" ("ExplanationId");

CREATE UNIQUE INDEX "IX_ResultExplanations_CampaignId_SectionId" ON "ResultExplanations" ("CampaignId", "SectionId");

CREATE INDEX "IX_ResultExplanations_UnitId" ON "ResultExplanations" ("UnitId");

CREATE FUNCTION mingcha_explanation_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'EV-8: % on % is refused: written explanations and their history are never deleted or rewritten', TG_OP, TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER "ResultExplanations_no_delete" BEFORE DELETE ON "ResultExplanations"
    FOR EACH ROW EXECUTE FUNCTION mingcha_explanation_refuse();
CREATE TRIGGER "ExplanationSteps_append_only" BEFORE UPDATE OR DELETE ON "ExplanationSteps"
    FOR EACH ROW EXECUTE FUNCTION mingcha_explanation_refuse();
