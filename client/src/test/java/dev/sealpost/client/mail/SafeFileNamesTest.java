package dev.sealpost.client.mail;

import dev.sealpost.crypto.Addressing;
import dev.sealpost.crypto.AttachmentInfo;
import dev.sealpost.crypto.Envelope;
import dev.sealpost.crypto.EnvelopeContent;
import dev.sealpost.crypto.Mailbox;
import dev.sealpost.crypto.OpenedFiles;
import dev.sealpost.crypto.PrivateKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafeFileNamesTest {

    @Test
    void hostileNamesBecomePlainNamesInsideTheFolder(@TempDir Path dir) throws Exception {
        Path folder = dir.resolve("saved");
        Files.createDirectories(folder);
        Path real = folder.toRealPath();
        List<String> hostile = List.of("../../x", "/etc/passwd", "a\u202Etxt.exe", "CON", "con.txt", "LPT1", "x".repeat(10_000) + ".pdf",
                "nul\u0000byte", "..", ".", ".bashrc", "dir\\..\\..\\win.ini", "C:evil", "\u001b[31mred", "trailing. . .", "");
        Set<String> taken = new HashSet<>();
        for (String name : hostile) {
            Path target = SafeFileNames.place(real, name, taken);
            assertEquals(real, target.getParent(), name);
            String saved = target.getFileName().toString();
            assertFalse(saved.contains("/") || saved.contains("\\") || saved.contains(":"), saved);
            assertFalse(saved.startsWith("."), saved);
            assertTrue(saved.codePoints().noneMatch(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT), saved);
            assertTrue(saved.getBytes(StandardCharsets.UTF_8).length <= SafeFileNames.MAX_BYTES, saved);
            assertFalse(saved.matches("(?i)(con|prn|aux|nul|com[0-9]|lpt[0-9])(\\..*)?"), saved);
            Files.writeString(target, name.isEmpty() ? "empty" : name.substring(0, Math.min(10, name.length())));
        }
        assertEquals("atxt.exe", SafeFileNames.sanitise("a\u202Etxt.exe", "f")); // the override is gone
        assertEquals("_CON", SafeFileNames.sanitise("CON", "f"));
        assertTrue(SafeFileNames.sanitise("x".repeat(10_000) + ".pdf", "f").endsWith(".pdf"));
        assertEquals("attachment", SafeFileNames.sanitise("..", "attachment"));
        assertEquals("_.._x", SafeFileNames.sanitise("../../x", "f"));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(folder), files.toList(), "nothing was written outside the folder");
        }
    }

    @Test
    void hostileNamesInASignedManifestAreSavedInsideTheFolder(@TempDir Path dir) throws Exception {
        Mailbox alice = new Mailbox("alice@example.test", PrivateKeys.generate());
        Mailbox bob = new Mailbox("bob@example.test", PrivateKeys.generate());
        List<String> hostile = List.of("../../x", "/etc/passwd", "a\u202Etxt.exe", "CON", "n".repeat(10_000), "nul\u0000byte", "../../x");
        EnvelopeContent.Builder content = EnvelopeContent.builder().subject("names");
        for (int i = 0; i < hostile.size(); i++) {
            content.attachment(hostile.get(i), "application/octet-stream", ("content " + i).getBytes(StandardCharsets.UTF_8));
        }
        Path envelope = dir.resolve("hostile.spen");
        Files.write(envelope, Envelope.seal(content.build(), Addressing.to(bob.contact()), alice).get(0).envelope());
        Path opening = Files.createDirectory(dir.resolve("opening"));
        OpenedFiles files = Envelope.open(envelope, bob, alice.contact(), opening);
        List<AttachmentInfo> infos = files.manifest().orElseThrow().attachments();
        assertEquals(hostile, infos.stream().map(AttachmentInfo::name).toList(), "the manifest carries the names as sent");
        List<OpenedMessage.OpenedAttachment> attachments = new java.util.ArrayList<>();
        for (int i = 0; i < infos.size(); i++) {
            attachments.add(new OpenedMessage.OpenedAttachment(infos.get(i).name(), infos.get(i).mediaType(), infos.get(i).length(),
                    files.attachments().get(i)));
        }
        OpenedMessage message = new OpenedMessage(null, 2, files.manifest(), files.subject(), new byte[0], attachments, "00", 1,
                files.directory());
        Path folder = dir.resolve("downloads");
        List<Path> saved = message.saveAttachments(folder);
        assertEquals(hostile.size(), saved.size());
        for (int i = 0; i < saved.size(); i++) {
            assertEquals(folder.toRealPath(), saved.get(i).getParent());
            assertEquals("content " + i, Files.readString(saved.get(i)));
        }
        assertEquals(2, saved.stream().filter(file -> file.getFileName().toString().startsWith("_.._x")).count(), "the twin is renamed");
        message.close();
        assertFalse(Files.exists(files.directory()), "the opened plaintext is gone");
        try (var entries = Files.list(dir)) {
            assertEquals(java.util.Set.of("hostile.spen", "opening", "downloads"),
                    entries.map(file -> file.getFileName().toString()).collect(java.util.stream.Collectors.toSet()));
        }
    }

    @Test
    void collisionsAreRenamedNeverOverwritten(@TempDir Path dir) throws Exception {
        Path real = dir.toRealPath();
        Files.writeString(real.resolve("report.pdf"), "already here");
        Set<String> taken = new HashSet<>();
        Path first = SafeFileNames.place(real, "report.pdf", taken);
        Path second = SafeFileNames.place(real, "REPORT.pdf", taken);
        assertEquals("report (2).pdf", first.getFileName().toString());
        assertEquals("REPORT (3).pdf", second.getFileName().toString());
        assertEquals("already here", Files.readString(real.resolve("report.pdf")));
    }
}
