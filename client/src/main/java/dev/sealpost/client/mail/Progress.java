package dev.sealpost.client.mail;

/** Told how far a long step (sealing, uploading) has come; the CLI draws a bar with it. */
@FunctionalInterface
public interface Progress {

    Progress NONE = (step, done, total) -> { };

    void update(String step, long done, long total);
}
