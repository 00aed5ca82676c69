package dev.sealpost.k8s;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Every Sealpost pod: Pod Security "restricted" (as the admission controller checks it), and what the issue
 * adds on top: a read-only root filesystem with an emptyDir for /tmp, no service-account token, probes on the
 * management port, memory request = limit with a heap sized by -XX:MaxRAMPercentage, and a shutdown in which
 * the preStop pause and Quarkus' shutdown timeout fit into the grace period.
 */
final class PodPolicy {

    /** The volume types "restricted" allows. */
    private static final Set<String> RESTRICTED_VOLUMES = Set.of("configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
            "persistentVolumeClaim", "projected", "secret");

    private PodPolicy() {
    }

    static List<String> violations(List<JsonNode> docs) {
        List<String> found = new ArrayList<>();
        for (Manifests.Workload workload : Manifests.workloads(docs)) {
            String w = workload.name();
            JsonNode pod = workload.podSpec();
            JsonNode podSecurity = pod.path("securityContext");
            for (String host : List.of("hostNetwork", "hostPID", "hostIPC")) {
                if (pod.path(host).asBoolean(false)) {
                    found.add(w + ": " + host + " is not allowed");
                }
            }
            if (pod.path("automountServiceAccountToken").asBoolean(true)) {
                found.add(w + ": automountServiceAccountToken must be false");
            }
            for (JsonNode volume : pod.path("volumes")) {
                volume.fieldNames().forEachRemaining(field -> {
                    if (!field.equals("name") && !RESTRICTED_VOLUMES.contains(field)) {
                        found.add(w + ": volume " + volume.path("name").asText() + " of type " + field + " is not allowed under restricted");
                    }
                });
            }
            String podSeccomp = podSecurity.path("seccompProfile").path("type").asText("");
            boolean podNonRoot = podSecurity.path("runAsNonRoot").asBoolean(false);
            if (podSecurity.path("runAsUser").asInt(-1) == 0) {
                found.add(w + ": runAsUser 0");
            }
            List<JsonNode> containers = new ArrayList<>();
            pod.path("initContainers").forEach(containers::add);
            pod.path("containers").forEach(containers::add);
            for (JsonNode container : containers) {
                String c = w + "/" + container.path("name").asText();
                JsonNode sc = container.path("securityContext");
                if (!sc.path("runAsNonRoot").asBoolean(podNonRoot)) {
                    found.add(c + ": runAsNonRoot must be true (pod or container)");
                }
                if (sc.path("runAsUser").asInt(-1) == 0) {
                    found.add(c + ": runAsUser 0");
                }
                String seccomp = sc.path("seccompProfile").path("type").asText(podSeccomp);
                if (!seccomp.equals("RuntimeDefault") && !seccomp.equals("Localhost")) {
                    found.add(c + ": seccompProfile must be RuntimeDefault or Localhost, is '" + seccomp + "'");
                }
                if (!sc.path("allowPrivilegeEscalation").isBoolean() || sc.path("allowPrivilegeEscalation").asBoolean()) {
                    found.add(c + ": allowPrivilegeEscalation must be false");
                }
                if (sc.path("privileged").asBoolean(false)) {
                    found.add(c + ": privileged");
                }
                boolean dropsAll = false;
                for (JsonNode drop : sc.path("capabilities").path("drop")) {
                    dropsAll |= drop.asText().equals("ALL");
                }
                if (!dropsAll) {
                    found.add(c + ": capabilities must drop ALL");
                }
                for (JsonNode add : sc.path("capabilities").path("add")) {
                    if (!add.asText().equals("NET_BIND_SERVICE")) {
                        found.add(c + ": capability " + add.asText() + " may not be added");
                    }
                }
                if (!sc.path("readOnlyRootFilesystem").asBoolean(false)) {
                    found.add(c + ": readOnlyRootFilesystem must be true");
                }
                checkTmp(c, container, pod, found);
                checkProbes(c, container, found);
                checkMemory(c, container, found);
                checkShutdown(c, container, pod, found);
            }
        }
        return found;
    }

    private static void checkTmp(String c, JsonNode container, JsonNode pod, List<String> found) {
        for (JsonNode mount : container.path("volumeMounts")) {
            if (mount.path("mountPath").asText().equals("/tmp")) {
                for (JsonNode volume : pod.path("volumes")) {
                    if (volume.path("name").asText().equals(mount.path("name").asText()) && volume.has("emptyDir")) {
                        return;
                    }
                }
            }
        }
        found.add(c + ": /tmp must be an emptyDir (the root filesystem is read-only)");
    }

    private static void checkProbes(String c, JsonNode container, List<String> found) {
        List<String> expected = List.of("startupProbe=/q/health/started", "livenessProbe=/q/health/live", "readinessProbe=/q/health/ready");
        for (String pair : expected) {
            String probe = pair.substring(0, pair.indexOf('='));
            String path = pair.substring(pair.indexOf('=') + 1);
            JsonNode get = container.path(probe).path("httpGet");
            if (!get.path("path").asText().equals(path)) {
                found.add(c + ": " + probe + " must GET " + path + ", has '" + get.path("path").asText() + "'");
            }
            String port = get.path("port").asText();
            if (!port.equals("management") && !port.equals(String.valueOf(managementPort(container)))) {
                found.add(c + ": " + probe + " must use the management port, uses '" + port + "'");
            }
        }
    }

    private static int managementPort(JsonNode container) {
        for (JsonNode port : container.path("ports")) {
            if (port.path("name").asText().equals("management")) {
                return port.path("containerPort").asInt();
            }
        }
        return -1;
    }

    private static void checkMemory(String c, JsonNode container, List<String> found) {
        JsonNode resources = container.path("resources");
        String request = resources.path("requests").path("memory").asText("");
        String limit = resources.path("limits").path("memory").asText("");
        if (request.isEmpty() || !request.equals(limit)) {
            found.add(c + ": memory request (" + request + ") must equal its limit (" + limit + ")");
        }
        String javaOptions = env(container, "JAVA_TOOL_OPTIONS");
        if (javaOptions == null || !javaOptions.contains("-XX:MaxRAMPercentage=")) {
            found.add(c + ": JAVA_TOOL_OPTIONS must size the heap with -XX:MaxRAMPercentage");
        }
    }

    private static void checkShutdown(String c, JsonNode container, JsonNode pod, List<String> found) {
        JsonNode preStop = container.path("lifecycle").path("preStop");
        long pause = preStop.path("sleep").path("seconds").asLong(-1);
        if (pause <= 0) {
            found.add(c + ": needs a preStop sleep, so that endpoints drop the pod before it stops serving");
            return;
        }
        String timeout = env(container, "QUARKUS_SHUTDOWN_TIMEOUT");
        if (timeout == null) {
            found.add(c + ": QUARKUS_SHUTDOWN_TIMEOUT must be set (in-flight requests, the outbox relay and consumers finish)");
            return;
        }
        long grace = pod.path("terminationGracePeriodSeconds").asLong(30);
        long shutdown = Duration.parse("PT" + timeout.toUpperCase()).toSeconds();
        if (pause + shutdown >= grace) {
            found.add(c + ": preStop " + pause + " s + shutdown " + shutdown + " s must be less than terminationGracePeriodSeconds " + grace);
        }
    }

    static String env(JsonNode container, String name) {
        for (JsonNode env : container.path("env")) {
            if (env.path("name").asText().equals(name)) {
                return env.path("value").asText(null);
            }
        }
        return null;
    }
}
