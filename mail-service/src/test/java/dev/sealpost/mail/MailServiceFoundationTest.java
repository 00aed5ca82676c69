package dev.sealpost.mail;

import dev.sealpost.testing.PostgresAndKafkaResource;
import dev.sealpost.testing.ServiceFoundationContract;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(value = PostgresAndKafkaResource.class, initArgs = {@ResourceArg(name = "database", value = "mail"),
        @ResourceArg(name = "passportAudience", value = "mail-service")})
class MailServiceFoundationTest extends ServiceFoundationContract {

    @Override
    protected String serviceName() {
        return "mail-service";
    }
}
