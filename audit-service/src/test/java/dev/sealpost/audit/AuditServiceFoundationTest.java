package dev.sealpost.audit;

import dev.sealpost.testing.ClientInputContract;
import dev.sealpost.testing.PostgresAndKafkaResource;
import dev.sealpost.testing.ServiceFoundationContract;
import dev.sealpost.testing.TestPassportIssuer;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import java.util.List;

@QuarkusTest
@WithTestResource(value = PostgresAndKafkaResource.class, initArgs = {@ResourceArg(name = "database", value = "audit"),
        @ResourceArg(name = "passportAudience", value = "audit-service")})
class AuditServiceFoundationTest extends ServiceFoundationContract implements ClientInputContract {

    @Override
    protected String serviceName() {
        return "audit-service";
    }

    @Override
    public List<Attack> controlCharacterAttacks() {
        return List.of(new Attack("/api/audit/events?actor=%00", "actor"), new Attack("/api/audit/events?ip=%00", "ip"),
                new Attack("/api/audit/events?actor=a%00b", "actor"), new Attack("/api/audit/export?format=jsonl&actor=%00", "actor"),
                new Attack("/api/audit/me/events?type=%01", "type"));
    }

    @Override
    public String attackAuthorization() {
        return "Bearer " + TestPassportIssuer.get().passport("acme", "u-soc-attacker", "soc@acme.test", "audit-service", "soc-analyst");
    }

    @Override
    public String numericParameterTarget() {
        return "/api/audit/me/events?limit=%s";
    }
}
