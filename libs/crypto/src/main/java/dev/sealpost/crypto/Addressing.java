package dev.sealpost.crypto;

import dev.sealpost.crypto.internal.Addresses;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Whom a message goes to and what it answers. To and Cc recipients share one sealed copy and see each
 * other; every Bcc recipient gets a copy of their own that names the To and Cc recipients and them only.
 */
public final class Addressing {

    /** A thread's References list keeps at most this many ids (the oldest are dropped first). */
    public static final int MAX_REFERENCES = 32;

    private final List<Contact> to;
    private final List<Contact> cc;
    private final List<Contact> bcc;
    private final MessageId inReplyTo;
    private final List<MessageId> references;

    private Addressing(Builder builder) {
        this.to = List.copyOf(builder.to);
        this.cc = List.copyOf(builder.cc);
        this.bcc = List.copyOf(builder.bcc);
        this.inReplyTo = builder.inReplyTo;
        List<MessageId> refs = builder.references;
        this.references = List.copyOf(refs.subList(Math.max(0, refs.size() - MAX_REFERENCES), refs.size()));
    }

    public static Builder builder() {
        return new Builder();
    }

    public static Addressing to(Contact... recipients) {
        return builder().to(recipients).build();
    }

    public List<Contact> to() {
        return to;
    }

    public List<Contact> cc() {
        return cc;
    }

    public List<Contact> bcc() {
        return bcc;
    }

    public Optional<MessageId> inReplyTo() {
        return Optional.ofNullable(inReplyTo);
    }

    public List<MessageId> references() {
        return references;
    }

    public static final class Builder {
        private final List<Contact> to = new ArrayList<>();
        private final List<Contact> cc = new ArrayList<>();
        private final List<Contact> bcc = new ArrayList<>();
        private MessageId inReplyTo;
        private List<MessageId> references = List.of();

        public Builder to(Contact... recipients) {
            to.addAll(List.of(recipients));
            return this;
        }

        public Builder to(List<Contact> recipients) {
            to.addAll(recipients);
            return this;
        }

        public Builder cc(List<Contact> recipients) {
            cc.addAll(recipients);
            return this;
        }

        public Builder bcc(List<Contact> recipients) {
            bcc.addAll(recipients);
            return this;
        }

        /** The message this one answers, and the thread's ids up to and including it. */
        public Builder inReplyTo(MessageId parent, List<MessageId> thread) {
            this.inReplyTo = parent;
            this.references = List.copyOf(thread);
            return this;
        }

        /** Refuses an empty list, more than {@link EnvelopeFormat#MAX_RECIPIENTS} − 1 recipients (the sender keeps a copy) and an address twice. */
        public Addressing build() {
            int total = to.size() + cc.size() + bcc.size();
            if (total == 0 || total > EnvelopeFormat.MAX_RECIPIENTS - 1) {
                throw new IllegalArgumentException("1 to " + (EnvelopeFormat.MAX_RECIPIENTS - 1) + " recipients");
            }
            Set<String> seen = new HashSet<>();
            for (List<Contact> list : List.of(to, cc, bcc)) {
                for (Contact contact : list) {
                    if (!seen.add(Addresses.normalized(contact.address()))) {
                        throw new IllegalArgumentException("recipient " + contact.address() + " appears twice");
                    }
                }
            }
            return new Addressing(this);
        }
    }
}
