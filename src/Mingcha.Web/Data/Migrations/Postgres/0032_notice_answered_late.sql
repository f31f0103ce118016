-- 0032: an answer given after the last day of the notice's rung (EV-6: 未按时间节点整改, RCT-4); existing notices have none
-- recorded (their lateness was scored through the escalation, as before).
ALTER TABLE "RectificationNotices" ADD COLUMN "AnsweredLate" boolean NOT NULL DEFAULT false;
