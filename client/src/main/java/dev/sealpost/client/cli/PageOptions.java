package dev.sealpost.client.cli;

import picocli.CommandLine.Option;

/** The paging options every listing shares. */
final class PageOptions {

    @Option(names = "--limit", defaultValue = "50", description = "At most this many (1..200)")
    int limit;

    @Option(names = "--after", description = "The cursor printed under the previous page")
    String after;
}
