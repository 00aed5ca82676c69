package dev.sealpost.crypto;

import java.util.ArrayList;
import java.util.List;

/** Key generation costs milliseconds (ML-DSA, ML-KEM); tests share one pool of generated users. */
final class TestKeys {

    static final List<PrivateKeys> USERS = generate(EnvelopeFormat.MAX_RECIPIENTS + 2);

    private TestKeys() {
    }

    private static List<PrivateKeys> generate(int count) {
        List<PrivateKeys> users = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            users.add(PrivateKeys.generate());
        }
        return List.copyOf(users);
    }

    static List<PublicBundle> bundles(int fromInclusive, int toExclusive) {
        return USERS.subList(fromInclusive, toExclusive).stream().map(PrivateKeys::publicBundle).toList();
    }
}
