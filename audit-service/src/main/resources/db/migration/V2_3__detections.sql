-- State of the detections (audit-service Detections). Small tables, one row per thing watched.

-- When a rule last alerted for a key (a user or a source address), so that a burst gives one alert
-- per window, not one per event, and a replayed batch gives none.
CREATE TABLE detection_state (
    tenant         VARCHAR(63)   NOT NULL,
    rule           VARCHAR(64)   NOT NULL,
    subject_key    VARCHAR(600)  NOT NULL,
    last_alert_at  TIMESTAMPTZ   NOT NULL,
    PRIMARY KEY (tenant, rule, subject_key)
);

-- Every source address a user has signed in from (ALERT_SIGN_IN_FROM_NEW_IP).
CREATE TABLE known_sign_in_source (
    tenant      VARCHAR(63)   NOT NULL,
    subject     VARCHAR(512)  NOT NULL,
    source      INET          NOT NULL,
    first_seen  TIMESTAMPTZ   NOT NULL,
    PRIMARY KEY (tenant, subject, source)
);

-- The last activation of each tenant's signing-key purpose (ALERT_SIGNING_KEY_ROTATION_OVERDUE);
-- alerted_for is the activation an overdue alert was raised for, so each gap alerts once.
CREATE TABLE signing_key_activity (
    tenant             VARCHAR(63)  NOT NULL,
    purpose            VARCHAR(32)  NOT NULL,
    last_activated_at  TIMESTAMPTZ  NOT NULL,
    alerted_for        TIMESTAMPTZ,
    PRIMARY KEY (tenant, purpose)
);
