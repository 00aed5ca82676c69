package dev.sealpost.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The environment a Deployment sets must be one its service reads: a ${NAME} of its configuration (its
 * application.properties and the META-INF/microprofile-config.properties of the libraries it depends on), a
 * property of those files or of an @ConfigMapping prefix in its or their sources under SmallRye's environment
 * mapping (upper case, every other character '_'), a Kafka client setting as KAFKA_<NAME> (Quarkus hands
 * kafka.* to every client, mapping '_' to '.'), or one of the few standard settings listed in {@link #STANDARD}.
 * A ${NAME} without a default must be set.
 */
final class EnvNames {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(:?)");
    private static final Pattern MAPPING = Pattern.compile("@ConfigMapping\\(prefix\\s*=\\s*\"([^\"]+)\"");
    private static final Pattern LIB = Pattern.compile("<artifactId>sealpost-([a-z-]+)</artifactId>");

    /** Read by the JVM or Quarkus itself though no file of ours names them. */
    static final Set<String> STANDARD = Set.of(
            "JAVA_TOOL_OPTIONS", // the JVM: heap sizing
            "QUARKUS_SHUTDOWN_TIMEOUT"); // quarkus.shutdown.timeout: graceful shutdown

    record ServiceConfig(String service, Set<String> allowed, Set<String> allowedPrefixes, Set<String> required) {
        boolean reads(String env) {
            if (allowed.contains(env) || STANDARD.contains(env)) {
                return true;
            }
            if (env.startsWith("KAFKA_")) {
                String key = env.substring("KAFKA_".length()).toLowerCase().replace('_', '.');
                return ProducerConfig.configNames().contains(key) || ConsumerConfig.configNames().contains(key)
                        || AdminClientConfig.configNames().contains(key);
            }
            return allowedPrefixes.stream().anyMatch(env::startsWith);
        }
    }

    private EnvNames() {
    }

    static Path root() {
        return Kustomize.moduleDir().resolve("../..").normalize();
    }

    static String envify(String property) {
        StringBuilder env = new StringBuilder();
        for (char c : property.toCharArray()) {
            env.append(Character.isLetterOrDigit(c) ? Character.toUpperCase(c) : '_');
        }
        return env.toString();
    }

    static ServiceConfig config(String service) {
        Path root = root();
        Set<String> modules = new LinkedHashSet<>();
        modules.add(service);
        Deque<String> libs = new ArrayDeque<>(libraries(root.resolve(service).resolve("pom.xml")));
        while (!libs.isEmpty()) {
            String lib = libs.pop();
            if (modules.add("libs/" + lib)) {
                libs.addAll(libraries(root.resolve("libs").resolve(lib).resolve("pom.xml")));
            }
        }
        Set<String> allowed = new HashSet<>();
        Set<String> prefixes = new HashSet<>();
        Set<String> required = new HashSet<>();
        for (String module : modules) {
            Path resources = root.resolve(module).resolve("src/main/resources");
            for (Path file : List.of(resources.resolve("application.properties"), resources.resolve("META-INF/microprofile-config.properties"))) {
                if (Files.isRegularFile(file)) {
                    readProperties(file, allowed, prefixes, required);
                }
            }
            Path sources = root.resolve(module).resolve("src/main/java");
            if (Files.isDirectory(sources)) {
                try (Stream<Path> files = Files.walk(sources)) {
                    for (Path java : files.filter(f -> f.toString().endsWith(".java")).collect(Collectors.toList())) {
                        Matcher m = MAPPING.matcher(Files.readString(java));
                        while (m.find()) {
                            prefixes.add(envify(m.group(1)) + "_");
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return new ServiceConfig(service, allowed, prefixes, required);
    }

    private static List<String> libraries(Path pom) {
        List<String> libs = new ArrayList<>();
        if (!Files.isRegularFile(pom)) {
            return libs;
        }
        try {
            String text = Files.readString(pom);
            // only the dependencies, not the module's own artifactId or its parent's
            int start = text.indexOf("<dependencies>");
            if (start < 0) {
                return libs;
            }
            Matcher m = LIB.matcher(text.substring(start));
            while (m.find()) {
                String lib = m.group(1);
                // sealpost-testing is test scope; an artifactId without a libs/ folder is a service, not a library
                if (!lib.equals("testing") && Files.isDirectory(root().resolve("libs").resolve(lib))) {
                    libs.add(lib);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return libs;
    }

    private static void readProperties(Path file, Set<String> allowed, Set<String> prefixes, Set<String> required) {
        try {
            StringBuilder logical = new StringBuilder();
            for (String line : Files.readAllLines(file)) {
                // continuation lines belong to the line before
                if (line.endsWith("\\")) {
                    logical.append(line, 0, line.length() - 1);
                    continue;
                }
                logical.append(line);
                String entry = logical.toString().strip();
                logical.setLength(0);
                if (entry.isEmpty() || entry.startsWith("#") || !entry.contains("=")) {
                    continue;
                }
                String key = entry.substring(0, entry.indexOf('=')).strip();
                String value = entry.substring(entry.indexOf('=') + 1);
                boolean profiled = key.startsWith("%");
                if (!profiled && !key.contains("\"")) {
                    allowed.add(envify(key));
                    // a quarkus-oidc tenant named here may have any of its settings set (e.g. token.issuer)
                    if (key.startsWith("quarkus.oidc.") && key.split("\\.").length > 3) {
                        prefixes.add(envify("quarkus.oidc." + key.split("\\.")[2]) + "_");
                    }
                }
                Matcher m = PLACEHOLDER.matcher(value);
                while (m.find()) {
                    allowed.add(m.group(1));
                    if (!profiled && m.group(2).isEmpty()) {
                        required.add(m.group(1));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> violations(List<JsonNode> docs) {
        List<String> found = new ArrayList<>();
        for (Manifests.Workload w : Manifests.workloads(docs)) {
            if (!Files.isDirectory(root().resolve(w.name()).resolve("src/main/resources"))) {
                found.add(w.name() + ": no service of that name in the repository, so its environment cannot be checked");
                continue;
            }
            ServiceConfig config = config(w.name());
            for (JsonNode container : w.podSpec().path("containers")) {
                Set<String> set = new HashSet<>();
                for (JsonNode env : container.path("env")) {
                    String name = env.path("name").asText();
                    if (!set.add(name)) {
                        found.add(w.name() + ": " + name + " is set twice");
                    }
                    if (!config.reads(name)) {
                        found.add(w.name() + ": " + name + " is read by nothing in " + w.name() + "'s configuration");
                    }
                }
                if (container.has("envFrom")) {
                    found.add(w.name() + ": envFrom hides which variables are set; name each one");
                }
                for (String needed : config.required()) {
                    if (!set.contains(needed)) {
                        found.add(w.name() + ": " + needed + " has no default and is not set");
                    }
                }
            }
        }
        return found;
    }
}
