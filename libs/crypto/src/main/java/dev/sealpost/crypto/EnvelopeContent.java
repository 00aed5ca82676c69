package dev.sealpost.crypto;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The plaintext of a message before sealing: subject, body and attachments, each its own part. */
public final class EnvelopeContent {

    private final List<PartSource> parts;

    private EnvelopeContent(List<PartSource> parts) {
        this.parts = List.copyOf(parts);
    }

    public static EnvelopeContent of(String subject, String body) {
        return builder().subject(subject).body(body.getBytes(StandardCharsets.UTF_8)).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Subject, body, then attachments. */
    List<PartSource> parts() {
        return parts;
    }

    public static final class Builder {
        private PartSource subject = PartSource.ofBytes(new byte[0]);
        private PartSource body = PartSource.ofBytes(new byte[0]);
        private final List<PartSource> attachments = new ArrayList<>();

        public Builder subject(String subject) {
            this.subject = PartSource.ofBytes(subject.getBytes(StandardCharsets.UTF_8));
            return this;
        }

        public Builder body(byte[] body) {
            this.body = PartSource.ofBytes(body);
            return this;
        }

        public Builder attachment(PartSource attachment) {
            attachments.add(attachment);
            return this;
        }

        public Builder attachment(byte[] attachment) {
            return attachment(PartSource.ofBytes(attachment));
        }

        public EnvelopeContent build() {
            List<PartSource> parts = new ArrayList<>();
            parts.add(subject);
            parts.add(body);
            parts.addAll(attachments);
            if (attachments.size() > EnvelopeFormat.MAX_ATTACHMENTS) {
                throw new IllegalArgumentException("at most " + EnvelopeFormat.MAX_ATTACHMENTS + " attachments");
            }
            for (PartSource part : parts) {
                if (part.length() > EnvelopeFormat.MAX_PART_LENGTH) {
                    throw new IllegalArgumentException("a part may hold at most " + EnvelopeFormat.MAX_PART_LENGTH + " bytes");
                }
            }
            return new EnvelopeContent(parts);
        }
    }
}
