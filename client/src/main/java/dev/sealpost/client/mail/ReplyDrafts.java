package dev.sealpost.client.mail;

import dev.sealpost.crypto.Manifest;
import dev.sealpost.crypto.MessageId;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Replies and forwards from an opened message, with addresses, date and thread taken from its
 * signed manifest (format 1 mail, which has none, falls back to the server's routing metadata and
 * starts no thread).
 */
public final class ReplyDrafts {

    private ReplyDrafts() {
    }

    /**
     * A reply to the sender (or, for one's own sent message, to its To recipients); with
     * {@code all}, the other To and Cc recipients in Cc. Threaded: In-Reply-To the original, and its
     * References plus the original.
     */
    public static Draft reply(OpenedMessage original, String ownAddress, boolean all, String text, List<Path> attachments) {
        String me = normal(ownAddress);
        Manifest manifest = original.manifest().orElse(null);
        String from = manifest != null ? manifest.from() : original.summary().senderAddress();
        List<String> originalTo = manifest != null ? manifest.to() : original.summary().recipientAddresses();
        Set<String> to = new LinkedHashSet<>();
        if (normal(from).equals(me)) {
            originalTo.forEach(address -> to.add(normal(address)));
        } else {
            to.add(normal(from));
        }
        Set<String> cc = new LinkedHashSet<>();
        if (all) {
            originalTo.forEach(address -> cc.add(normal(address)));
            if (manifest != null) {
                manifest.cc().forEach(address -> cc.add(normal(address)));
            }
        }
        cc.removeAll(to);
        cc.remove(me);
        to.remove(me);
        if (to.isEmpty()) {
            to.add(me);
        }
        Draft.Thread thread = null;
        if (manifest != null) {
            List<MessageId> references = new ArrayList<>(manifest.references());
            references.add(manifest.messageId());
            thread = new Draft.Thread(manifest.messageId(), references);
        }
        String quoted = "On " + (manifest != null ? manifest.date() : original.summary().sentAt()) + ", " + from + " wrote:\n"
                + quote(new String(original.body(), StandardCharsets.UTF_8));
        return new Draft(List.copyOf(to), List.copyOf(cc), List.of(), prefixed("Re: ", original.subject()),
                (text + "\n\n" + quoted).getBytes(StandardCharsets.UTF_8), attachments, thread);
    }

    /**
     * The original's text under a forwarding header, to new recipients; {@code attachments} are the
     * original's attachments saved under their (safe) names, plus any new ones. A new thread.
     */
    public static Draft forward(OpenedMessage original, List<String> to, List<String> cc, List<String> bcc, String text,
            List<Path> attachments) {
        Manifest manifest = original.manifest().orElse(null);
        StringBuilder header = new StringBuilder("---------- Forwarded message ----------\n");
        header.append("From: ").append(manifest != null ? manifest.from() : original.summary().senderAddress()).append('\n');
        header.append("Date: ").append(manifest != null ? manifest.date() : original.summary().sentAt()).append('\n');
        header.append("Subject: ").append(original.subject()).append('\n');
        header.append("To: ").append(String.join(", ", manifest != null ? manifest.to() : original.summary().recipientAddresses())).append('\n');
        if (manifest != null && !manifest.cc().isEmpty()) {
            header.append("Cc: ").append(String.join(", ", manifest.cc())).append('\n');
        }
        String body = text + "\n\n" + header + "\n" + new String(original.body(), StandardCharsets.UTF_8);
        return new Draft(to, cc, bcc, prefixed("Fwd: ", original.subject()), body.getBytes(StandardCharsets.UTF_8), attachments, null);
    }

    /** Manifest addresses are checked by libs/crypto already; they compare without case. */
    private static String normal(String address) {
        return address.toLowerCase(Locale.ROOT);
    }

    private static String prefixed(String prefix, String subject) {
        return subject.toLowerCase(Locale.ROOT).startsWith(prefix.toLowerCase(Locale.ROOT)) ? subject : prefix + subject;
    }

    private static String quote(String body) {
        StringBuilder out = new StringBuilder();
        for (String line : body.split("\n", -1)) {
            out.append('>').append(line.isEmpty() ? "" : " ").append(line).append('\n');
        }
        return out.toString();
    }
}
