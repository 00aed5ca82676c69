package dev.sealpost.crypto;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PassphraseWrapTest {

    private static final Argon2Parameters MINIMUM = new Argon2Parameters(19 * 1024, 2, 1);
    private final PrivateKeys keys = TestKeys.USERS.get(5);

    @Test
    void theRightPassphraseRestoresTheSameKeys() throws Exception {
        byte[] blob = PassphraseWrap.wrap(keys, "correct horse battery staple".toCharArray());
        PrivateKeys restored = PassphraseWrap.unwrap(blob, "correct horse battery staple".toCharArray());
        assertEquals(keys.publicBundle().fingerprint(), restored.publicBundle().fingerprint());
        // the restored keys really work: they open an envelope sealed to the original
        byte[] envelope = TestMail.seal(EnvelopeContent.of("s", "b"), List.of(keys.publicBundle()), TestKeys.USERS.get(6));
        assertEquals("s", TestMail.open(envelope, restored, TestKeys.USERS.get(6).publicBundle()).subject());
    }

    @Test
    void aWrongPassphraseIsATypedFailure() throws Exception {
        byte[] blob = PassphraseWrap.wrap(keys, "right".toCharArray(), MINIMUM);
        assertThrows(CryptoException.WrongPassphrase.class, () -> PassphraseWrap.unwrap(blob, "wrong".toCharArray()));
    }

    @Test
    void weakParametersAreRefusedOnWrap() {
        assertThrows(CryptoException.WeakParameters.class,
                () -> PassphraseWrap.wrap(keys, "p".toCharArray(), new Argon2Parameters(18 * 1024, 2, 1)));
        assertThrows(CryptoException.WeakParameters.class,
                () -> PassphraseWrap.wrap(keys, "p".toCharArray(), new Argon2Parameters(19 * 1024, 1, 1)));
    }

    @Test
    void aServerCannotDowngradeTheStoredParameters() throws Exception {
        byte[] blob = PassphraseWrap.wrap(keys, "p".toCharArray(), MINIMUM);
        byte[] downgraded = blob.clone();
        // iterations field (bytes 9..12) lowered from 2 to 1
        downgraded[12] = 1;
        assertThrows(CryptoException.WeakParameters.class, () -> PassphraseWrap.unwrap(downgraded, "p".toCharArray()));
        // raising the cost instead still fails: the parameters are bound as associated data
        byte[] changed = blob.clone();
        changed[12] = 3;
        assertThrows(CryptoException.WrongPassphrase.class, () -> PassphraseWrap.unwrap(changed, "p".toCharArray()));
    }

    @Test
    void malformedBlobsAreTypedFailures() throws Exception {
        byte[] blob = PassphraseWrap.wrap(keys, "p".toCharArray(), MINIMUM);
        assertThrows(CryptoException.Malformed.class, () -> PassphraseWrap.unwrap(java.util.Arrays.copyOf(blob, 20), "p".toCharArray()));
        assertThrows(CryptoException.Malformed.class, () -> PassphraseWrap.unwrap(java.util.Arrays.copyOf(blob, blob.length + 1), "p".toCharArray()));
        byte[] version = blob.clone();
        version[4] = 9;
        assertThrows(CryptoException.UnsupportedVersion.class, () -> PassphraseWrap.unwrap(version, "p".toCharArray()));
    }

    @Test
    void theServerChecksShapeAndParametersWithoutThePassphrase() throws Exception {
        byte[] blob = PassphraseWrap.wrap(keys, "p".toCharArray(), MINIMUM);
        org.junit.jupiter.api.Assertions.assertEquals(MINIMUM, PassphraseWrap.inspect(blob));
        byte[] downgraded = blob.clone();
        downgraded[12] = 1;
        assertThrows(CryptoException.WeakParameters.class, () -> PassphraseWrap.inspect(downgraded));
        assertThrows(CryptoException.Malformed.class, () -> PassphraseWrap.inspect(java.util.Arrays.copyOf(blob, 20)));
        assertThrows(CryptoException.Malformed.class, () -> PassphraseWrap.inspect("not a blob at all".getBytes()));
    }
}
