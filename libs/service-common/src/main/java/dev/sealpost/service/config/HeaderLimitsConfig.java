package dev.sealpost.service.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The sizes of a request's head that every service accepts (docs/operations.md, "Limits"). Vert.x
 * answers a head over its own decoder limits with an empty body before any route runs, so those are
 * set to a ceiling above these ({@code quarkus.http.limits.*}), and {@code HeaderLimits} refuses
 * what lies between with a problem.
 */
@ConfigMapping(prefix = "sealpost.http")
public interface HeaderLimitsConfig {

    /** All header lines together, names and values. */
    @WithDefault("16384")
    int maxHeaderBytes();

    /** The request line: method, target and version. */
    @WithDefault("4096")
    int maxRequestLineBytes();
}
