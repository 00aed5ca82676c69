package dev.sealpost.k8s;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Assertions shared by the tests: a check passes with nothing found, and a broken manifest must be found out. */
final class Checks {

    private Checks() {
    }

    static void none(String what, List<String> violations) {
        assertTrue(violations.isEmpty(), what + ":\n  " + String.join("\n  ", violations));
    }

    /** The broken manifest fails the check, for the expected reason. */
    static void caught(List<String> violations, String expectedFragment) {
        assertFalse(violations.isEmpty(), "the check found nothing wrong with a deliberately broken manifest");
        assertTrue(violations.stream().anyMatch(v -> v.contains(expectedFragment)),
                "expected a violation mentioning '" + expectedFragment + "', got:\n  " + String.join("\n  ", violations));
    }
}
