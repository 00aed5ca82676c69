package dev.sealpost.crypto;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The plaintext of a message before sealing: subject, body and named attachments, each its own part. */
public final class EnvelopeContent {

    /** An attachment with the name and media type the manifest will carry. */
    record Attachment(String name, String mediaType, PartSource source) {
    }

    private final byte[] subject;
    private final PartSource body;
    private final List<Attachment> attachments;

    private EnvelopeContent(byte[] subject, PartSource body, List<Attachment> attachments) {
        this.subject = subject;
        this.body = body;
        this.attachments = List.copyOf(attachments);
    }

    public static EnvelopeContent of(String subject, String body) {
        return builder().subject(subject).body(body.getBytes(StandardCharsets.UTF_8)).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Subject, body, then attachments: the content parts in envelope order (after the manifest). */
    List<PartSource> parts() {
        List<PartSource> parts = new ArrayList<>(attachments.size() + 2);
        parts.add(PartSource.ofBytes(subject));
        parts.add(body);
        attachments.forEach(attachment -> parts.add(attachment.source()));
        return parts;
    }

    List<AttachmentInfo> attachmentInfos() {
        return attachments.stream().map(a -> new AttachmentInfo(a.name(), a.mediaType(), a.source().length())).toList();
    }

    public static final class Builder {
        private byte[] subject = new byte[0];
        private PartSource body = PartSource.ofBytes(new byte[0]);
        private final List<Attachment> attachments = new ArrayList<>();

        public Builder subject(String subject) {
            this.subject = subject.getBytes(StandardCharsets.UTF_8);
            return this;
        }

        public Builder body(byte[] body) {
            this.body = PartSource.ofBytes(body);
            return this;
        }

        /**
         * An attachment under {@code name} (1 to {@link Manifest#MAX_NAME_BYTES} bytes of UTF-8; any
         * characters — the reader's client makes it safe) and a media type such as {@code text/plain}.
         */
        public Builder attachment(String name, String mediaType, PartSource source) {
            if (name == null || name.isEmpty() || name.getBytes(StandardCharsets.UTF_8).length > Manifest.MAX_NAME_BYTES) {
                throw new IllegalArgumentException("an attachment name has 1 to " + Manifest.MAX_NAME_BYTES + " bytes");
            }
            if (mediaType == null || !Manifest.isMediaType(mediaType.getBytes(StandardCharsets.UTF_8))) {
                throw new IllegalArgumentException("not a media type: type/subtype in visible ASCII");
            }
            attachments.add(new Attachment(name, mediaType, source));
            return this;
        }

        public Builder attachment(String name, String mediaType, byte[] bytes) {
            return attachment(name, mediaType, PartSource.ofBytes(bytes));
        }

        public EnvelopeContent build() {
            if (attachments.size() > EnvelopeFormat.MAX_ATTACHMENTS) {
                throw new IllegalArgumentException("at most " + EnvelopeFormat.MAX_ATTACHMENTS + " attachments");
            }
            if (subject.length > EnvelopeFormat.MAX_PART_LENGTH || body.length() > EnvelopeFormat.MAX_PART_LENGTH
                    || attachments.stream().anyMatch(a -> a.source().length() > EnvelopeFormat.MAX_PART_LENGTH)) {
                throw new IllegalArgumentException("a part may hold at most " + EnvelopeFormat.MAX_PART_LENGTH + " bytes");
            }
            return new EnvelopeContent(subject, body, attachments);
        }
    }
}
