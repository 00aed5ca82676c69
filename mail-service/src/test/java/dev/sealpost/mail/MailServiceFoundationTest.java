package dev.sealpost.mail;

import dev.sealpost.testing.ClientInputContract;
import dev.sealpost.testing.PostgresAndKafkaResource;
import dev.sealpost.testing.ServiceFoundationContract;
import dev.sealpost.testing.TestPassportIssuer;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import java.util.List;

@QuarkusTest
@WithTestResource(value = PostgresAndKafkaResource.class, initArgs = {@ResourceArg(name = "database", value = "mail"),
        @ResourceArg(name = "passportAudience", value = "mail-service")})
class MailServiceFoundationTest extends ServiceFoundationContract implements ClientInputContract {

    @Override
    protected String serviceName() {
        return "mail-service";
    }

    @Override
    public List<Attack> controlCharacterAttacks() {
        return List.of(new Attack("/api/mail/folders/a%00b/messages", null), new Attack("/api/mail/folders/INBOX/messages?after=%00", "after"));
    }

    @Override
    public String attackAuthorization() {
        return "Bearer " + TestPassportIssuer.get().passport("consumer", "subject-attacker", "attacker@sealpost.test", "mail-service", "user");
    }

    @Override
    public String numericParameterTarget() {
        return "/api/mail/folders/INBOX/messages?limit=%s";
    }
}
