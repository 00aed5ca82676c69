package dev.sealpost.mail;

import dev.sealpost.testing.PostgresAndKafkaResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static dev.sealpost.mail.MailTestSupport.as;
import static dev.sealpost.mail.MailTestSupport.passport;
import static dev.sealpost.mail.MailTestSupport.send;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A mailbox's own folders stop at the limit, also under concurrent creations, without blocking sends. */
@QuarkusTest
@TestProfile(SmallLimitsProfile.class)
@WithTestResource(value = PostgresAndKafkaResource.class, initArgs = {
        @ResourceArg(name = "database", value = "mail"), @ResourceArg(name = "passportAudience", value = "mail-service")})
class FolderLimitsTest {

    /** Eight folder creations at once in one mailbox limited to 3 folders of its own: exactly 3 are made. */
    @Test
    void concurrentFolderCreationsStopAtTheLimit() throws Exception {
        String greta = passport("consumer", "greta", "greta@sealpost.test");
        as(greta).get("/api/mail/quota").then().statusCode(200);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        List<Integer> statuses = new ArrayList<>();
        try {
            List<CompletableFuture<Integer>> creations = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String name = "folder " + i;
                creations.add(CompletableFuture.supplyAsync(() -> MailTestSupport.createFolder(greta, "{\"name\":\"" + name + "\"}")
                        .statusCode(), threads));
            }
            for (CompletableFuture<Integer> creation : creations) {
                statuses.add(creation.get());
            }
        } finally {
            threads.shutdown();
        }
        assertEquals(3, statuses.stream().filter(status -> status == 201).count(), statuses.toString());
        assertEquals(5, statuses.stream().filter(status -> status == 409).count(), statuses.toString());
        assertEquals(8, as(greta).get("/api/mail/folders").then().statusCode(200).extract().jsonPath().getList("").size());
        MailTestSupport.createFolder(greta, "{\"name\":\"one more\"}").then().statusCode(409)
                .body("detail", containsString("at most 3"));
    }

    /**
     * A folder creation locks its mailbox's row so that two creations are checked against the limit one
     * after the other — and in PostgreSQL's FOR NO KEY UPDATE mode, which the FOR KEY SHARE locks of
     * concurrent sends' foreign-key checks on that row do not wait for (nor it for them).
     */
    @Test
    void aFolderCreationWaitsForAnotherButNotForASend() throws Exception {
        String hugo = passport("consumer", "hugo", "hugo@sealpost.test");
        as(hugo).get("/api/mail/quota").then().statusCode(200);
        try (Connection lock = MailTestSupport.superuser()) {
            lock.setAutoCommit(false);
            int lockHolder;
            try (Statement sql = lock.createStatement(); ResultSet row = sql.executeQuery("SELECT pg_backend_pid()")) {
                row.next();
                lockHolder = row.getInt(1);
            }
            // as an in-flight send's foreign-key check: the creation goes through
            lock.createStatement().executeQuery("SELECT id FROM mailbox WHERE address = 'hugo@sealpost.test' FOR KEY SHARE").close();
            assertEquals(201, CompletableFuture.supplyAsync(() -> MailTestSupport.createFolder(hugo, "{\"name\":\"beside a send\"}")
                    .statusCode()).get(30, java.util.concurrent.TimeUnit.SECONDS));
            lock.commit();

            // as another creation in progress: this one waits for it, then goes on
            lock.createStatement().executeQuery("SELECT id FROM mailbox WHERE address = 'hugo@sealpost.test' FOR NO KEY UPDATE").close();
            CompletableFuture<Integer> waiting = CompletableFuture.supplyAsync(() -> MailTestSupport.createFolder(hugo,
                    "{\"name\":\"after another\"}").statusCode());
            await().atMost(Duration.ofSeconds(30)).until(() -> blockedBy(lockHolder) == 1);
            lock.commit();
            assertEquals(201, waiting.get(30, java.util.concurrent.TimeUnit.SECONDS));
        }
    }

    private static long blockedBy(int backend) throws Exception {
        return MailTestSupport.count("SELECT count(*) FROM pg_stat_activity WHERE ? = ANY (pg_blocking_pids(pid))", backend);
    }
}
