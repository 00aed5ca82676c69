package dev.sealpost.service.rest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * JSON bodies are read strictly. A document with trailing data ({@code {"seen":true}xyz}), with a key
 * twice ({@code {"seen":true,"seen":false}} — which one wins differs between parsers, so a proxy or a
 * log can read another request than the service) or with a field the endpoint does not know
 * ({@code quarkus.jackson.fail-on-unknown-properties=true} in the shared configuration: a misspelt
 * field would otherwise be silently dropped) is refused with 400 ({@link ProblemExceptionMappers#mapBadJson}).
 * <p>
 * JSON scalars are taken as their own type only: a number or a boolean where text is expected, or text
 * where a number or a boolean is expected, is refused (400, {@link ProblemExceptionMappers#mapBadJson}).
 * So is a fraction where an integer is expected. Jackson's defaults coerce all of these — {@code {"name": 42}}
 * made the folder "42", {@code {"seen": "true"}} set a flag, 1.9 became 1 — so a client's typing mistake
 * changed data instead of being told. An integer where a decimal is expected stays allowed (JSON has
 * one number type).
 */
@Singleton
public class StrictJson implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        for (LogicalType scalar : new LogicalType[] {LogicalType.Boolean, LogicalType.Integer, LogicalType.Float}) {
            mapper.coercionConfigFor(scalar).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        }
        mapper.coercionConfigFor(LogicalType.Boolean)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
    }
}
