-- 0011: indexes for the Office's complaint list at a million complaints (issue 6): the overdue filter walks only the
-- complaints in hand (partial index, newest first, last day included), and the type and channel filters read rows
-- already in page order. Generated from the EF model (schema-script).
CREATE INDEX "IX_Complaints_Assigned_ReceivedAt_Id_LastDay" ON "Complaints" ("ReceivedAt", "Id", "LastDay") WHERE "Status" = 'Assigned';

CREATE INDEX "IX_Complaints_Type_ReceivedAt_Id" ON "Complaints" ("Type", "ReceivedAt", "Id");

CREATE INDEX "IX_Complaints_Channel_ReceivedAt_Id" ON "Complaints" ("Channel", "ReceivedAt", "Id");
