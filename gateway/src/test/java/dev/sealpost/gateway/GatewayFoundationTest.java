package dev.sealpost.gateway;

import dev.sealpost.testing.KafkaResource;
import dev.sealpost.testing.ServiceFoundationContract;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(KafkaResource.class)
class GatewayFoundationTest extends ServiceFoundationContract {

    @Override
    protected String serviceName() {
        return "gateway";
    }

    @Override
    protected boolean hasDatabase() {
        return false;
    }
}
