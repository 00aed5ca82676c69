package dev.sealpost.testing;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import org.eclipse.microprofile.config.ConfigProvider;

import java.net.URI;

/**
 * The management interface (health, metrics) of the application under {@code @QuarkusTest}: a port of
 * its own, chosen at random in the tests, never the public one.
 */
public final class ManagementInterface {

    private ManagementInterface() {
    }

    /** {@code http://host:port} of the management interface. */
    public static String baseUri() {
        URI url = URI.create(ConfigProvider.getConfig().getValue("test.management.url", String.class));
        return url.getScheme() + "://" + url.getHost() + ":" + url.getPort();
    }

    /** A request to the management interface, e.g. {@code ManagementInterface.given().get("/q/health/ready")}. */
    public static RequestSpecification given() {
        return RestAssured.given().baseUri(baseUri());
    }
}
