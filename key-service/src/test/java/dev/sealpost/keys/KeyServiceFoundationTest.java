package dev.sealpost.keys;

import dev.sealpost.testing.ClientInputContract;
import dev.sealpost.testing.PostgresAndKafkaResource;
import dev.sealpost.testing.ServiceFoundationContract;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import java.util.List;

@QuarkusTest
@WithTestResource(value = PostgresAndKafkaResource.class, initArgs = @ResourceArg(name = "database", value = "key"))
class KeyServiceFoundationTest extends ServiceFoundationContract implements ClientInputContract {

    @Override
    protected String serviceName() {
        return "key-service";
    }

    @Override
    public List<Attack> controlCharacterAttacks() {
        return List.of(new Attack("/api/keys/admin/tenants/a%00x/signing-keys", null), new Attack("/api/keys/directory/a%00b@sealpost.test", null));
    }

    @Override
    public String attackAuthorization() {
        return "Bearer " + KeyServiceClient.passportFor("attacker@sealpost.test");
    }

    @Override
    public String numericParameterTarget() {
        return "/api/keys/log/consumer/consistency?from=%s&to=1";
    }
}
