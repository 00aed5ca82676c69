package dev.sealpost.systemtests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Chromium, headless, that loads a page, runs its scripts and hands back the DOM they built.
 * The binary is {@code $SEALPOST_CHROMIUM} or the first of chromium, chromium-browser, google-chrome on
 * the PATH ({@code .ci/run} installs Debian's chromium); without one the test fails and says so.
 */
final class HeadlessChromium {

    private HeadlessChromium() {
    }

    static Path binary() {
        String configured = System.getenv("SEALPOST_CHROMIUM");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        Optional<Path> found = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .flatMap(dir -> Stream.of("chromium", "chromium-browser", "google-chrome").map(name -> Path.of(dir, name)))
                .filter(Files::isExecutable).findFirst();
        return found.orElseThrow(() -> new IllegalStateException(
                "no Chromium for the browser test: apt-get install chromium, or set SEALPOST_CHROMIUM"));
    }

    /** The DOM of {@code url} once its scripts have had {@code budget} of (virtual) time. */
    static String renderedDom(String url, Duration budget, Path workDir) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(workDir, "chromium-profile");
        Path output = workDir.resolve("chromium-dom.html");
        Path errors = workDir.resolve("chromium-stderr.log");
        // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start
        Process chromium = new ProcessBuilder(List.of(binary().toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--user-data-dir=" + profile, "--virtual-time-budget=" + budget.toMillis(), "--dump-dom", url))
                .redirectOutput(output.toFile()).redirectError(errors.toFile()).start();
        if (!chromium.waitFor(budget.toSeconds() + 60, TimeUnit.SECONDS)) {
            chromium.destroyForcibly();
            throw new IllegalStateException("Chromium did not finish loading " + url);
        }
        if (chromium.exitValue() != 0) {
            throw new IllegalStateException("Chromium exited with " + chromium.exitValue() + ": " + Files.readString(errors));
        }
        return Files.readString(output, StandardCharsets.UTF_8);
    }
}
