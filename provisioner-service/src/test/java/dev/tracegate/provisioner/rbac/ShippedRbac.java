package dev.tracegate.provisioner.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tracegate.provisioner.support.ApiRequestLog.ApiRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The rules that kubernetes/base grants the provisioner's service account, read from the manifests, and
 * RBAC's decision for a request: a ClusterRoleBinding grants its rules everywhere, a RoleBinding only in the
 * provisioner's own namespace (the overlay's).
 */
final class ShippedRbac {
    static final String SERVICE_ACCOUNT = "tracegate-provisioner";

    /** One rule of a (Cluster)Role, as bound: {@code everywhere} for a ClusterRoleBinding. */
    record Rule(String role, List<String> apiGroups, List<String> resources, List<String> verbs, List<String> resourceNames,
                boolean everywhere) {

        boolean allows(ApiRequest request) {
            return allowsVerb(request, request.verb());
        }

        boolean allowsVerb(ApiRequest request, String verb) {
            boolean scope = everywhere || request.namespace().equals(request.ownNamespace());
            boolean named = resourceNames.isEmpty() || resourceNames.contains(request.name());
            return scope && named && matches(apiGroups, request.group()) && matches(resources, request.resourcePath())
                    && matches(verbs, verb);
        }

        private static boolean matches(List<String> values, String value) {
            return values.contains("*") || values.contains(value);
        }

        @Override
        public String toString() {
            return role + " " + apiGroups + " " + resources + " " + verbs + (resourceNames.isEmpty() ? "" : " names " + resourceNames);
        }
    }

    private ShippedRbac() {
    }

    static List<Rule> read(Path base) {
        List<JsonNode> documents = documents(base);
        List<Rule> rules = new ArrayList<>();
        for (JsonNode binding : documents) {
            String kind = binding.path("kind").asText();
            if (!kind.equals("ClusterRoleBinding") && !kind.equals("RoleBinding") || !bindsProvisioner(binding)) {
                continue;
            }
            String roleKind = binding.path("roleRef").path("kind").asText();
            String roleName = binding.path("roleRef").path("name").asText();
            JsonNode role = documents.stream()
                    .filter(d -> d.path("kind").asText().equals(roleKind) && d.path("metadata").path("name").asText().equals(roleName))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException(kind + " " + binding.path("metadata").path("name").asText()
                            + " refers to " + roleKind + " " + roleName + ", which kubernetes/base does not define"));
            for (JsonNode rule : role.path("rules")) {
                rules.add(new Rule(roleKind + " " + roleName, strings(rule.path("apiGroups")), strings(rule.path("resources")),
                        strings(rule.path("verbs")), strings(rule.path("resourceNames")), kind.equals("ClusterRoleBinding")));
            }
        }
        return rules;
    }

    private static boolean bindsProvisioner(JsonNode binding) {
        for (JsonNode subject : binding.path("subjects")) {
            if (subject.path("kind").asText().equals("ServiceAccount") && subject.path("name").asText().equals(SERVICE_ACCOUNT)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    private static List<JsonNode> documents(Path base) {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        List<JsonNode> documents = new ArrayList<>();
        try (Stream<Path> files = Files.walk(base)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml") && !f.getFileName().toString().equals("kustomization.yaml")).toList()) {
                try (var parser = yaml.getFactory().createParser(file.toFile())) {
                    yaml.readValues(parser, JsonNode.class).forEachRemaining(d -> {
                        if (d != null && !d.isNull()) {
                            documents.add(d);
                        }
                    });
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return documents;
    }
}
