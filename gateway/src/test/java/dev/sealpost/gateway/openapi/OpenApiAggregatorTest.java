package dev.sealpost.gateway.openapi;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpenApiAggregatorTest {

    private static JsonObject document(String path, String schema, JsonObject schemaBody) {
        return new JsonObject().put("openapi", "3.1.0")
                .put("paths", new JsonObject()
                        .put(path, new JsonObject().put("get", new JsonObject().put("responses", new JsonObject().put("200",
                                new JsonObject().put("$ref", "#/components/schemas/" + schema)))))
                        .put("/internal/passports", new JsonObject().put("post", new JsonObject())))
                .put("components", new JsonObject().put("schemas", new JsonObject().put(schema, schemaBody)));
    }

    @Test
    void publicPathsOnlySharedSchemasOnceAndCollidingNamesPrefixedWithTheirReferences() {
        JsonObject problem = new JsonObject().put("type", "object");
        Map<String, JsonObject> documents = new LinkedHashMap<>();
        documents.put("mail-service", document("/api/mail/quota", "Quota", new JsonObject().put("type", "object").put("title", "mail")));
        documents.put("key-service", document("/api/keys/directory/{address}", "Quota", new JsonObject().put("type", "string")));
        documents.put("audit-service", null);
        documents.get("mail-service").getJsonObject("components").getJsonObject("schemas").put("Problem", problem);
        documents.get("key-service").getJsonObject("components").getJsonObject("schemas").put("Problem", problem);

        JsonObject merged = OpenApiAggregator.merge(documents);

        JsonObject paths = merged.getJsonObject("paths");
        assertEquals(2, paths.size(), paths.encode());
        assertFalse(paths.containsKey("/internal/passports"), "internal routes are not public");
        JsonObject schemas = merged.getJsonObject("components").getJsonObject("schemas");
        assertEquals(new JsonObject().put("type", "object").put("title", "mail"), schemas.getJsonObject("Quota"));
        assertEquals(new JsonObject().put("type", "string"), schemas.getJsonObject("key-service.Quota"));
        assertEquals(problem, schemas.getJsonObject("Problem"));
        assertEquals(3, schemas.size(), "Problem once: " + schemas.fieldNames());
        assertEquals("#/components/schemas/key-service.Quota", paths.getJsonObject("/api/keys/directory/{address}").getJsonObject("get")
                .getJsonObject("responses").getJsonObject("200").getString("$ref"));
        assertEquals("#/components/schemas/Quota", paths.getJsonObject("/api/mail/quota").getJsonObject("get")
                .getJsonObject("responses").getJsonObject("200").getString("$ref"));
        assertTrue(merged.getJsonObject("info").getString("description").contains("audit-service"), "the missing service is named");
        assertEquals("3.1.0", merged.getString("openapi"));
    }
}
