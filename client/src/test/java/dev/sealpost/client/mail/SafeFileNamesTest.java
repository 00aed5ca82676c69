package dev.sealpost.client.mail;

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
