package dev.sealpost.audit;

import dev.sealpost.testing.PostgresAndKafkaResource;
import dev.sealpost.testing.ServiceFoundationContract;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(value = PostgresAndKafkaResource.class, initArgs = {@ResourceArg(name = "database", value = "audit"),
        @ResourceArg(name = "passportAudience", value = "audit-service")})
class AuditServiceFoundationTest extends ServiceFoundationContract {

    @Override
    protected String serviceName() {
        return "audit-service";
    }
}
