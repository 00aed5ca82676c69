package dev.sealpost.client.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.sealpost.client.ClientException;
import dev.sealpost.client.http.ApiHttp;
import dev.sealpost.client.mail.Progress;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything the CLI shows or asks: tables for people, JSON for scripts, secrets read without echo
 * (or from a file or environment variable when no terminal is attached), and a progress bar.
 */
final class Terminal {

    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean json;

    Terminal(PrintWriter out, PrintWriter err, boolean json) {
        this.out = out;
        this.err = err;
        this.json = json;
    }

    boolean json() {
        return json;
    }

    /**
     * Text from a sealed message is the sender's: no control or format characters reach the terminal
     * (escape sequences could rewrite the screen, U+202E reverses what follows). One line.
     */
    static String printable(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) || Character.getType(c) == Character.FORMAT ? '?' : c));
        return out.toString();
    }

    /** The same for a body: line breaks and tabs stay. */
    static String printableText(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach(c -> out.appendCodePoint(c == '\n' || c == '\t' ? c
                : Character.isISOControl(c) || Character.getType(c) == Character.FORMAT ? '?' : c));
        return out.toString();
    }

    void line(String text) {
        if (!json) {
            out.println(text);
            out.flush();
        }
    }

    void note(String text) {
        err.println(text);
        err.flush();
    }

    void printJson(Object value) {
        try {
            out.println(ApiHttp.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value));
            out.flush();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A table: widths from the content, long cells cut with an ellipsis. */
    void table(List<String> headers, List<List<String>> rows) {
        int[] widths = new int[headers.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = headers.get(i).length();
            for (List<String> row : rows) {
                widths[i] = Math.min(48, Math.max(widths[i], cell(row, i).length()));
            }
        }
        out.println(format(headers, widths));
        for (List<String> row : rows) {
            out.println(format(row, widths));
        }
        out.flush();
    }

    private static String cell(List<String> row, int i) {
        String value = i < row.size() ? row.get(i) : "";
        return value == null ? "" : value;
    }

    private static String format(List<String> row, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < widths.length; i++) {
            String value = cell(row, i);
            if (value.length() > widths[i]) {
                value = value.substring(0, widths[i] - 1) + "…";
            }
            line.append(String.format("%-" + widths[i] + "s", value)).append(i + 1 < widths.length ? "  " : "");
        }
        return line.toString().stripTrailing();
    }

    /**
     * A secret: from the file if given, else the environment variable (for scripts and the demo),
     * else typed without echo. Never printed, never logged.
     */
    char[] secret(String prompt, Path file, String environmentVariable) throws ClientException {
        if (file != null) {
            try {
                return Files.readString(file, StandardCharsets.UTF_8).stripTrailing().toCharArray();
            } catch (IOException e) {
                throw new ClientException.LocalState("cannot read " + file);
            }
        }
        String fromEnvironment = environmentVariable == null ? null : System.getenv(environmentVariable);
        if (fromEnvironment != null && !fromEnvironment.isEmpty()) {
            return fromEnvironment.toCharArray();
        }
        Console console = System.console();
        if (console == null) {
            throw new ClientException.LocalState("no terminal to ask for the " + prompt.toLowerCase() + ": give it with "
                    + (environmentVariable == null ? "an option" : environmentVariable + " or an option"));
        }
        char[] typed = console.readPassword("%s: ", prompt);
        if (typed == null || typed.length == 0) {
            throw new ClientException.LocalState("no " + prompt.toLowerCase() + " given");
        }
        return typed;
    }

    /** Whether {@link #secret} could get a secret without an option: from the environment or by asking at a terminal. */
    boolean canAskSecret(String environmentVariable) {
        String fromEnvironment = System.getenv(environmentVariable);
        return (fromEnvironment != null && !fromEnvironment.isEmpty()) || System.console() != null;
    }

    String ask(String prompt) throws ClientException {
        Console console = System.console();
        if (console != null) {
            return console.readLine("%s: ", prompt);
        }
        try {
            return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        } catch (IOException e) {
            throw new ClientException.LocalState("cannot read " + prompt);
        }
    }

    /** A bar on standard error (so --json output stays clean), drawn only for large transfers. */
    Progress progressBar(long threshold) {
        return new Progress() {
            private String lastStep;
            private int lastPercent = -1;

            @Override
            public void update(String step, long done, long total) {
                if (total < threshold || total <= 0) {
                    return;
                }
                int percent = (int) Math.min(100, done * 100 / total);
                if (step.equals(lastStep) && percent == lastPercent) {
                    return;
                }
                lastStep = step;
                lastPercent = percent;
                int filled = percent / 4;
                err.print("\r" + String.format("%-10s", step) + " [" + "#".repeat(filled) + " ".repeat(25 - filled) + "] "
                        + String.format("%3d%%", percent) + " of " + human(total));
                if (percent == 100) {
                    err.println();
                }
                err.flush();
            }
        };
    }

    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format("%.1f KiB", bytes / 1024.0);
        }
        return String.format("%.1f MiB", bytes / (1024.0 * 1024));
    }
}
