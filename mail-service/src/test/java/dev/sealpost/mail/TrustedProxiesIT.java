package dev.sealpost.mail;

import dev.sealpost.testing.LoopbackPorts;
import dev.sealpost.testing.PackagedService;
import dev.sealpost.testing.SealpostInfrastructure;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged mail-service and its list of trusted proxies. Quarkus believes X-Forwarded-For from
 * every peer when {@code quarkus.http.proxy.trusted-proxies} is empty, so an empty
 * SEALPOST_MAIL_TRUSTED_PROXIES must stop the service at start (fail closed) instead of letting any
 * caller write the address its mailbox-access events record.
 */
class TrustedProxiesIT {

    @Test
    void theServiceStartsWithItsDefaultListAndRefusesToStartWithAnEmptyOne() throws Exception {
        Path logs = Files.createDirectories(Path.of("target/trusted-proxies"));
        Map<String, String> environment = PackagedService.environment(SealpostInfrastructure.freshDatabase("mail"),
                LoopbackPorts.findFree());

        Path defaultLog = logs.resolve("default.log");
        try (PackagedService service = PackagedService.start(environment, defaultLog)) {
            await().atMost(Duration.ofSeconds(90)).until(() -> Files.readString(defaultLog).contains("Listening on"));
            assertTrue(service.isAlive(), "started with the default list (loopback)");
        }

        environment.put("SEALPOST_MAIL_TRUSTED_PROXIES", "");
        Path emptyLog = logs.resolve("empty.log");
        try (PackagedService service = PackagedService.start(environment, emptyLog)) {
            await().atMost(Duration.ofSeconds(90)).until(() -> !service.isAlive());
            String log = Files.readString(emptyLog);
            assertTrue(log.contains("sealpost.mail.trusted-proxies"), "the refusal names the setting:\n" + log);
            assertFalse(log.contains("Listening on"), "never listened:\n" + log);
        }
    }
}
