package dev.sealpost.k8s;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Renders a kustomization with the pinned kubectl that tools/install-kustomize.sh installs (kubectl's
 * built-in kustomize). The binary is installed once per machine into a cache; a run on a machine where it
 * cannot be installed fails here with the script's reason, instead of rendering with whatever kubectl
 * happens to be on the PATH. {@code -Dsealpost.kubectl=/path/to/kubectl} uses another binary, on purpose.
 */
final class Kustomize {

    private static final Map<Path, String> RENDERED = new ConcurrentHashMap<>();
    private static volatile String binary;

    private Kustomize() {
    }

    /** The module's directory (deploy/k8s), from the build or the working directory. */
    static Path moduleDir() {
        String dir = System.getProperty("sealpost.k8s.dir");
        return (dir != null ? Path.of(dir) : Path.of("")).toAbsolutePath().normalize();
    }

    static String binary() {
        if (binary == null) {
            synchronized (Kustomize.class) {
                if (binary == null) {
                    binary = locate();
                }
            }
        }
        return binary;
    }

    private static String locate() {
        String chosen = System.getProperty("sealpost.kubectl");
        if (chosen != null && !chosen.isBlank()) {
            return chosen;
        }
        Path script = moduleDir().resolve("tools/install-kustomize.sh");
        Result result = run(List.of("bash", script.toString()), 900);
        if (result.exit != 0) {
            throw new IllegalStateException("the pinned kubectl/kustomize could not be installed (" + script + ", exit "
                    + result.exit + "):\n" + result.stderr + "\nInstall it by hand with that script, or point -Dsealpost.kubectl at a kubectl "
                    + "with kustomize built in.");
        }
        String[] lines = result.stdout.strip().split("\n");
        String path = lines[lines.length - 1].strip();
        if (!Files.isExecutable(Path.of(path))) {
            throw new IllegalStateException("install-kustomize.sh printed '" + path + "', which is not an executable");
        }
        return path;
    }

    /** The rendered YAML of a kustomization directory relative to deploy/k8s (cached: overlays don't change during a run). */
    static String render(String relativeDir) {
        Path dir = moduleDir().resolve(relativeDir).normalize();
        return RENDERED.computeIfAbsent(dir, d -> {
            Result result = run(List.of(binary(), "kustomize", d.toString()), 120);
            if (result.exit != 0) {
                throw new IllegalStateException("kubectl kustomize " + d + " failed (exit " + result.exit + "):\n" + result.stderr);
            }
            return result.stdout;
        });
    }

    private record Result(int exit, String stdout, String stderr) {
    }

    private static Result run(List<String> command, int timeoutSeconds) {
        try {
            Path out = Files.createTempFile("kustomize", ".out");
            Path err = Files.createTempFile("kustomize", ".err");
            try {
                Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeoutSeconds + " s");
                }
                return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
