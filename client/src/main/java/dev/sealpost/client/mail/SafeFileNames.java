package dev.sealpost.client.mail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * File names for attachments saved from mail. The name in a manifest is the sender's — signed, but
 * chosen by someone who may be hostile — so it becomes a single plain file name: no separators or
 * traversal, no control, format or bidi-override characters (U+202E makes "a\u202Etxt.exe" look like
 * "aexe.txt"), no names Windows reserves, no leading dots (hidden files), at most
 * {@value #MAX_BYTES} bytes with its extension kept, and a new name instead of overwriting.
 */
public final class SafeFileNames {

    static final int MAX_BYTES = 200;
    private static final Pattern RESERVED = Pattern.compile("(?i)(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\\..*)?");
    private static final String FORBIDDEN = "/\\:*?\"<>|";

    private SafeFileNames() {
    }

    /** {@code name} as one safe file name; {@code fallback} when nothing usable is left. */
    public static String sanitise(String name, String fallback) {
        StringBuilder out = new StringBuilder();
        Normalizer.normalize(name == null ? "" : name, Normalizer.Form.NFC).codePoints().forEach(c -> {
            int type = Character.getType(c);
            if (Character.isISOControl(c) || type == Character.FORMAT || type == Character.SURROGATE || type == Character.PRIVATE_USE
                    || type == Character.UNASSIGNED || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
                return; // invisible or reordering: dropped
            }
            out.appendCodePoint(FORBIDDEN.indexOf(c) >= 0 || Character.isWhitespace(c) && c != ' ' ? '_' : c);
        });
        String cleaned = out.toString().strip();
        // no ".", "..", hidden files or trailing dots and spaces (Windows drops them, changing the name)
        cleaned = cleaned.replaceAll("^[.\\s]+", "").replaceAll("[.\\s]+$", "");
        if (cleaned.isEmpty()) {
            return fallback;
        }
        if (RESERVED.matcher(cleaned).matches()) {
            cleaned = "_" + cleaned;
        }
        return truncate(cleaned);
    }

    /** Where a name's extension (".pdf": a dot and 1 to 10 letters or digits) starts, or -1. */
    private static int extensionStart(String name) {
        int dot = name.lastIndexOf('.');
        if (dot <= 0 || name.length() - dot - 1 < 1 || name.length() - dot - 1 > 10) {
            return -1;
        }
        return name.substring(dot + 1).chars().allMatch(Character::isLetterOrDigit) ? dot : -1;
    }

    /** Cuts to {@link #MAX_BYTES} UTF-8 bytes at a character boundary, keeping a short extension. */
    private static String truncate(String name) {
        if (name.getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES) {
            return name;
        }
        int dot = extensionStart(name);
        String extension = dot > 0 ? name.substring(dot) : "";
        String stem = dot > 0 ? name.substring(0, dot) : name;
        int budget = MAX_BYTES - extension.getBytes(StandardCharsets.UTF_8).length;
        StringBuilder cut = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < stem.length(); ) {
            int c = stem.codePointAt(i);
            int size = new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + size > budget) {
                break;
            }
            cut.appendCodePoint(c);
            bytes += size;
            i += Character.charCount(c);
        }
        return cut + extension;
    }

    /**
     * A path in {@code folder} (a real path) for {@code name}, made safe and renamed "name (2).ext"
     * when taken by an earlier attachment or an existing file, compared without case (as on Windows
     * and macOS file systems). The
     * result is checked to be a direct child of {@code folder}.
     */
    static Path place(Path folder, String name, Set<String> taken) throws IOException {
        String safe = sanitise(name, "attachment");
        int dot = extensionStart(safe);
        String stem = dot > 0 ? safe.substring(0, dot) : safe;
        String extension = dot > 0 ? safe.substring(dot) : "";
        Set<String> existing = new java.util.HashSet<>();
        try (var files = Files.list(folder)) {
            files.forEach(file -> existing.add(file.getFileName().toString().toLowerCase(Locale.ROOT)));
        }
        for (int n = 1; n < 10_000; n++) {
            String candidate = n == 1 ? safe : stem + " (" + n + ")" + extension;
            Path target = folder.resolve(candidate).normalize();
            if (!folder.equals(target.getParent())) {
                throw new IOException("an attachment name escapes the folder");
            }
            String key = candidate.toLowerCase(Locale.ROOT);
            if (!taken.contains(key) && !existing.contains(key) && !Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                taken.add(candidate.toLowerCase(Locale.ROOT));
                return target;
            }
        }
        throw new IOException("too many attachments named " + safe);
    }
}
