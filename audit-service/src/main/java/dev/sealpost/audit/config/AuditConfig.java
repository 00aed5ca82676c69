package dev.sealpost.audit.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** audit-service settings; docs/operations.md lists the environment variables. */
@ConfigMapping(prefix = "sealpost.audit")
public interface AuditConfig {

    /** How long events are kept; whole monthly partitions older than this are dropped. */
    @WithDefault("400d")
    Duration retention();

    /** Readiness goes DOWN when a batch has waited this long to be stored (e.g. the database is down). */
    @WithDefault("60s")
    Duration stuckAfter();

    /** How often each hash chain that grew is sealed by a checkpoint key-service signs (service/CheckpointSealer). */
    @WithDefault("10m")
    Duration checkpointEvery();

    /** How often the monthly partitions are created ahead and the expired ones dropped (service/PartitionMaintenance). */
    @WithDefault("6h")
    Duration partitionMaintenanceEvery();

    /** The role that may query its tenant's events. */
    @WithDefault("soc-analyst")
    String socRole();

    /** key-service, which signs the hash-chain checkpoints. */
    KeyService keyService();

    interface KeyService {
        /** Base URL of key-service (internal network). */
        @WithDefault("http://127.0.0.1:8081")
        String url();

        @WithDefault("audit-service")
        String clientId();

        /** audit-service's client secret at key-service; without it no checkpoint is signed (warned at start). */
        java.util.Optional<String> clientSecret();
    }

    /** Thresholds and the rotation check of the detections (service/Detections). */
    Detections detections();

    interface Detections {
        /** Failed sign-ins within the window, per user or per source address, that raise an alert. */
        @WithDefault("10")
        int failedSignInThreshold();

        @WithDefault("5m")
        Duration failedSignInWindow();

        /** How often key-service is expected to activate a new signing key (its rotation period). */
        @WithDefault("24h")
        Duration expectedRotationPeriod();

        /** Slack after the expected period before a rotation counts as overdue. */
        @WithDefault("1h")
        Duration rotationGrace();

        /** How often the tenants' signing keys are checked for an overdue rotation. */
        @WithDefault("5m")
        Duration rotationCheckEvery();
    }
}
